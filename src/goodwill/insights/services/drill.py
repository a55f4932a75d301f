"""The conversations behind a dashboard number: the filter plus one fact condition (or the
open-now backlog), newest first, a page at a time. Two queries: the count and the page."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, null, select
from sqlalchemy.orm import Session

from goodwill.agents.models import Agent
from goodwill.conversations.models import Conversation as C
from goodwill.insights.drill import DrillCondition, DrillRequest, Op
from goodwill.insights.filters import InsightFilter
from goodwill.insights.models import ConversationFact as F
from goodwill.insights.query import fact_conditions
from goodwill.insights.services.backlog import age_expression, backlog_conditions

Shown = bool | int | float | str | None


@dataclass(frozen=True, slots=True)
class DrillRow:
    conversation_id: int
    reference: str
    subject: str
    channel: str
    agent_name: str | None
    opened_at: datetime
    status: str
    value: Shown  # the drilled column's value (the age bucket for the backlog)


@dataclass(frozen=True, slots=True)
class DrillPage:
    column: str | None  # what `value` holds: the drilled column, "age", or None
    total: int
    rows: tuple[DrillRow, ...]
    page: int
    page_size: int

    @property
    def has_next(self) -> bool:
        return self.page * self.page_size < self.total

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def condition_clause(condition: DrillCondition) -> ColumnElement[bool]:
    """The SQL of a parsed (whitelisted) condition on conversation_facts."""
    column = getattr(F, condition.column)
    value = condition.value
    clauses: dict[Op, Any] = {
        Op.TRUE: lambda: column.is_(True),
        Op.FALSE: lambda: column.is_(False),
        Op.NULL: lambda: column.is_(None),
        Op.NOTNULL: lambda: column.is_not(None),
        Op.EQ: lambda: column == value,
        Op.NE: lambda: column != value,
        Op.LT: lambda: column < value,
        Op.LE: lambda: column <= value,
        Op.GT: lambda: column > value,
        Op.GE: lambda: column >= value,
    }
    clause: ColumnElement[bool] = clauses[condition.op]()
    return clause


def drill_conversations(
    session: Session, insight_filter: InsightFilter, request: DrillRequest, now: datetime
) -> DrillPage:
    """One page of the conversations behind a number, and how many there are in all."""
    if request.backlog:
        return _backlog_page(session, insight_filter, request, now)
    conditions = fact_conditions(insight_filter)
    shown: ColumnElement[Any] = null()
    if request.condition is not None:
        conditions.append(condition_clause(request.condition))
        shown = getattr(F, request.condition.column)
    total = session.scalar(select(func.count()).select_from(F).where(*conditions)) or 0
    statement = (
        select(F.conversation_id, C.reference, C.subject, F.channel, Agent.name, F.opened_at)
        .add_columns(C.status, shown)
        .join(C, C.id == F.conversation_id)
        .outerjoin(Agent, Agent.id == F.agent_id)
        .where(*conditions)
        .order_by(F.opened_at.desc(), F.conversation_id.desc())
    )
    column = request.condition.column if request.condition else None
    return _page(session, statement, request, column, total)


def _backlog_page(
    session: Session, insight_filter: InsightFilter, request: DrillRequest, now: datetime
) -> DrillPage:
    conditions = backlog_conditions(insight_filter)
    age = age_expression(session, now)
    if request.age is not None:
        conditions.append(age == request.age)
    total = session.scalar(select(func.count()).select_from(C).where(*conditions)) or 0
    statement = (
        select(C.id, C.reference, C.subject, C.channel, Agent.name, C.created_at)
        .add_columns(C.status, age)
        .outerjoin(Agent, Agent.id == C.assignee_id)
        .where(*conditions)
        .order_by(C.created_at.desc(), C.id.desc())
    )
    return _page(session, statement, request, "age", total)


def _page(
    session: Session,
    statement: Select[Any],
    request: DrillRequest,
    column: str | None,
    total: int,
) -> DrillPage:
    result = session.execute(statement.limit(request.page_size).offset(request.offset))
    rows = tuple(
        DrillRow(
            conversation_id=int(ident),
            reference=str(reference),
            subject=str(subject),
            channel=str(channel),
            agent_name=agent_name,
            opened_at=opened_at,
            status=str(status),
            value=value,
        )
        for ident, reference, subject, channel, agent_name, opened_at, status, value in result
    )
    return DrillPage(column, total, rows, request.page, request.page_size)
