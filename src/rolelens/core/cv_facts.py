"""Requirement lines a CV answers with a stated fact, not with shown work.

A posting asks for more than skills: a spoken language at a CEFR level, a degree, a
certification, some years, a work permit, a place. Pure: a :class:`FactJudge` is built
from the taxonomy's ``cv.facts`` cues and judges one requirement line against a
:class:`~rolelens.core.cv_models.CvReading` (its languages, degrees, dated years) and the
CV text. Work permits and locations are never guessed: a CV cannot tell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import cast

from rolelens.core.cv_models import CEFR, Coverage, CvReading, RequirementKind
from rolelens.core.reader import years_required
from rolelens.core.text import fold, terms_regex
from rolelens.taxonomy.models.cv import FactCues

_CEFR_ORDER: dict[str, int] = {lv: i for i, lv in enumerate(("A1", "A2", "B1", "B2", "C1", "C2"))}
_DEGREE_ORDER = {"bachelor": 0, "master": 1, "phd": 2}
_CODE = re.compile(r"(?<![a-z0-9])([abc][12])(?![a-z0-9])")
_RELATED = re.compile(r"(?<![a-z])(?:related|similar|equivalent|quantitative|comparable)(?![a-z])")
_FIELD_STOP = {"a", "an", "the", "or", "and", "field", "fields", "discipline", "area", "subject",
               "degree", "related", "similar", "equivalent", "quantitative", "comparable",
               "other", "e", "g", "eg", "etc", "like", "such", "as"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class FactVerdict:
    """How a CV answers one fact line: status, score, the CV's words and a note."""

    kind: RequirementKind
    status: Coverage
    score: float
    evidence: list[str]
    note: str


