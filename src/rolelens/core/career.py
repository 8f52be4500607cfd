"""Career advice from a CV: the role to target, the gaps to it, and what to learn in order.

Pure. The target weighs three things, all data in the taxonomy's ``cv:`` block: what the
CV's work already is (its role distribution, ``background_weight``), where that
background usually goes first (``background_paths``: software people become AI engineers
first), and what the person says they enjoy (``interests``: maths and research point to
ML engineering, autonomy to agentic work, customers to forward deployed). Gaps are the
target role's core skills the CV does not show in work; the learning path puts durable
concepts (context windows, embeddings, retrieval, evaluation) before named frameworks.
"""

from __future__ import annotations

from datetime import date

from rolelens.core.cv import CV_SCORER_VERSION, SHOWN_USES, CvReader
from rolelens.core.cv_models import (
    CareerAdvice,
    CvReading,
    InterestSignal,
    LearningStep,
    SkillGap,
)
from rolelens.core.text import fold, terms_regex
from rolelens.core.verdicts import UNDETERMINED
from rolelens.taxonomy.models import Taxonomy
from rolelens.taxonomy.models.cv import Interest, MentionUse

# what shows a skill: work, an outcome statement anywhere, a degree or certificate
_WORK: frozenset[MentionUse] = SHOWN_USES


class CareerAdvisor:
    """Advises on careers with one taxonomy; build once, call :meth:`advise` many times."""

    def __init__(self, taxonomy: Taxonomy, *, cv_reader: CvReader | None = None) -> None:
        self.cv_reader = cv_reader or CvReader(taxonomy)
        self.taxonomy = taxonomy
        self.cues = self.cv_reader.cues
        self._interests = [(i, terms_regex(i.terms)) for i in self.cues.interests]
        # the roles advice may point to are data (Role.career_target), not ids in code
        allowed = [r.id for r in taxonomy.roles if r.career_target]
        targets = [r for r in self.cues.role_skills if r in allowed]
        self.targets = targets or allowed

    def advise(
        self,
        cv_text: str,
        *,
        today: date,
        likes: str = "",
        redact: bool = False,
        id: str | None = None,
    ) -> CareerAdvice:
        """The advice for one CV and what the person says they like."""
        cv = self.cv_reader.read(cv_text, today=today, redact=redact)
        return self.from_reading(cv, likes=likes, id=id)

    def from_reading(
        self, cv: CvReading, *, likes: str = "", id: str | None = None
    ) -> CareerAdvice:
        """The advice from a CV reading already made."""
        cues = self.cues
        if cv.undetermined_reason is not None:
            # no verdict without evidence: no target, no gaps, no learning path
            return CareerAdvice(
                id=id, target_role=UNDETERMINED, target_name="undetermined",
                reason=f"no advice: {cv.undetermined_reason}",
                undetermined_reason=cv.undetermined_reason, background_role=cv.role,
                scores={}, alternatives=[], interests=[s for s, _ in self._signals(likes)],
                gaps=[], strengths=[], learning_path=[], cv=cv,
                taxonomy_version=self.taxonomy.version, scorer_version=CV_SCORER_VERSION,
            )  # fmt: skip
        name = {r.id: r.name for r in self.taxonomy.roles}
        points = {r: cues.background_weight * cv.scores.get(r, 0.0) for r in self.targets}
        path = cues.background_paths.get(cv.role)
        if path is not None and path.role in points:
            points[path.role] += cues.path_weight
        signals = self._signals(likes)
        for sig, interest in signals:
            if interest.role in points:
                extra = min(0.5, 0.25 * (len(sig.words) - 1))
                points[interest.role] += cues.interest_weight * interest.weight * (1 + extra)
        order = sorted(self.targets, key=lambda r: (-points[r], self.targets.index(r)))
        target = order[0]
        total = sum(max(0.0, p) for p in points.values()) or 1.0
        shares = {r: round(max(0.0, points[r]) / total, 4) for r in order}
        alternatives = [r for r in order[1:3] if shares[r] >= 0.12]

        reasons = [f"your work reads as {name[cv.role]} ({cv.confidence:.0%})"]
        if path is not None and path.role == target:
            reasons.append(path.reason)
        liked = [s.label for s, i in signals if i.role == target]
        if liked:
            reasons.append(f"you enjoy {' and '.join(liked)}, which is {name[target]} work")
        reason = "; ".join(reasons)

        # an item is shown by work, an outcome statement anywhere (the summary included) or a
        # degree: a gap or a "refresh" step never contradicts what the CV shows
        uses = self.cv_reader.uses(cv)
        gaps: list[SkillGap] = []
        strengths: list[str] = []
        for skill in cues.role_skills.get(target, []):
            shown = [i for i in skill.items if uses.get(i) in _WORK]
            named = [i for i in skill.items if i in uses]
            labels = [self._label(i) for i in (shown or named)]
            if shown:
                gaps.append(SkillGap(skill=skill.skill, status="shown", evidence=labels))
                strengths.append(skill.skill)
            else:
                gaps.append(
                    SkillGap(skill=skill.skill, status="listed" if named else "missing",
                             evidence=labels)
                )  # fmt: skip
        path_steps: list[LearningStep] = []
        concepts = sorted(
            (c for c in cues.learning if target in c.roles),
            key=lambda c: (not c.durable, c.order, c.id),
        )
        for concept in concepts:
            if any(uses.get(i) in _WORK for i in concept.items):
                continue  # already shown in work
            status = "refresh" if any(i in uses for i in concept.items) else "new"
            path_steps.append(
                LearningStep(step=len(path_steps) + 1, concept=concept.id, label=concept.label,
                             why=concept.why, durable=concept.durable, status=status)
            )  # fmt: skip
        return CareerAdvice(
            id=id,
            target_role=target,
            target_name=name[target],
            reason=reason,
            background_role=cv.role,
            scores=shares,
            alternatives=alternatives,
            interests=[s for s, _ in signals],
            gaps=gaps,
            strengths=strengths,
            learning_path=path_steps,
            cv=cv,
            taxonomy_version=self.taxonomy.version,
            scorer_version=CV_SCORER_VERSION,
        )

    def _signals(self, likes: str) -> list[tuple[InterestSignal, Interest]]:
        if not likes.strip():
            return []
        folded = " ".join(fold(likes).split())
        out = []
        for interest, regex in self._interests:
            words = sorted({m.group(0) for m in regex.finditer(folded)})
            if words:
                out.append(
                    (InterestSignal(interest=interest.id, label=interest.label,
                                    role=interest.role, words=words), interest)
                )  # fmt: skip
        return out

    def _label(self, item_id: str) -> str:
        item = self.cv_reader.item(item_id)
        return item.label if item is not None else item_id
