"""A scoping form as text to scope: each filled field becomes a labelled paragraph.

Pure: :func:`compose` joins the free text and the fields; the labels it writes are found
again by :func:`form_label_spans` so that no cue ever matches our own words.
"""

from __future__ import annotations

import re

from rolelens.core.scoping_models import ScopingForm

_FORM_ORDER = ("outcome", "data", "volumes", "users", "production", "team_stage", "budget")
_FORM_LABEL = {
    "outcome": "Outcome",
    "data": "Data",
    "volumes": "Volumes",
    "users": "Users",
    "production": "Production needs",
    "team_stage": "Team stage",
    "budget": "Budget",
}

_FORM_LABEL_RE = re.compile(
    r"(?m)^(?:" + "|".join(re.escape(v) for v in _FORM_LABEL.values()) + r"): "
)


def form_label_spans(text: str) -> list[tuple[int, int]]:
    """Where :func:`compose` wrote a field label at the start of a paragraph."""
    return [(m.start(), m.end()) for m in _FORM_LABEL_RE.finditer(text)]


def compose(text: str, form: ScopingForm | None) -> str:
    """The text to scope: the free text, then each form field as a labelled paragraph."""
    parts = [text.strip()] if text and text.strip() else []
    if form is not None:
        if form.brief and form.brief.strip():
            parts.append(form.brief.strip())
        for name in _FORM_ORDER:
            value = getattr(form, name)
            if value and str(value).strip():
                parts.append(f"{_FORM_LABEL[name]}: {str(value).strip()}")
    return "\n\n".join(parts)