class FactJudge:
    """Judges a posting's fact lines against a CV; build once from ``cv.facts``."""

    def __init__(self, cues: FactCues) -> None:
        self.cues = cues
        self._languages = terms_regex(cues.languages)
        self._level_words = sorted(
            ((" ".join(fold(w).split()), lv) for w, lv in cues.level_words.items()
             if not _CODE.fullmatch(" ".join(fold(w).split()))),
            key=lambda p: -len(p[0]),
        )  # fmt: skip
        self._degrees = [(level, terms_regex(words)) for level, words in cues.degrees.items()]
        self._degree_cues = terms_regex(cues.degree_cues)
        self._cert = terms_regex(cues.certification)
        self._auth = terms_regex(cues.authorisation)
        self._location = terms_regex(cues.location)

    # -- what a line asks -------------------------------------------------------------
    def kind(self, line: str) -> RequirementKind | None:
        """The fact a requirement line asks for, or None when it asks for none."""
        folded = " ".join(fold(line).split())
        if self._auth.search(folded):
            return "authorisation"
        if self._languages.search(folded) and (
            self.levels(folded) or re.search(r"(?<![a-z])(?:speak|spoken|language|written|"
                                             r"verbal|communicat)", folded)
        ):  # fmt: skip
            return "language"
        if self._cert.search(folded):
            return "certification"
        # a degree level ("M.Sc.", "PhD") or a degree cue with the word "degree"
        if self._degree_level(folded) is not None or (
            self._degree_cues.search(folded) and re.search(r"\bdegree\b", folded)
        ):
            return "degree"
        if years_required(line) is not None:
            return "years"
        if self._location.search(folded):
            return "location"
        return None

    def levels(self, folded: str) -> list[tuple[int, CEFR]]:
        """CEFR levels stated in folded text, with their positions (codes and level words)."""
        found: list[tuple[int, CEFR]] = [
            (m.start(), cast("CEFR", m.group(1).upper())) for m in _CODE.finditer(folded)
        ]
        taken: list[tuple[int, int]] = []
        for word, level in self._level_words:
            for m in re.finditer(rf"(?<![a-z0-9]){re.escape(word)}(?![a-z0-9])", folded):
                if any(a < m.end() and m.start() < b for a, b in taken):
                    continue
                taken.append((m.start(), m.end()))
                found.append((m.start(), level))
        return sorted(found)

    def asked_languages(self, line: str) -> list[tuple[str, CEFR | None]]:
        """The languages a line asks for, each with the level nearest to it: the first one
        after its name (before the next language), else the last one before it."""
        folded = " ".join(fold(line).split())
        names = list(self._languages.finditer(folded))[:20]  # a line asks a few, not thousands
        out: list[tuple[str, CEFR | None]] = []
        for i, m in enumerate(names):
            lo = names[i - 1].end() if i > 0 else 0
            hi = names[i + 1].start() if i + 1 < len(names) else len(folded)
            after = self.levels(folded[m.end() : hi])
            before = self.levels(folded[lo : m.start()])
            level = after[0][1] if after else (before[-1][1] if before else None)
            out.append((m.group(0), level))
        return out

    def _degree_level(self, folded: str) -> str | None:
        """The lowest degree level a line names (the bar it sets)."""
        named = [level for level, r in self._degrees if r.search(folded)]
        return min(named, key=_DEGREE_ORDER.__getitem__) if named else None

    # -- judging -------------------------------------------------------------------------
    def judge(self, kind: RequirementKind, line: str, cv: CvReading, cv_text: str) -> FactVerdict:
        """How the CV answers a fact line of this kind."""
        if kind == "language":
            return self._language(line, cv)
        if kind == "degree":
            return self._degree(line, cv)
        if kind == "certification":
            return self._certification(line, cv, cv_text)
        if kind == "years":
            return self._years(line, cv)
        what = (
            "a work permit or visa"
            if kind == "authorisation"
            else "where they are based and could work"
        )
        return FactVerdict(kind, "cannot_tell", 0.0, [],
                           f"a CV does not settle it: ask about {what}")  # fmt: skip

    def _language(self, line: str, cv: CvReading) -> FactVerdict:
        asked = self.asked_languages(line)
        have = {s.language: s for s in cv.languages}
        scores: list[float] = []
        notes: list[str] = []
        words: list[str] = []
        for name, level in asked:
            skill = have.get(name)
            if skill is None:
                scores.append(0.0)
                notes.append(f"{name.capitalize()}: the CV does not name it")
                continue
            words.append(skill.text)
            if level is None:
                scores.append(1.0)
                notes.append(
                    f"{name.capitalize()}: named" + (f" at {skill.level}" if skill.level else "")
                )
            elif skill.level is None:
                scores.append(0.5)
                notes.append(f"{name.capitalize()}: asks {level}, the CV states no level")
            elif _CEFR_ORDER[skill.level] >= _CEFR_ORDER[level]:
                scores.append(1.0)
                notes.append(f"{name.capitalize()}: asks {level}, the CV states {skill.level}")
            else:
                scores.append(0.4)
                notes.append(f"{name.capitalize()}: asks {level}, the CV states {skill.level}")
        score = sum(scores) / len(scores) if scores else 0.0
        return FactVerdict("language", _status(score), score, words, "; ".join(notes))

    def _degree(self, line: str, cv: CvReading) -> FactVerdict:
        folded = " ".join(fold(line).split())
        bar = self._degree_level(folded) or "bachelor"
        fields = _fields(folded)
        related = bool(_RELATED.search(folded))
        if not cv.degrees:
            return FactVerdict("degree", "missing", 0.0, [], "the CV names no degree")
        best: tuple[float, str, str] | None = None
        for d in cv.degrees:
            text = " ".join(fold(d.text).split())
            level_ok = _DEGREE_ORDER[d.level] >= _DEGREE_ORDER[bar]
            field_ok = not fields or any(f in text for f in fields)
            if level_ok and field_ok:
                score, note = 1.0, f"asks a {bar} or higher; the CV has a {d.level}"
            elif level_ok:
                score = 0.6 if related else 0.4
                note = (f"asks a {bar} in {', '.join(fields)}"
                        + (" or a related field" if related else "")
                        + f"; the CV's {d.level} is in another subject")  # fmt: skip
            else:
                score = 0.5 if field_ok else 0.3
                note = f"asks a {bar} or higher; the CV's highest is a {d.level}"
            if best is None or score > best[0]:
                best = (score, d.text, note)
        assert best is not None
        return FactVerdict("degree", _status(best[0]), best[0], [best[1]], best[2])

    def _certification(self, line: str, cv: CvReading, cv_text: str) -> FactVerdict:
        names = [
            w for w in re.findall(r"[A-Z][A-Za-z0-9+.-]*", line)
            if not self._cert.fullmatch(fold(w)) and fold(w) not in _FIELD_STOP
        ]  # fmt: skip
        certs = [
            " ".join(cv_text[s.start : s.end].split())
            for s in cv.sections
            if s.kind == "certifications"
        ]
        body = " ".join(fold(c) for c in certs)
        if not names:
            if certs:
                note = "the posting names no certificate; the CV lists some"
                return FactVerdict("certification", "partly", 0.5, [certs[0][:180]], note)
            return FactVerdict("certification", "missing", 0.0, [], "the CV lists no certificate")
        hits = [n for n in names if re.search(rf"(?<![a-z0-9]){re.escape(fold(n))}(?![a-z0-9])",
                                              body)]  # fmt: skip
        score = len(hits) / len(names)
        if score >= 1.0:
            return FactVerdict("certification", "covered", 1.0, [certs[0][:180]],
                               "the CV's certificates name it")  # fmt: skip
        note = f"asks for {' '.join(names)}; " + (
            "the CV's certificates name part of it" if hits else "the CV's certificates do not"
            if certs else "the CV lists no certificate"
        )  # fmt: skip
        status: Coverage = "partly" if hits and score >= 0.5 else "missing"
        return FactVerdict("certification", status, score if hits else 0.0,
                           [certs[0][:180]] if hits else [], note)  # fmt: skip

    def _years(self, line: str, cv: CvReading) -> FactVerdict:
        asked = years_required(line)
        assert asked is not None
        have = cv.years_experience
        basis = "its dated jobs"
        if have is None:
            if cv.years_stated is None:
                return FactVerdict("years", "cannot_tell", 0.0, [],
                                   f"asks {asked}+ years; the CV has no dated jobs")  # fmt: skip
            have, basis = cv.years_stated, "its own statement"
        # the CV's own words: its dated professional jobs, newest first
        jobs = sorted(
            (e for e in cv.entries if e.kind == "professional"),
            key=lambda e: e.start_date,
            reverse=True,
        )
        words = [f"{e.heading} ({e.start_date} to {e.end_date or 'present'})" for e in jobs][:2]
        note = f"asks {asked}+ years; the CV shows {have:g} by {basis}"
        if cv.years_early_career:
            note += f", not counting {cv.years_early_career:g} years of internships or student jobs"
        if have + 0.5 >= asked:
            return FactVerdict("years", "covered", 1.0, words, note)
        score = max(0.0, have / asked)
        return FactVerdict("years", _status(score), round(score, 3), words, note)


def _fields(folded: str) -> list[str]:
    """The subjects a degree line names ("in statistics, computer science or a related
    field" -> statistics, computer science)."""
    m = re.search(r"(?<![a-z])in\s+(.+)$", folded)
    if not m:
        return []
    out = []
    for part in re.split(r",|/|\bor\b|\band\b|;|\(|\)", m.group(1)):
        words = [w for w in re.findall(r"[a-z]+", part) if w not in _FIELD_STOP]
        if words and len(words) <= 4:
            out.append(" ".join(words))
    return out


def _status(score: float) -> Coverage:
    if score >= 0.75:
        return "covered"
    return "partly" if score >= 0.25 else "missing"
