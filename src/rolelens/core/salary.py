"""Salary text to an annual range with its currency and period, or None when unsure.

Pure. The parser reads what postings and aggregators write ("$120k–$150k",
"£50,000 - £60,000 per annum", "€45/hour", "120-150K USD", "up to $200,000",
"USD 9,000~12,000 per month", "~185k") and refuses rather than guesses: text with no
amount, with several ranges, with two currencies or two periods, with amounts that do
not form one range, or with a bare small number whose period cannot be told, gives None.

When the text names no period, an amount of 10,000 or more in dollars, euros, pounds or
Swiss francs (or with no currency) is taken as yearly and the result says so
(``period_stated=False``); a smaller one, or one in a currency where monthly pay often
runs that high (PLN, INR, JPY, ...), gives None. When it names no
currency the result's ``currency`` is None (never a default): aggregates keep such
amounts apart from those with a known currency.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from rolelens.core.text.segment import PAY, sentences

Period = Literal["year", "month", "week", "day", "hour"]

# Working time assumed when a rate is turned into a yearly amount.
ANNUAL_FACTOR: dict[str, float] = {"year": 1, "month": 12, "week": 52, "day": 260, "hour": 2080}
# Text without a period is read as yearly only from this amount up.
MIN_IMPLIED_ANNUAL = 10_000
# Currencies in which an amount of MIN_IMPLIED_ANNUAL or more without a period is almost
# surely yearly (None: no currency named). In others (PLN, INR, JPY, ...) a monthly pay is
# often that large, so such text gives None.
_YEARLY_BY_DEFAULT = {None, "USD", "EUR", "GBP", "CAD", "AUD", "NZD", "CHF", "SGD"}
# A range whose top is more than this many times its bottom is not one salary.
MAX_SPREAD = 10.0


class Salary(BaseModel):
    """A salary range as stated, and as a yearly range."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    currency: str | None = Field(description="ISO 4217 code, or null when the text names none")
    period: Period = Field(description="the period the amounts are quoted per")
    period_stated: bool = Field(
        description="false when the text names no period and a yearly amount was inferred"
    )
    amount_min: float | None = Field(description="lower bound as stated (null: 'up to ...')")
    amount_max: float | None = Field(description="upper bound as stated (null: 'from ...')")
    annual_min: float | None = Field(description="lower bound per year")
    annual_max: float | None = Field(description="upper bound per year")

    @property
    def annual_mid(self) -> float:
        """The middle of the yearly range (its one bound when only one is known)."""
        low = self.annual_min if self.annual_min is not None else self.annual_max
        high = self.annual_max if self.annual_max is not None else self.annual_min
        assert low is not None and high is not None  # a Salary always has one bound
        return (low + high) / 2


# Multi-character currency prefixes before '$' (checked before the bare symbol).
_DOLLAR_PREFIX = {
    "ca": "CAD", "c": "CAD", "cad": "CAD", "a": "AUD", "au": "AUD", "aud": "AUD", "nz": "NZD",
    "hk": "HKD", "s": "SGD", "sg": "SGD", "mx": "MXN", "r": "BRL", "us": "USD", "usd": "USD",
}  # fmt: skip
_SYMBOLS = {"£": "GBP", "€": "EUR", "₹": "INR", "₱": "PHP", "¥": "JPY", "₩": "KRW", "₪": "ILS"}
_CODES = {
    "usd", "eur", "gbp", "cad", "aud", "nzd", "chf", "pln", "brl", "inr", "php", "sek", "nok",
    "dkk", "jpy", "sgd", "mxn", "zar", "hkd", "czk", "huf", "ron", "ils", "aed", "uah",
    "cny", "krw", "ars", "cop", "clp", "ngn", "kes", "egp", "myr", "idr", "thb", "vnd", "pkr",
}  # fmt: skip
_DOLLARS = {"USD", "CAD", "AUD", "NZD", "HKD", "SGD", "MXN"}
_WORD_CURRENCY = {"zł": "PLN", "zl": "PLN", "złotych": "PLN", "euro": "EUR", "euros": "EUR",
                  "dollars": "USD", "pounds": "GBP", "rupees": "INR", "lakh": "INR"}  # fmt: skip

