"""A posting and a brief the HTTP tests send (test_web_api, test_web_contract)."""

from __future__ import annotations

POSTING = """Senior Machine Learning Engineer

What you'll do
- Train and fine-tune ranking models on three years of our own click data.
- Own the feature pipeline, offline evaluation on held-out weeks, and weekly retraining.
- Monitor drift in production and roll back bad models.

What you'll bring
- 5+ years building and deploying models with PyTorch or XGBoost.
"""
BRIEF = (
    "We run 40 shops and want to forecast weekly demand for each product from five years "
    "of sales history, so that we cut stock-outs. The forecasts must refresh every night."
)
