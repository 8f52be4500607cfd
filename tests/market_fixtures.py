"""Synthetic postings for the market tests: our own words, varied roles, months and pay."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

TEMPLATES = [
    (
        "ML Engineer",
        "You will train models on our own click data with PyTorch, build feature pipelines, "
        "tune hyperparameters and run held-out evaluation. Machine learning in production: "
        "model training, drift monitoring and retraining.",
    ),
    (
        "ML Engineer",
        "Build RAG over our support documents, wire AI agents into the product with tool "
        "calling, write prompt evals and keep LLM latency and cost down. No model training.",
    ),
    (
        "GenAI Engineer",
        "Ship retrieval augmented generation features on top of hosted LLM APIs; prompt "
        "engineering, structured outputs, evals and observability for AI agents.",
    ),
    (
        "Software Engineer",
        "Build React front ends and Go services, write tests, review code and keep our C++ "
        "build pipeline healthy. Experience with .NET is a plus.",
    ),
    (
        "AI Engineer",
        "Train models with PyTorch on our sensor data and also build RAG for our analysts; "
        "machine learning and LLM integration both matter here.",
    ),
    (
        "Data Analyst",
        "Build dashboards in Looker, write SQL against the warehouse and present weekly "
        "reports to the sales team.",
    ),
]
SALARIES = [None, "$120k–$150k", "£50,000 - £60,000 per annum", "€45/hour", "competitive", "~0k"]
MONTHS = ["2024-01", "2024-02", "2024-03", "2024-04", None, "March 5, 2024"]


def synthetic_rows(n: int, seed: int = 7, bad_every: int = 0) -> list[dict[str, Any]]:
    """``n`` posting objects (id, title, description, date, salary, company)."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        title, text = TEMPLATES[rng.randrange(len(TEMPLATES))]
        rows.append(
            {
                "id": f"p{i}",
                "title": title,
                "description": f"{text} Team {i % 13}.",
                "date": MONTHS[rng.randrange(len(MONTHS))],
                "salary": SALARIES[rng.randrange(len(SALARIES))],
                "company": f"Company {i}",  # one ad per employer: no duplicates
            }
        )
    return rows


def write_jsonl(path: Path, rows: list[dict[str, Any]], bad_every: int = 0) -> Path:
    """Rows as JSONL; every ``bad_every``-th line is broken on purpose (not JSON)."""
    with path.open("w", encoding="utf-8") as fh:
        for i, row in enumerate(rows, start=1):
            if bad_every and i % bad_every == 0:
                fh.write("{not json\n")
            else:
                fh.write(json.dumps(row) + "\n")
    return path