_PERIOD_CUES: list[tuple[Period, re.Pattern[str]]] = [
    ("hour", re.compile(
        r"/\s*h(?:r|rs|our)?\b|\bper\s+hour\b|\ban\s+hour\b|\bhourly\b|\bp/h\b|\bph\b")),
    ("day", re.compile(
        r"/\s*day\b|\bper\s+day\b|\ba\s+day\b|\bdaily\b|\bday\s+rate\b|\bper\s+diem\b")),
    ("week", re.compile(r"/\s*(?:wk|week)\b|\bper\s+week\b|\ba\s+week\b|\bweekly\b")),
    ("month", re.compile(
        r"/\s*(?:mo|mth|month)\b|\bper\s+month\b|\ba\s+month\b|\bmonthly\b|\bp\.?\s?m\.(?!\w)")),
    ("year", re.compile(
        r"/\s*(?:yr|year|y|annum)\b|\bper\s+(?:year|annum|anum|yr)\b|\ba\s+year\b"
        r"|\bannual(?:ly)?\b|\byearly\b|\bp\.?\s?a\.?(?!\w)")),
]  # fmt: skip

# An amount: digits with thousands separators (comma, space, thin space, or dots in
# groups of three), an optional decimal part, and an optional k/m multiplier.
_AMOUNT = re.compile(
    r"(?<![\d.,])"
    r"(?P<num>\d{1,3}(?:,\d{3})+|\d{1,3}(?:[ \u00a0\u202f]\d{3})+"
    r"|\d{1,3}(?:\.\d{3}){1,2}(?![\d,])|\d+)"
    r"(?:[.,](?P<dec>\d{1,2})(?!\d))?"
    r"(?P<pct>\s*%)?"
    r"(?:\s?(?P<mult>k|m|mm|million|thousand)(?![a-z]))?",
    re.I,
)
# Numbers that are not pay: 401(k) plans, "5+ years", "40 hours".
_NOISE = re.compile(
    r"\b401\s*+\(?k\)?|\b\d++\s*+\+?\s*+(?:years?|yrs?|hours?|days?|weeks?|months?)\b"
    r"(?!\s*(?:rate|pay))",
    re.I,
)
_RANGE_SEP = re.compile(r"^\s*(?:-|–|—|~|to|and|until|bis|a)\s*$", re.I)
_UP_TO = re.compile(r"\b(?:up\s+to|max(?:imum)?|at\s+most|not\s+more\s+than|<)\s*$", re.I)
_FROM = re.compile(r"\b(?:from|min(?:imum)?|at\s+least|starting\s+(?:at|from)|>)\s*$", re.I)


def parse_salary(text: str | None) -> Salary | None:
    """The salary a text states, as a yearly range; None when there is none or it is unclear."""
    if not text or not isinstance(text, str) or len(text) > 500:
        return None
    low = text.lower()
    currency = _currency(text, low)
    if currency == "":
        return None  # two different currencies
    periods = {period for period, cue in _PERIOD_CUES if cue.search(_NOISE.sub(" ", low))}
    if len(periods) > 1:
        return None
    amounts = _amounts(text)
    if amounts is None or not amounts:
        return None
    lo, hi = _bounds(text, amounts)
    if lo is None and hi is None:
        return None
    values = [v for v in (lo, hi) if v is not None]
    if any(v <= 0 for v in values):
        return None
    if lo is not None and hi is not None and (lo > hi or hi > lo * MAX_SPREAD):
        return None
    if periods:
        period: Period = periods.pop()
        stated = True
    elif min(values) >= MIN_IMPLIED_ANNUAL and currency in _YEARLY_BY_DEFAULT:
        period, stated = "year", False
    else:
        return None
    factor = ANNUAL_FACTOR[period]
    return Salary(
        currency=currency,
        period=period,
        period_stated=stated,
        amount_min=lo,
        amount_max=hi,
        annual_min=None if lo is None else round(lo * factor, 2),
        annual_max=None if hi is None else round(hi * factor, 2),
    )


