"""Sourced numbers: turn taxonomy figures into printable amounts that always carry a source.

Every number scoping shows comes through here, so none can lose its source on the way:
a :class:`~rolelens.core.scoping_models.SourcedFigure` cannot be built without one, and
the renderers print the sources beside the number.
"""

from __future__ import annotations

from collections.abc import Sequence

from rolelens.core.scoping_models import SourcedFigure, SourceRef
from rolelens.taxonomy.models import Figure, Source, Taxonomy

_CURRENCY = {"USD": "US$", "EUR": "€", "GBP": "£", "INR": "INR "}
_PERIOD = {"year": " a year", "month": " a month", "hour": " an hour", "one_off": ""}


class FigureBook:
    """The taxonomy's figures and sources, indexed once, formatted on demand."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        self.figures: dict[str, Figure] = {f.id: f for f in taxonomy.figures}
        self.sources: dict[str, Source] = {s.id: s for s in taxonomy.sources}

    def source_ref(self, source_id: str) -> SourceRef:
        """A source as it is shown to users."""
        s = self.sources[source_id]
        return SourceRef(id=s.id, title=s.title, publisher=s.publisher, year=s.year, url=s.url)

    def refs(self, figures: Sequence[Figure]) -> list[SourceRef]:
        """The distinct sources of some figures, in order."""
        seen: list[str] = []
        for f in figures:
            if f.source not in seen:
                seen.append(f.source)
        return [self.source_ref(s) for s in seen]

    def sourced(self, figure_id: str) -> SourcedFigure:
        """One figure as printed, with its source."""
        f = self.figures[figure_id]
        return SourcedFigure(
            figures=[f.id],
            text=amount_text(f.low, f.high, f.value, f),
            description=f.description.strip(),
            low=f.low if f.value is None else f.value,
            high=f.high if f.value is None else f.value,
            unit=f.unit,
            sources=self.refs([f]),
        )

    def range_of(self, figure_ids: Sequence[str], label: str) -> SourcedFigure:
        """Figures from different sources about one quantity, as one range naming each source."""
        figs = [self.figures[i] for i in figure_ids]
        lows = [f.value if f.value is not None else f.low for f in figs]
        highs = [f.value if f.value is not None else f.high for f in figs]
        low = min(v for v in lows if v is not None)
        high = max(v for v in highs if v is not None)
        parts = "; ".join(
            f"{amount_text(f.low, f.high, f.value, f)} per {_short_name(self.sources[f.source])}"
            for f in figs
        )
        return SourcedFigure(
            figures=[f.id for f in figs],
            text=amount_text(low, high, None, figs[0]),
            description=f"sources disagree - {parts}",
            low=low,
            high=high,
            unit=figs[0].unit,
            sources=self.refs(figs),
        )

    def scaled(
        self,
        base_id: str,
        factor_low: float,
        factor_high: float,
        factor_ids: Sequence[str],
        how: str,
        description: str,
    ) -> SourcedFigure:
        """A figure multiplied by a sourced factor (or factor range): both sources cited."""
        base = self.figures[base_id]
        b_low = base.value if base.value is not None else base.low
        b_high = base.value if base.value is not None else base.high
        assert b_low is not None and b_high is not None
        low, high = round(b_low * factor_low), round(b_high * factor_high)
        figs = [base, *(self.figures[i] for i in factor_ids)]
        return SourcedFigure(
            figures=[f.id for f in figs],
            text=amount_text(low, high, None, base),
            description=description,
            low=low,
            high=high,
            unit=base.unit,
            derived=how,
            sources=self.refs(figs),
        )


def amount_text(low: float | None, high: float | None, value: float | None, like: Figure) -> str:
    """A number or range in the figure's unit, e.g. 'US$250,000-310,000 a year', '15-25%'."""
    if value is not None or low == high:
        body = _num(value if value is not None else low)
    else:
        body = f"{_num(low)}-{_num(high)}"
    unit = like.unit
    if like.currency:
        prefix = _CURRENCY.get(like.currency, like.currency + " ")
        return f"{prefix}{body}{_PERIOD.get(like.period or '', '')}"
    if unit == "percent":
        return f"{body}%"
    if unit == "ratio":
        return f"{body}x"
    return f"{body} {unit}"


def _short_name(source: Source) -> str:
    """The publisher without its parenthetical description."""
    return source.publisher.split(" (")[0]


def _num(v: float | None) -> str:
    if v is None:
        return "?"
    if float(v).is_integer():
        return f"{int(v):,}"
    return f"{v:,.1f}"
