"""Scorecard queries: step and failure-mode counts aggregated in SQL, one statement per view.

A score belongs to the week of its conversation's last change (`conversation_updated_at`), so
re-scoring history never moves it to the week it was re-scored in."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, select
from sqlalchemy.orm import Session

from goodwill.conversations.models import Conversation
from goodwill.quality.coaching_rules import Period, Rates, rates_from_counts
from goodwill.quality.models import QualityScore
from goodwill.quality.rubric import FAILURE_MODES, STEPS

WORST_LIMIT = 10
EXAMPLE_LIMIT = 3


@dataclass(frozen=True, slots=True)
class Subject:
    """Whose scores: one agent, some agents, some teams; all None means everyone."""

    agent_id: int | None = None
    agent_ids: tuple[int, ...] | None = None
    team_ids: tuple[int, ...] | None = None

    def condition(self) -> ColumnElement[bool]:
        parts: list[ColumnElement[bool]] = []
        if self.agent_id is not None:
            parts.append(QualityScore.agent_id == self.agent_id)
        if self.agent_ids is not None:
            parts.append(QualityScore.agent_id.in_(sorted(self.agent_ids)))
        if self.team_ids is not None:
            parts.append(QualityScore.team_id.in_(sorted(self.team_ids)))
        return and_(*parts) if parts else QualityScore.id.is_not(None)


@dataclass(frozen=True, slots=True)
class ScoredConversation:
    """One row of a worst-conversations or examples list."""

    conversation_id: int
    reference: str
    subject: str
    agent_id: int | None
    team_id: int | None
    total: int
    missed_steps: list[str]
    failure_modes: list[str]
    evidence: dict[str, str]
    conversation_updated_at: datetime


def _count_columns() -> list[Any]:
    columns: list[Any] = [
        func.count(QualityScore.id).label("conversations"),
        func.sum(QualityScore.total).label("total_sum"),
    ]
    for step in STEPS:
        column = getattr(QualityScore, step)
        columns.append(func.sum(case((column == "done", 1), else_=0)).label(f"{step}_done"))
        columns.append(func.sum(case((column == "missed", 1), else_=0)).label(f"{step}_missed"))
    for mode in FAILURE_MODES:
        flag = getattr(QualityScore, mode)
        columns.append(func.sum(case((flag.is_(True), 1), else_=0)).label(mode))
    return columns


def _in_period(period: Period) -> ColumnElement[bool]:
    return and_(
        QualityScore.conversation_updated_at >= period.start,
        QualityScore.conversation_updated_at < period.end,
    )


def _week_index(period: Period) -> ColumnElement[int]:
    """Which week of the period a score falls in, as portable SQL (no dialect date functions)."""
    starts = period.week_starts()
    if len(starts) == 1:
        return case((QualityScore.id.is_not(None), 0), else_=0)
    whens = [
        (QualityScore.conversation_updated_at < boundary, index)
        for index, boundary in enumerate(starts[1:])
    ]
    return case(*whens, else_=len(starts) - 1)


def rates_by_week(session: Session, *, subject: Subject, period: Period) -> list[Rates]:
    """One Rates per week of the period, oldest first (weeks without scores count zero)."""
    week = _week_index(period).label("week")
    query = (
        select(week, *_count_columns())
        .where(subject.condition(), _in_period(period))
        .group_by(week)
    )
    weeks = [Rates() for _ in range(period.weeks)]
    for row in session.execute(query).mappings():
        weeks[int(row["week"])] = rates_from_counts(row)
    return weeks


def rates_overall(session: Session, *, subject: Subject, period: Period) -> Rates:
    query = select(*_count_columns()).where(subject.condition(), _in_period(period))
    row = session.execute(query).mappings().one()
    return rates_from_counts(row)


def rates_by_agent(session: Session, *, subject: Subject, period: Period) -> dict[int, Rates]:
    """Rates of each agent with scores among the subject's, over the whole period."""
    query = (
        select(QualityScore.agent_id, *_count_columns())
        .where(subject.condition(), _in_period(period), QualityScore.agent_id.is_not(None))
        .group_by(QualityScore.agent_id)
    )
    return {
        int(row["agent_id"]): rates_from_counts(row) for row in session.execute(query).mappings()
    }


def _scored_rows(
    query: Select[QualityScore, str, str], session: Session
) -> list[ScoredConversation]:
    rows = session.execute(query).all()
    return [
        ScoredConversation(
            conversation_id=score.conversation_id,
            reference=reference,
            subject=title,
            agent_id=score.agent_id,
            team_id=score.team_id,
            total=score.total,
            missed_steps=[step for step in STEPS if getattr(score, step) == "missed"],
            failure_modes=[mode for mode in FAILURE_MODES if getattr(score, mode)],
            evidence=dict(score.evidence or {}),
            conversation_updated_at=score.conversation_updated_at,
        )
        for score, reference, title in rows
    ]


def _with_conversation() -> Select[QualityScore, str, str]:
    return select(QualityScore, Conversation.reference, Conversation.subject).join(
        Conversation, Conversation.id == QualityScore.conversation_id
    )


def worst_conversations(
    session: Session, *, subject: Subject, period: Period, limit: int = WORST_LIMIT
) -> list[ScoredConversation]:
    """The lowest totals first; among equal totals the most recent first."""
    query = (
        _with_conversation()
        .where(subject.condition(), _in_period(period))
        .order_by(
            QualityScore.total,
            QualityScore.conversation_updated_at.desc(),
            QualityScore.id.desc(),
        )
        .limit(limit)
    )
    return _scored_rows(query, session)


def example_conversations(
    session: Session,
    *,
    subject: Subject,
    period: Period,
    item: str,
    limit: int = EXAMPLE_LIMIT,
) -> list[ScoredConversation]:
    """The most recent conversations where a step was missed or a failure mode was seen."""
    if item in STEPS:
        matches: ColumnElement[bool] = getattr(QualityScore, item) == "missed"
    elif item in FAILURE_MODES:
        matches = getattr(QualityScore, item).is_(True)
    else:
        raise ValueError(f"unknown step or failure mode {item!r}")
    query = (
        _with_conversation()
        .where(subject.condition(), _in_period(period), matches)
        .order_by(QualityScore.conversation_updated_at.desc(), QualityScore.id.desc())
        .limit(limit)
    )
    return _scored_rows(query, session)
