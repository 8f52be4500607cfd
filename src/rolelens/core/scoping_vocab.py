"""Where the scoping vocabulary comes from: how many labelled briefs each cue term occurs in.

A cue term that occurs in exactly one labelled brief is the signature of a phrase copied
from that brief: it scores that brief right and generalises to nothing. The house rule is
that no phrase enters the taxonomy because a labelled brief contains it, so
:func:`single_brief_terms` lists such terms for removal and a test keeps the list empty.
Terms that occur in no labelled brief are allowed (they come from general knowledge).

Pure: texts in, counts out; matching uses the same folding and inflections as the scoper.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from rolelens.core.scoping.terms import CueTerms
from rolelens.core.text import fold
from rolelens.taxonomy.models.scoping import ScopingCues


@dataclass(frozen=True, slots=True)
class TermRef:
    """One vocabulary term and where it lives in the ``scoping:`` block."""

    where: str  # "cue:<id>" or "volume:<list>"
    term: str


def vocabulary(cues: ScopingCues) -> list[tuple[TermRef, bool]]:
    """Every cue and volume term, with whether the scoper inflects it."""
    out: list[tuple[TermRef, bool]] = []
    for cue in cues.cues:
        for group in cue.groups():
            for term in group:
                out.append((TermRef(f"cue:{cue.id}", term), cue.inflect))
    v = cues.volume
    for name in ("labelled_terms", "history_terms", "rate_terms"):
        for term in getattr(v, name):
            out.append((TermRef(f"volume:{name}", term), False))
    for phrase in v.quantities:
        out.append((TermRef("volume:quantities", phrase), False))
    return out


def term_support(cues: ScopingCues, texts: Iterable[str]) -> dict[TermRef, int]:
    """For each vocabulary term, the number of texts it occurs in (as the scoper matches it)."""
    terms = CueTerms()
    refs = vocabulary(cues)
    for i, (ref, inflect) in enumerate(refs):
        terms.add(ref.term, i, inflect=inflect)
    terms.build()
    counts: Counter[int] = Counter()
    for text in texts:
        counts.update({key for key, _, _ in terms.find(fold(text))})
    return {ref: counts[i] for i, (ref, _) in enumerate(refs)}


def single_brief_terms(cues: ScopingCues, texts: Iterable[str]) -> list[TermRef]:
    """Terms that occur in exactly one of the texts: copied phrases, to be removed."""
    return [ref for ref, n in term_support(cues, texts).items() if n == 1]
