"""Regenerate the shipped JSON Schema files: ``python -m rolelens.schemas``."""

from pathlib import Path

from rolelens.schemas import MODELS, render

here = Path(__file__).parent
for name in MODELS:
    (here / f"{name}.schema.json").write_text(render(name), encoding="utf-8")
