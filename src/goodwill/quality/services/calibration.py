"""Calibration over a period: reviewers against each other and against the automatic scores.

The database counts the (label a, label b) pairs of each step, a confusion table of nine cells,
in one pass over the pairs; the pure module turns each table into agreement and Cohen's kappa.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Executable, and_, case, func, select
from sqlalchemy.orm import QueryableAttribute, Session, aliased

from goodwill.agents.models import Agent
from goodwill.quality.calibration import LABELS, Agreement, per_step_agreement
from goodwill.quality.models import STEPS, QualityReview, QualityScore

_SEP = "__"  # step__label_a__label_b: the name of each count column


@dataclass(frozen=True, slots=True)
class ReviewerActivity:
    reviewer_id: int
    name: str
    reviews: int


@dataclass(frozen=True, slots=True)
class CalibrationReport:
    """Per step agreement (in STEPS order) of reviewer pairs and of reviewers vs the scorer."""

    start: datetime
    end: datetime
    reviewer_id: int | None
    between_reviewers: dict[str, Agreement]
    against_automatic: dict[str, Agreement]
    reviewers: list[ReviewerActivity]

    @property
    def reviewer_pairs(self) -> int:
        return max((result.n for result in self.between_reviewers.values()), default=0)

    @property
    def automatic_pairs(self) -> int:
        return max((result.n for result in self.against_automatic.values()), default=0)


def calibration_report(
    session: Session, *, start: datetime, end: datetime, reviewer_id: int | None = None
) -> CalibrationReport:
    """Reviews created in [start, end); with reviewer_id, only that reviewer's (as rater a)."""
    return CalibrationReport(
        start=start,
        end=end,
        reviewer_id=reviewer_id,
        between_reviewers=reviewer_agreement(
            session, start=start, end=end, reviewer_id=reviewer_id
        ),
        against_automatic=automatic_agreement(
            session, start=start, end=end, reviewer_id=reviewer_id
        ),
        reviewers=reviewer_activity(session, start=start, end=end),
    )


def reviewer_agreement(
    session: Session, *, start: datetime, end: datetime, reviewer_id: int | None = None
) -> dict[str, Agreement]:
    """Two reviews of one conversation by different reviewers, both created in the period.

    Without reviewer_id each pair counts once, the lower reviewer id as rater a; with it,
    that reviewer is rater a against every other reviewer of the same conversation.
    """
    first = aliased(QualityReview)
    second = aliased(QualityReview)
    if reviewer_id is None:
        pairing = first.reviewer_id < second.reviewer_id
    else:
        pairing = and_(first.reviewer_id == reviewer_id, second.reviewer_id != reviewer_id)
    query = (
        select(*_confusion_columns(first, second))
        .select_from(first)
        .join(second, and_(second.conversation_id == first.conversation_id, pairing))
        .where(_in_period(first.created_at, start, end), _in_period(second.created_at, start, end))
    )
    return _tables(session, query)


def automatic_agreement(
    session: Session, *, start: datetime, end: datetime, reviewer_id: int | None = None
) -> dict[str, Agreement]:
    """Each review created in the period (rater a) against the automatic score (rater b)."""
    query = (
        select(*_confusion_columns(QualityReview, QualityScore))
        .join(QualityScore, QualityScore.conversation_id == QualityReview.conversation_id)
        .where(_in_period(QualityReview.created_at, start, end))
    )
    if reviewer_id is not None:
        query = query.where(QualityReview.reviewer_id == reviewer_id)
    return _tables(session, query)


def reviewer_activity(
    session: Session, *, start: datetime, end: datetime
) -> list[ReviewerActivity]:
    """Who reviewed in the period and how many conversations, busiest first."""
    count = func.count(QualityReview.id)
    rows = session.execute(
        select(Agent.id, Agent.name, count)
        .join(QualityReview, QualityReview.reviewer_id == Agent.id)
        .where(_in_period(QualityReview.created_at, start, end))
        .group_by(Agent.id, Agent.name)
        .order_by(count.desc(), Agent.name)
    ).all()
    return [ReviewerActivity(agent_id, name, n) for agent_id, name, n in rows]


def _in_period(
    column: QueryableAttribute[datetime], start: datetime, end: datetime
) -> ColumnElement[bool]:
    return and_(column >= start, column < end)


def _confusion_columns(rater_a: Any, rater_b: Any) -> list[ColumnElement[int]]:
    """One pass over the pairs: a count per step and (label a, label b), 45 columns."""
    return [
        func.sum(
            case((and_(getattr(rater_a, step) == a, getattr(rater_b, step) == b), 1), else_=0)
        ).label(f"{step}{_SEP}{a}{_SEP}{b}")
        for step in STEPS
        for a in LABELS
        for b in LABELS
    ]


def _tables(session: Session, query: Executable) -> dict[str, Agreement]:
    row = session.execute(query).one()
    counts: dict[str, dict[tuple[str, str], int]] = defaultdict(dict)
    for column, n in row._mapping.items():
        step, label_a, label_b = str(column).split(_SEP)
        counts[step][(label_a, label_b)] = int(n or 0)  # SUM over no rows is NULL
    return per_step_agreement(counts, STEPS)
