"""Remove personal contact data from a CV's text: emails, phone numbers, street addresses.

Pure: text in, redacted text and counts out. Each match is replaced by a marker
(``[email]``, ``[phone]``, ``[address]``) so the text keeps its shape for reading. The
patterns lean towards removing too much: a false redaction costs a few words, a missed
one leaks a person's data.
"""

from __future__ import annotations

import re

_LOCAL = r"[\w.!#$%&'*+/=?^`{|}~-]"  # what RFC 5322 allows before the @
EMAIL = re.compile(rf"(?<!{_LOCAL}){_LOCAL}{{1,64}}@[\w-]{{1,63}}(?:\.[\w-]{{1,63}})+(?![\w-])")
# +44 20 7946 0958, (415) 555-0132, 0176-1234567, 555.123.4567; 7 to 15 digits in groups
PHONE = re.compile(
    r"(?<![\w+])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,5}\)[\s.-]?)?\d{2,5}(?:[\s.-]\d{2,8}){1,4}(?![\w])"
)
_STREET_WORDS = (
    r"Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Boulevard|Blvd|Drive|Dr|Way|Court|Ct|Place|Pl|"
    r"Square|Sq|Terrace|Close|Crescent|Parkway|Pkwy|Highway|Hwy|Row|Walk|Gardens|Mews|Hill"
)
# "221B Baker Street", "12 Rue de la Paix", "1600 Amphitheatre Parkway, Mountain View, CA 94043"
STREET = re.compile(
    rf"\b\d{{1,5}}[A-Za-z]?,?\s+(?:[A-Z][\w'’.-]*\s+){{0,4}}(?:{_STREET_WORDS})\b\.?"
    r"(?:,\s*[A-Z][a-z][\w'’.-]*(?:[ \t]+[A-Z][a-z][\w'’.-]*){0,3})?"
    r"(?:,?[ \t]*(?:[A-Z]{2}[ \t]+)?\d{5}(?:-\d{4})?\b)?"
    r"|\b(?:Rue|Via|Calle|Avenida|Rua)\s+(?:[\w'’.-]+\s+){0,4}?\d{1,5}\b"
    r"|\b\d{1,5},?\s+(?:Rue|Via|Calle|Avenida|Rua)\s+(?:[\w'’.-]+\s?){1,4}"
    r"|\b[A-ZÄÖÜ][a-zäöüß]+(?:straße|strasse|str\.|weg|gasse|platz|allee|ring|damm)\s+\d{1,4}[a-z]?\b"
)
# UK postcodes (SW1A 1AA) and German/French style "10115 Berlin" after an address line
POSTCODE = re.compile(
    r"\b[A-Z]{1,2}\d[A-Z\d]?\s+\d[A-Z]{2}\b|(?<=[,\n] )\d{4,5}\s+[A-ZÄÖÜ][a-zäöüß]+\b"
)

_MIN_PHONE_DIGITS = 7
_MAX_PHONE_DIGITS = 15
_YEAR_RANGE = re.compile(r"^(?:19|20)\d\d\s*[-.]\s*(?:19|20)\d\d$")


def redact(text: str) -> tuple[str, dict[str, int]]:
    """The text with contact data replaced by markers, and how many of each were found."""
    counts = {"email": 0, "phone": 0, "address": 0}

    def sub(pattern: re.Pattern[str], kind: str, text: str, check: bool = False) -> str:
        def repl(m: re.Match[str]) -> str:
            if check and not _is_phone(m.group(0)):
                return m.group(0)
            counts[kind] += 1
            return f"[{kind}]"

        return pattern.sub(repl, text)

    text = sub(EMAIL, "email", text)
    text = sub(STREET, "address", text)
    text = sub(POSTCODE, "address", text)
    text = sub(PHONE, "phone", text, check=True)
    return text, counts


def _is_phone(candidate: str) -> bool:
    """Enough digits for a phone number, and not a year range or a plain big number."""
    digits = sum(c.isdigit() for c in candidate)
    if not _MIN_PHONE_DIGITS <= digits <= _MAX_PHONE_DIGITS:
        return False
    if _YEAR_RANGE.match(candidate.strip()):
        return False
    # "2019 2020 2021" or "10 000 000": groups of three after the first read as a number
    groups = re.split(r"[\s.-]", candidate.strip().lstrip("+"))
    return not (
        len(groups) > 1
        and all(len(g) == 3 for g in groups[1:])
        and len(groups[0]) <= 3
        and not candidate.strip().startswith(("+", "(", "0"))
    )
