"""Load what the facts of a batch of conversations need: a fixed number of queries per batch."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, Row, select
from sqlalchemy.orm import Session

from goodwill.commerce.models import Order
from goodwill.conversations.enums import EventKind, MessageDirection
from goodwill.conversations.models import Conversation, ConversationEvent, Message
from goodwill.customers.models import Customer
from goodwill.insights.facts_rules import EventRow, MessageRow, PromiseRow, ResponseRow
from goodwill.proactive.models import Promise
from goodwill.quality.models import QualityScore
from goodwill.quality.rubric import FAILURE_MODES, STEPS
from goodwill.satisfaction.models import SatisfactionPrediction
from goodwill.surveys.models import SurveyInvitation, SurveyKind, SurveyResponse

FACT_EVENT_KINDS = (EventKind.ASSIGNED, EventKind.FIRST_RESPONSE, EventKind.SLA_BREACHED)

CONVERSATION_COLUMNS = (
    Conversation.id,
    Conversation.customer_id,
    Conversation.created_at,
    Conversation.channel,
    Conversation.priority,
    Conversation.status,
    Conversation.team_id,
    Conversation.assignee_id,
    Conversation.product_id,
    Conversation.topic,
    Conversation.is_spam,
    Conversation.first_response_at,
    Conversation.resolved_at,
    Conversation.closed_at,
    Conversation.reopened_count,
    Conversation.sla_policy_id,
    Conversation.first_response_breached_at,
    Conversation.next_response_breached_at,
    Conversation.resolution_breached_at,
    Conversation.sentiment_start,
    Conversation.sentiment_end,
    Customer.name.label("customer_name"),
)

QUALITY_COLUMNS = (
    QualityScore.conversation_id,
    *(getattr(QualityScore, name) for name in (*STEPS, "total", *FAILURE_MODES)),
)


@dataclass(frozen=True, slots=True)
class RelationshipAnswer:
    """An NPS answer not tied to a conversation, with the moment the customer was asked."""

    customer_id: int
    asked_at: datetime
    response: ResponseRow


@dataclass(slots=True)
class BatchRows:
    """The rows of one batch, grouped by conversation (or by customer where noted)."""

    conversations: list[Row[Any]] = field(default_factory=list)
    events: dict[int, list[EventRow]] = field(default_factory=lambda: defaultdict(list))
    messages: dict[int, list[MessageRow]] = field(default_factory=lambda: defaultdict(list))
    promises: dict[int, list[PromiseRow]] = field(default_factory=lambda: defaultdict(list))
    surveys_sent: set[int] = field(default_factory=set)
    responses: dict[int, list[ResponseRow]] = field(default_factory=lambda: defaultdict(list))
    quality: dict[int, Any] = field(default_factory=dict)  # QUALITY_COLUMNS rows
    predictions: dict[int, Any] = field(default_factory=dict)
    # by customer
    first_opened: dict[int, datetime] = field(default_factory=dict)
    resolved_history: dict[int, list[tuple[datetime, int]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    relationship: list[RelationshipAnswer] = field(default_factory=list)
    orders: dict[int, list[datetime]] = field(default_factory=lambda: defaultdict(list))


def among(column: Any, ids: Sequence[int]) -> ColumnElement[bool]:
    """`column IN ids`, or a BETWEEN when the sorted ids are a whole range (a rebuild's batches):
    the same rows, without thousands of parameters to send."""
    if ids and ids[-1] - ids[0] + 1 == len(ids):
        return cast(ColumnElement[bool], column.between(ids[0], ids[-1]))
    return cast(ColumnElement[bool], column.in_(ids))


def load_batch(session: Session, conversation_ids: Sequence[int]) -> BatchRows:
    """All rows for these conversations: 12 queries whatever the batch holds."""
    ids = sorted(set(conversation_ids))
    rows = BatchRows()
    if not ids:
        return rows
    rows.conversations = list(
        session.execute(
            select(*CONVERSATION_COLUMNS)
            .join(Customer, Customer.id == Conversation.customer_id)
            .where(among(Conversation.id, ids))
            .order_by(Conversation.id)
        )
    )
    live = [row.id for row in rows.conversations if not row.is_spam]
    customers = sorted({row.customer_id for row in rows.conversations if not row.is_spam})
    if not live:
        return rows
    _load_events(session, live, rows)
    _load_messages(session, live, rows)
    _load_outcomes(session, live, rows)
    _load_customer_history(session, customers, rows)
    return rows


def _load_events(session: Session, ids: list[int], rows: BatchRows) -> None:
    for conversation_id, kind, occurred_at, data in session.execute(
        select(
            ConversationEvent.conversation_id,
            ConversationEvent.kind,
            ConversationEvent.occurred_at,
            ConversationEvent.data,
        )
        .where(among(ConversationEvent.conversation_id, ids))
        .where(ConversationEvent.kind.in_([kind.value for kind in FACT_EVENT_KINDS]))
        .order_by(ConversationEvent.conversation_id, ConversationEvent.id)
    ):
        rows.events[conversation_id].append(EventRow(kind, occurred_at, dict(data or {})))


def _load_messages(session: Session, ids: list[int], rows: BatchRows) -> None:
    """Messages without their bodies; `load_bodies` fetches the few bodies the text facts read."""
    for message_id, conversation_id, direction, author_kind, auto, created_at in session.execute(
        select(
            Message.id,
            Message.conversation_id,
            Message.direction,
            Message.author_kind,
            Message.is_auto_reply,
            Message.created_at,
        )
        .where(among(Message.conversation_id, ids))
        .where(Message.direction != MessageDirection.NOTE)
        .order_by(Message.conversation_id, Message.created_at, Message.id)
    ):
        rows.messages[conversation_id].append(
            MessageRow(direction, author_kind, bool(auto), created_at, body_text="", id=message_id)
        )


def load_bodies(session: Session, message_ids: set[int]) -> dict[int, str]:
    if not message_ids:
        return {}
    return {
        message_id: body or ""
        for message_id, body in session.execute(
            select(Message.id, Message.body_text).where(Message.id.in_(sorted(message_ids)))
        )
    }


def _load_outcomes(session: Session, ids: list[int], rows: BatchRows) -> None:
    for conversation_id, kept_at, broken_at in session.execute(
        select(Promise.conversation_id, Promise.kept_at, Promise.broken_at).where(
            among(Promise.conversation_id, ids)
        )
    ):
        rows.promises[conversation_id].append(PromiseRow(kept_at, broken_at))
    rows.surveys_sent = set(
        session.scalars(
            select(SurveyInvitation.conversation_id)
            .where(among(SurveyInvitation.conversation_id, ids))
            .where(SurveyInvitation.sent_at.is_not(None))
            .where(SurveyInvitation.suppressed_reason.is_(None))
            .distinct()
        )
    )
    for response_id, answered_in, kind, score, answered_at, reasons, comment in session.execute(
        select(
            SurveyResponse.id,
            SurveyResponse.conversation_id,
            SurveyResponse.kind,
            SurveyResponse.score,
            SurveyResponse.answered_at,
            SurveyResponse.reasons,
            SurveyResponse.comment,
        ).where(among(SurveyResponse.conversation_id, ids))
    ):
        if answered_in is not None:
            response = ResponseRow(
                kind, score, answered_at, response_id, tuple(reasons or ()), comment or ""
            )
            rows.responses[answered_in].append(response)
    rows.quality = {
        score.conversation_id: score
        for score in session.execute(
            select(*QUALITY_COLUMNS).where(among(QualityScore.conversation_id, ids))
        )
    }
    rows.predictions = {
        row.conversation_id: row
        for row in session.execute(
            select(
                SatisfactionPrediction.conversation_id,
                SatisfactionPrediction.predicted_csat,
                SatisfactionPrediction.confidence,
            ).where(among(SatisfactionPrediction.conversation_id, ids))
        )
    }


def _load_customer_history(session: Session, customers: list[int], rows: BatchRows) -> None:
    """Per customer: first opening, resolved conversations, relationship NPS answers, orders."""
    for conversation_id, customer_id, created_at, resolved_at in session.execute(
        select(
            Conversation.id,
            Conversation.customer_id,
            Conversation.created_at,
            Conversation.resolved_at,
        )
        .where(Conversation.customer_id.in_(customers))
        .where(Conversation.is_spam.is_(False))
    ):
        first = rows.first_opened.get(customer_id)
        if first is None or created_at < first:
            rows.first_opened[customer_id] = created_at
        if resolved_at is not None:
            rows.resolved_history[customer_id].append((resolved_at, conversation_id))
    for response_id, customer_id, score, answered_at, asked_at in session.execute(
        select(
            SurveyResponse.id,
            SurveyResponse.customer_id,
            SurveyResponse.score,
            SurveyResponse.answered_at,
            SurveyInvitation.created_at,
        )
        .outerjoin(SurveyInvitation, SurveyInvitation.id == SurveyResponse.invitation_id)
        .where(SurveyResponse.customer_id.in_(customers))
        .where(SurveyResponse.conversation_id.is_(None))
        .where(SurveyResponse.kind == SurveyKind.NPS)
    ):
        response = ResponseRow(SurveyKind.NPS.value, score, answered_at, response_id)
        rows.relationship.append(RelationshipAnswer(customer_id, asked_at or answered_at, response))
    for customer_id, ordered_at in session.execute(
        select(Order.customer_id, Order.ordered_at).where(Order.customer_id.in_(customers))
    ):
        rows.orders[customer_id].append(ordered_at)