def _currency(text: str, low: str) -> str | None:
    """The one currency named ('' when two different ones are), else None."""
    found: set[str] = set()
    bare_dollar = False
    for m in re.finditer(r"(?<![a-z])([a-z]{1,3})?(\s?)\$", low):
        prefix, space = m.group(1), m.group(2)
        if prefix in _DOLLAR_PREFIX and (not space or len(prefix) == 3):
            found.add(_DOLLAR_PREFIX[prefix])
        else:
            bare_dollar = True
    for symbol, code in _SYMBOLS.items():
        if symbol in text:
            found.add(code)
    for m in re.finditer(r"(?<![a-z])([a-zł]{2,8})(?![a-z])", low):
        word = m.group(1)
        if word in _CODES:
            found.add(word.upper())
        elif word in _WORD_CURRENCY:
            found.add(_WORD_CURRENCY[word])
    if re.search(r"(?<![a-z])p\d", low):
        found.add("PHP")
    # a bare '$' is the dollar of whichever country the text names, else the US dollar
    if bare_dollar and not found & _DOLLARS:
        found.add("USD")
    if len(found) > 1:
        return ""
    return found.pop() if found else None


def _amounts(text: str) -> list[tuple[float, int, int]] | None:
    """Each amount with its span; None when the text holds more than one range's worth."""
    cleaned = _NOISE.sub(lambda m: " " * len(m.group(0)), text)
    out: list[tuple[float, int, int]] = []
    mults: list[str | None] = []
    for m in _AMOUNT.finditer(cleaned):
        if m.group("pct"):
            continue
        raw = m.group("num")
        if re.fullmatch(r"\d{1,3}(?:\.\d{3}){1,2}", raw):
            digits = raw.replace(".", "")  # 45.000 -> 45000 (dots in groups of three)
        else:
            digits = re.sub(r"[, \u00a0\u202f]", "", raw)
        value = float(digits)
        if m.group("dec"):
            value += float("0." + m.group("dec"))
        mult = (m.group("mult") or "").lower() or None
        value *= {"k": 1e3, "thousand": 1e3, "m": 1e6, "mm": 1e6, "million": 1e6}.get(mult or "", 1)
        out.append((value, m.start(), m.end()))
        mults.append(mult)
    if len(out) > 2:
        return None
    # "120-150K": the multiplier written once covers both ends
    if len(out) == 2 and mults[0] is None and mults[1] is not None and out[0][0] < 1000:
        factor = out[1][0] / _unscaled(out[1][0], mults[1])
        out[0] = (out[0][0] * factor, out[0][1], out[0][2])
    return out


def _unscaled(value: float, mult: str | None) -> float:
    return value / {"k": 1e3, "thousand": 1e3, "m": 1e6, "mm": 1e6, "million": 1e6}.get(
        mult or "", 1
    )


def _bounds(text: str, amounts: list[tuple[float, int, int]]) -> tuple[float | None, float | None]:
    """(low, high) from one or two amounts; (None, None) when they are not one range."""
    if len(amounts) == 2:
        (a, _, a_end), (b, b_start, _) = amounts
        between = _strip_units(text[a_end:b_start])
        if not _RANGE_SEP.match(between):
            return None, None
        return a, b
    value, start, _ = amounts[0]
    before = _strip_units(text[:start])
    if _UP_TO.search(before):
        return None, value
    if _FROM.search(before) or text[amounts[0][2] :].startswith("+"):
        return value, None
    return value, value


def _strip_units(text: str) -> str:
    """Text between or before amounts without currency marks, codes and period words."""
    low = re.sub(
        r"[$€£₹₱¥₩₪+]|/\s*\w+|\b(?:per|a|an)\s+(?:hour|day|week|month|year|annum)\b",
        " ",
        text.lower(),
    )
    return re.sub(r"[a-zł]+\.?", lambda m: "" if _is_unit(m.group(0)) else m.group(0), low)


