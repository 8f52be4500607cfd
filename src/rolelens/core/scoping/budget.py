"""The client's budget, read from a form field or a 'budget ...' phrase, against the cost.

Pure. No exchange rate is ever assumed: a budget in another currency is not compared.
"""

from __future__ import annotations

import re

from rolelens.core.scoping_models import BudgetCheck, CostLine, ScopingForm

_BUDGET = re.compile(  # bounded space runs: no backtracking on long blank stretches
    r"(?:(?P<cur>[$€£]|us\$|usd|eur|gbp)\s{0,3})?(?P<num>\d{1,3}(?:[,.]\d{3}){1,4}|\d{1,12}(?:\.\d{1,4})?)"
    r"\s{0,3}(?P<mult>k|m|thousand|million)?\b\s{0,3}(?P<cur2>usd|eur|gbp|dollars|euros|pounds)?",
    re.I,
)
_BUDGET_IN_TEXT = re.compile(r"budget[^.\n]{0,60}", re.I)
_CURRENCY = {
    "$": "USD", "us$": "USD", "usd": "USD", "dollars": "USD",
    "€": "EUR", "eur": "EUR", "euros": "EUR",
    "£": "GBP", "gbp": "GBP", "pounds": "GBP",
}  # fmt: skip


def article(name: str) -> str:
    """'a' or 'an' by sound: an AI engineer, an ML engineer, a data scientist, an RPA engineer."""
    word = name.split(" ", 1)[0] if name else ""
    if len(word) > 1 and word.isupper():  # an acronym, read letter by letter
        return "an" if word[0] in "AEFHILMNORSX" else "a"
    return "an" if word[:1].lower() in "aeiou" else "a"


def budget_check(form: ScopingForm | None, text: str, line: CostLine | None) -> BudgetCheck | None:
    """The stated budget (form field, else a 'budget ...' phrase) against the hire's cost."""
    stated = form.budget.strip() if form is not None and form.budget else None
    if stated is None:
        m = _BUDGET_IN_TEXT.search(text)
        if m is None or not any(ch.isdigit() for ch in m.group(0)):
            return None
        stated = m.group(0).strip()
    found = next((b for b in _BUDGET.finditer(stated) if b.group("num")), None)
    if found is None:
        return BudgetCheck(
            text=stated, amount=None, currency=None, within=None,
            verdict="No amount could be read from the budget; compare it with the cost below.",
        )  # fmt: skip
    raw = found.group("num")
    amount = float(raw.replace(",", "")) if raw.count(".") <= 1 else float(raw.replace(".", ""))
    mult = (found.group("mult") or "").lower()
    amount *= {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6}.get(mult, 1.0)
    cur = (found.group("cur") or found.group("cur2") or "").lower()
    currency = _CURRENCY.get(cur)
    if line is None or line.amount is None or line.amount.low is None:
        verdict = "No sourced cost for this hire to compare the budget with."
        return BudgetCheck(
            text=stated, amount=amount, currency=currency, verdict=verdict, within=None
        )
    cost = line.amount
    if currency is None or currency != cost.unit:
        verdict = (
            f"The budget is in {currency or 'an unstated currency'} and the sourced cost in "
            f"{cost.unit}; not compared (no exchange rate is assumed)."
        )
        return BudgetCheck(
            text=stated, amount=amount, currency=currency, verdict=verdict, within=None
        )
    low = line.amount.low
    high = cost.high if cost.high is not None else low
    if amount < low:
        verdict = (
            f"Below the sourced cost of {article(line.name)} {line.name} ({cost.text}): expect "
            "to pay more "
            "or hire more junior."
        )
        within = False
    elif high is not None and amount > high:
        verdict = f"Above the sourced cost of {article(line.name)} {line.name} ({cost.text})."
        within = True
    else:
        verdict = f"Within the sourced cost of {article(line.name)} {line.name} ({cost.text})."
        within = True
    return BudgetCheck(
        text=stated, amount=amount, currency=currency, verdict=verdict, within=within
    )
