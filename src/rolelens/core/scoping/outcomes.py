"""An outcome's display name and whether it is an AI hire: a taxonomy role, or ``hybrid``,
which the scoping block names and which is always an AI hire."""

from __future__ import annotations

from rolelens.taxonomy.models import Taxonomy
from rolelens.taxonomy.models.scoping import HYBRID


def outcome_name(taxonomy: Taxonomy, outcome: str | None) -> str:
    """The outcome's display name ('' for none)."""
    if outcome is None:
        return ""
    if outcome == HYBRID:
        assert taxonomy.scoping is not None
        return taxonomy.scoping.hybrid.name
    return taxonomy.role(outcome).name


def is_ai_hire(taxonomy: Taxonomy, outcome: str) -> bool:
    """Whether hiring for the outcome is an AI hire (hybrid always is)."""
    return True if outcome == HYBRID else taxonomy.role(outcome).ai_hire