def _is_unit(word: str) -> bool:
    word = word.rstrip(".")
    return word in _CODES or word in _WORD_CURRENCY or word in _DOLLAR_PREFIX or word in _UNIT_WORDS


_UNIT_WORDS = {"p", "gross", "net", "brutto", "netto"}


# -- pay stated in a posting's text ---------------------------------------------------------
# A currency amount, optionally a range: "$140,000 - $230,000", "€60k–80k", "USD 120-150K".
_CUR = r"(?:[$€£]|\b(?:usd|eur|gbp|cad|aud|chf)\b)"
# A number that starts where no number goes on before it (so a long run of digits and
# separators is scanned once, not from every position: linear on adversarial text), in
# groups of three after a separator or as plain digits, possessive so no group is re-tried.
_NUM = (
    r"(?<![\d,.])(?<!\d[ \u00a0])(?:\d{1,3}(?:[,. \u00a0]\d{3})++|\d++)"
    r"(?:[.,]\d{1,2}(?!\d))?(?:\s?[km]\b)?"
)
_PAY_SPAN = re.compile(
    rf"(?:{_CUR}\s?(?:{_NUM})|(?:{_NUM})\s?{_CUR})"
    rf"(?:\s*(?:-|–|—|to)\s*{_CUR}?\s?(?:{_NUM})(?:\s?{_CUR})?)?"
    r"(?:\s*(?:/|per|an?)\s*(?:year|yr|annum|month|mo|hour|hr|week|day)\b|\s+(?:annually|yearly"
    r"|hourly|monthly))?",
    re.I,
)
# Sentences about money that is not pay: funding, revenue, prices, customers' spend.
_NOT_PAY = re.compile(
    r"\b(?:raised|funding|funded|series\s+[a-f]|seed|valuation|valued|revenue|arr|investors?"
    r"|billion|bn|customers?|budget|spend|savings|saved|grant|prize|market|tuition|stipend"
    r"|reimburse\w*|allowance|bonus(?:es)?\s+of|401)\b",
    re.I,
)
_PAY_CUE = re.compile(
    r"\b(?:salary|salaries|pay|paid|compensation|base|range|ote|wage|rate|annual|annually"
    r"|per\s+(?:year|annum|hour|month)|hourly|/\s*(?:yr|year|hr|hour))\b|\d\s?k\b",
    re.I,
)
_ANY_CURRENCY = re.compile(_CUR, re.I)
# A yearly midpoint outside this band is not a salary (a price, a fund, a typo).
PLAUSIBLE_ANNUAL = (10_000.0, 2_000_000.0)


def pay_sentences(text: str) -> list[str]:
    """The sentences or lines of a text that state an amount of money next to a pay word."""
    out: list[str] = []
    if not text or not _ANY_CURRENCY.search(text):
        return out  # most postings name no currency: one cheap pass
    for piece in sentences(text, rule=PAY):
        sentence = piece.text
        if (  # cheapest checks first: most sentences name no currency
            len(sentence) <= 2000
            and _ANY_CURRENCY.search(sentence)
            and _PAY_CUE.search(sentence)
            and not _NOT_PAY.search(sentence)
            and _PAY_SPAN.search(sentence)
        ):
            out.append(sentence)
    return out


def salary_in_text(text: str | None) -> tuple[Salary, str] | None:
    """The first plausible salary a posting's text states, with the words it was read from.

    Each pay sentence (:func:`pay_sentences`) is parsed whole with :func:`parse_salary`, and
    when that is unclear each money span in it on its own ("$140,000 - $230,000 per year");
    a yearly midpoint outside :data:`PLAUSIBLE_ANNUAL` is not taken. None when no sentence
    gives one.
    """
    if not text:
        return None
    for sentence in pay_sentences(text):
        candidates = [sentence] if len(sentence) <= 300 else []
        candidates += [m.group(0) for m in _PAY_SPAN.finditer(sentence)]
        for candidate in candidates:
            salary = parse_salary(candidate)
            if salary is not None and (
                PLAUSIBLE_ANNUAL[0] <= salary.annual_mid <= PLAUSIBLE_ANNUAL[1]
            ):
                return salary, candidate
    return None
