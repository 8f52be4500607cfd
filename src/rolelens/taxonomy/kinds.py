"""Names shared by several taxonomy schemas, in a leaf module so the schemas need not import
each other for them."""

from __future__ import annotations

from typing import Literal

# the sections a posting is split into (the reader weighs evidence by section)
SectionKind = Literal[
    "title",
    "summary",
    "responsibilities",
    "requirements",
    "nice_to_have",
    "about_company",
    "benefits",
    "other",
]
