"""Pricing a hire: the brief's region and level, sourced pay bands, the cost of the hire and
of a cheaper (or an AI) alternative, and a plain note where no sourced figure covers the
region. Every amount is a sourced figure or one derived from sourced figures with the
derivation shown (:class:`~rolelens.core.figures.FigureBook`); nothing is converted or
invented. The hybrid premium is applied in one place (:meth:`Pricing._hybrid_pay`).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from rolelens.core.figures import FigureBook
from rolelens.core.scoping.outcomes import is_ai_hire, outcome_name
from rolelens.core.scoping.terms import CueTerms
from rolelens.core.scoping_models import CostLine, SalaryBand, ScopingForm, SourcedFigure
from rolelens.core.text import fold
from rolelens.taxonomy.models import Taxonomy
from rolelens.taxonomy.models.scoping import HYBRID, ScopingCues


class Pricing:
    """Prices the hires of one taxonomy's scoping block; build once, use for every brief."""

    def __init__(self, taxonomy: Taxonomy, book: FigureBook) -> None:
        assert taxonomy.scoping is not None
        self.taxonomy = taxonomy
        self.cues: ScopingCues = taxonomy.scoping
        self.book = book
        self._regions = CueTerms()
        for region, words in self.cues.pay.regions.items():
            for w in words:
                self._regions.add(w, region)
        self._regions.build()
        self._levels = CueTerms()
        for level, words in self.cues.pay.levels.items():
            for w in words:
                self._levels.add(w, level)
        self._levels.build()

    def _name(self, outcome: str) -> str:
        return outcome_name(self.taxonomy, outcome)

    def _ai_hire(self, outcome: str) -> bool:
        return is_ai_hire(self.taxonomy, outcome)

    def region(self, form: ScopingForm | None, folded: str) -> str:
        """The region pay is looked up for: the form's, else the one the brief names most,
        else the taxonomy's default."""
        pay = self.cues.pay
        if form is not None and form.region:
            for region, _, _ in self._regions.find(fold(form.region)):
                return str(region)
            for region in pay.regions:
                if fold(region) == fold(form.region).strip():
                    return region
            return form.region.strip()
        counts: dict[str, int] = defaultdict(int)
        for region, _, _ in self._regions.find(folded):
            counts[str(region)] += 1
        if counts:
            return max(counts, key=lambda r: counts[r])
        return pay.default_region

    def level(self, top: str, form: ScopingForm | None) -> str:
        """The seniority priced: hybrid's own, the form's team stage, else the default."""
        if top == HYBRID:
            return self.cues.hybrid.level
        if form is not None and form.team_stage:
            for level, _, _ in self._levels.find(fold(form.team_stage)):
                return str(level)
        return self.cues.pay.default_level

    def _pay_role(self, outcome: str) -> tuple[str | None, str | None]:
        """The role whose salary figures price this outcome, and the proxied role if any."""
        own = [f for f in self.taxonomy.figures if f.kind == "salary" and f.role == outcome]
        if own:
            return outcome, None
        proxy = self.cues.pay.proxies.get(outcome)
        if proxy:
            return proxy, outcome
        return None, None

    def salary(
        self, top: str, region: str, level: str
    ) -> tuple[list[SalaryBand], list[SalaryBand]]:
        """The sourced pay bands of the hire, and the comparison ranges that apply."""
        pay_role, proxied = self._pay_role(top)
        bands: list[SalaryBand] = []
        hybrid_pay = self._hybrid_pay(region) if top == HYBRID else None
        if hybrid_pay is not None:
            bands.append(
                SalaryBand(
                    role=top,
                    region=region,
                    level=self.cues.hybrid.level,
                    label="hybrid ML + GenAI (GenAI mid-level pay plus the hybrid premium)",
                    amount=hybrid_pay,
                )
            )
        if pay_role is not None:
            figs = [
                f
                for f in self.taxonomy.figures
                if f.kind == "salary" and f.role == pay_role and (f.region or "") == region
            ]
            if not figs:
                figs = [
                    f for f in self.taxonomy.figures if f.kind == "salary" and f.role == pay_role
                ]
            figs.sort(key=lambda f: (f.region or "", level_rank(f.level), f.id))
            for f in figs:
                bands.append(
                    SalaryBand(
                        role=pay_role,
                        region=f.region,
                        level=f.level,
                        label=(f"{self._name(pay_role)} pay, " if proxied else "")
                        + f"{f.level or 'all levels'}, {f.region or 'any region'}",
                        amount=self.book.sourced(f.id),
                        proxy_for=proxied,
                    )
                )
        comparisons: list[SalaryBand] = []
        for rng in self.cues.pay.ranges:
            if rng.role is not None and rng.role not in (pay_role, top):
                continue
            if rng.region is not None and rng.region != region:
                continue
            comparisons.append(
                SalaryBand(
                    role=rng.role or top,
                    region=rng.region,
                    level=rng.level,
                    label=rng.label,
                    amount=self.book.range_of(rng.figures, rng.label),
                )
            )
        return bands, comparisons

    def pay_note(self, top: str, region: str) -> str | None:
        """Said plainly when no sourced salary figure covers the brief's region."""
        pay_role, _ = self._pay_role(top)
        figs = [f for f in self.taxonomy.figures if f.kind == "salary" and f.role == pay_role]
        if not figs or any((f.region or "") == region for f in figs):
            return None
        where = sorted({f.region or "any region" for f in figs})
        return (
            f"No sourced pay figure for {region} in the taxonomy: the pay and cost shown are "
            f"for {', '.join(where)}, not converted; add a sourced {region} figure with "
            "--taxonomy to see local pay."
        )

    def _hybrid_pay(self, region: str) -> SourcedFigure | None:
        """GenAI mid-level pay plus the hybrid premium: the one place the premium is applied
        (salary band and cost line both use it)."""
        base = self._salary_figure(
            self.cues.pay.proxies.get(HYBRID, self.cues.hybrid.llm_roles[0]), region, "mid"
        )
        premium = self._premium()
        if base is None or premium is None:
            return None
        p = self.book.figures[premium]
        lo = 1 + (p.low if p.low is not None else p.value or 0) / 100
        hi = 1 + (p.high if p.high is not None else p.value or 0) / 100
        return self.book.scaled(
            base, lo, hi, [premium], how=f"{base} x (1 + {premium})",
            description="Expected pay of a hybrid ML + GenAI engineer: GenAI developer pay "
            "plus the premium hybrid profiles command.",
        )  # fmt: skip

    def _premium(self) -> str | None:
        for fid in self.cues.hybrid.figures:
            if self.book.figures[fid].kind == "premium":
                return fid
        return None

    def _salary_figure(self, role: str, region: str, level: str) -> str | None:
        """The id of the best salary figure for a role, region and level."""
        figs = [f for f in self.taxonomy.figures if f.kind == "salary" and f.role == role]
        if not figs:
            return None

        def rank(f: Any) -> tuple[int, int, int]:
            return (
                int((f.region or "") == region),
                2 if f.level == level else (1 if f.level is None else 0),
                int(f.value is not None or f.low is not None),
            )

        return max(figs, key=rank).id

    def _cost_of(
        self, outcome: str, region: str, level: str
    ) -> tuple[SourcedFigure | None, str, str | None]:
        """(amount, basis, note) for one hire; amount None when no source prices it."""
        hybrid_pay = self._hybrid_pay(region) if outcome == HYBRID else None
        if hybrid_pay is not None:
            return hybrid_pay, f"senior hybrid, {region}", None
        ratio = self.cues.pay.ratios.get(outcome)
        if ratio is not None:
            ai_role = self.cues.pay.proxies.get(HYBRID, self.cues.hybrid.llm_roles[0])
            base = self._salary_figure(ai_role, region, level)
            r = self.book.figures[ratio]
            share = (r.value if r.value is not None else r.low or 0) / 100
            if base:
                amount = self.book.scaled(
                    base, share, share, [ratio], how=f"{ratio} x {base}",
                    description=f"{self._name(outcome)}: about this share of an AI developer's "
                    "pay, applied to the AI engineer figure.",
                )  # fmt: skip
                return amount, f"share of an AI hire's pay, {region}", None
        pay_role, proxied = self._pay_role(outcome)
        if pay_role is not None:
            fid = self._salary_figure(pay_role, region, level)
            if fid:
                f = self.book.figures[fid]
                note = None
                if proxied:
                    note = (
                        f"No source prices {self._name(outcome)} separately; "
                        f"{self._name(pay_role)} pay stands in."
                    )
                basis = f"{f.level or 'all levels'}, {f.region or 'any region'}"
                return self.book.sourced(fid), basis, note
        return (
            None,
            "not priced",
            (
                f"No source in the taxonomy prices {self._name(outcome)}; "
                "add a sourced figure with --taxonomy to see it here."
            ),
        )

    def cost(
        self, top: str, order: list[str], scores: dict[str, float], region: str, level: str
    ) -> list[CostLine]:
        """The hire's cost and one alternative's: a cheaper non-AI hire for an AI hire (or
        the cheapest adequate one), an AI hire for a non-AI one."""
        lines: list[CostLine] = []

        def line(o: str, lvl: str) -> CostLine:
            amount, basis, note = self._cost_of(o, region, lvl)
            return CostLine(
                role=o, name=self._name(o), ai_hire=self._ai_hire(o), basis=basis,
                amount=amount, note=note,
            )  # fmt: skip

        lines.append(line(top, level))
        adequate = [o for o in order[1:] if scores[o] >= self.cues.min_alternative_prob][
            : self.cues.max_alternatives
        ]
        if self._ai_hire(top):
            cheap = [o for o in adequate if not self._ai_hire(o)]
            if not cheap:
                priced = [(o, self._cost_of(o, region, "mid")[0]) for o in adequate]
                known = [(o, a) for o, a in priced if a is not None and a.low is not None]
                top_amount = lines[0].amount
                if known:
                    o, a = min(known, key=lambda oa: oa[1].low or 0)
                    if top_amount is None or (a.low or 0) < (top_amount.low or 0):
                        cheap = [o]
            if cheap:
                lines.append(line(cheap[0], "mid"))
        else:
            ai = [o for o in adequate if self._ai_hire(o)]
            lines.append(line(ai[0] if ai else self.cues.default_role, "mid"))
        return lines


def level_rank(level: str | None) -> int:
    """Seniority order for listing pay bands (unknown levels last)."""
    return {"junior": 0, "mid": 1, None: 2, "senior": 3, "top": 4}.get(level, 5)
