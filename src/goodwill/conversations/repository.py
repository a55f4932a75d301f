"""Every SELECT of the conversation domain for lists, timelines and inbox counts."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session, aliased

from goodwill.agents.models import Agent
from goodwill.conversations.access import ConversationScope
from goodwill.conversations.models import (
    Attachment,
    Conversation,
    ConversationEvent,
    ConversationTag,
    Message,
)
from goodwill.conversations.status import OPEN_STATUSES, ConversationStatus
from goodwill.core.errors import Invalid
from goodwill.core.pagination import INVALID_CURSOR, cursor_key, decode_cursor, encode_cursor
from goodwill.customers.models import Customer
from goodwill.tags.models import Tag

COUNT_CAP = 1000  # inbox badges say "1000+" rather than count a million rows


class InboxView(StrEnum):
    MINE = "mine"
    UNASSIGNED = "unassigned"
    OPEN = "open"
    BREACHING_SOON = "breaching_soon"
    WAITING = "waiting"
    RESOLVED = "resolved"
    ALL = "all"


@dataclass(frozen=True, slots=True)
class ConversationFilters:
    view: InboxView = InboxView.ALL
    statuses: tuple[ConversationStatus, ...] = ()
    assignee_id: int | None = None
    team_id: int | None = None
    customer_id: int | None = None
    channel: str | None = None
    priority: str | None = None
    tag: str | None = None


@dataclass(frozen=True, slots=True)
class AttachmentInfo:
    """An attachment without its bytes, for message lists and the timeline."""

    id: int
    message_id: int
    filename: str
    content_type: str
    size_bytes: int


@dataclass(slots=True)
class ConversationRow:
    conversation: Conversation
    customer_name: str
    assignee_name: str | None
    tags: list[str] = field(default_factory=list)


def _view_conditions(
    view: InboxView, *, agent_id: int, now: datetime, warning: timedelta
) -> list[ColumnElement[bool]]:
    is_open = Conversation.status.in_(list(OPEN_STATUSES))
    conditions: dict[InboxView, list[ColumnElement[bool]]] = {
        InboxView.MINE: [Conversation.assignee_id == agent_id, is_open],
        InboxView.UNASSIGNED: [Conversation.assignee_id.is_(None), is_open],
        InboxView.OPEN: [is_open],
        InboxView.WAITING: [Conversation.status == ConversationStatus.PENDING],
        InboxView.RESOLVED: [
            Conversation.status.in_([ConversationStatus.RESOLVED, ConversationStatus.CLOSED])
        ],
        InboxView.BREACHING_SOON: [
            is_open,
            Conversation.sla_due_at.is_not(None),
            Conversation.sla_due_at <= now + warning,
        ],
    }
    return conditions.get(view, [])


def _apply_view(
    query: Select[Any], view: InboxView, *, agent_id: int, now: datetime, warning: timedelta
) -> Select[Any]:
    return query.where(*_view_conditions(view, agent_id=agent_id, now=now, warning=warning))


def _apply_filters(query: Select[Any], filters: ConversationFilters) -> Select[Any]:
    if filters.statuses:
        query = query.where(Conversation.status.in_(list(filters.statuses)))
    if filters.assignee_id is not None:
        query = query.where(Conversation.assignee_id == filters.assignee_id)
    if filters.team_id is not None:
        query = query.where(Conversation.team_id == filters.team_id)
    if filters.customer_id is not None:
        query = query.where(Conversation.customer_id == filters.customer_id)
    if filters.channel is not None:
        query = query.where(Conversation.channel == filters.channel)
    if filters.priority is not None:
        query = query.where(Conversation.priority == filters.priority)
    if filters.tag is not None:
        tagged = select(ConversationTag.conversation_id).join(Tag, Tag.id == ConversationTag.tag_id)
        query = query.where(Conversation.id.in_(tagged.where(Tag.name == filters.tag.lower())))
    return query


def _scoped(
    filters: ConversationFilters, scope: ConversationScope, *, now: datetime, warning: timedelta
) -> Select[Any]:
    query = select(Conversation.id).where(scope.condition())
    query = _apply_view(query, filters.view, agent_id=scope.agent_id, now=now, warning=warning)
    return _apply_filters(query, filters)


def _order_and_page(query: Select[Any], view: InboxView, cursor: str | None) -> Select[Any]:
    if view == InboxView.BREACHING_SOON:
        if cursor:
            due_text, last_id = decode_cursor(cursor, size=2)
            due = _parse_time(due_text)
            query = query.where(
                (Conversation.sla_due_at > due)
                | ((Conversation.sla_due_at == due) & (Conversation.id > cursor_key(last_id)))
            )
        return query.order_by(Conversation.sla_due_at, Conversation.id)
    if cursor:
        activity_text, last_id = decode_cursor(cursor, size=2)
        activity, before_id = _parse_time(activity_text), cursor_key(last_id)
        query = query.where(
            (Conversation.last_activity_at < activity)
            | ((Conversation.last_activity_at == activity) & (Conversation.id < before_id))
        )
    return query.order_by(Conversation.last_activity_at.desc(), Conversation.id.desc())


def _parse_time(text: object) -> datetime:
    try:
        moment = datetime.fromisoformat(str(text))
    except ValueError as error:
        raise Invalid(INVALID_CURSOR) from error
    if moment.tzinfo is None:
        raise Invalid(INVALID_CURSOR)
    return moment


def _cursor_for(row: Conversation, view: InboxView) -> str:
    key = row.sla_due_at if view == InboxView.BREACHING_SOON else row.last_activity_at
    return encode_cursor([key.isoformat() if key else None, row.id])


def list_conversation_rows(
    session: Session,
    *,
    filters: ConversationFilters,
    scope: ConversationScope,
    cursor: str | None,
    limit: int,
    now: datetime,
    warning: timedelta,
) -> tuple[list[ConversationRow], str | None]:
    """One page, with customer and assignee names and tags, in two queries whatever the size."""
    ids = _order_and_page(_scoped(filters, scope, now=now, warning=warning), filters.view, cursor)
    assignee = aliased(Agent)
    query = (
        select(Conversation, Customer.name, assignee.name)
        .join(Customer, Customer.id == Conversation.customer_id)
        .outerjoin(assignee, assignee.id == Conversation.assignee_id)
        .where(Conversation.id.in_(ids.limit(limit + 1).scalar_subquery()))
    )
    query = _order_and_page(query, filters.view, None)  # type: ignore[arg-type]
    rows = [ConversationRow(row[0], row[1], row[2]) for row in session.execute(query)]
    next_cursor = (
        _cursor_for(rows[limit - 1].conversation, filters.view) if len(rows) > limit else None
    )
    rows = rows[:limit]
    attach_tags(session, rows)
    return rows, next_cursor


def attach_tags(session: Session, rows: list[ConversationRow]) -> None:
    by_id = {row.conversation.id: row for row in rows}
    if not by_id:
        return
    for conversation_id, name in session.execute(
        select(ConversationTag.conversation_id, Tag.name)
        .join(Tag, Tag.id == ConversationTag.tag_id)
        .where(ConversationTag.conversation_id.in_(list(by_id)))
        .order_by(Tag.name)
    ):
        by_id[conversation_id].tags.append(name)


def count_inbox_views(
    session: Session, *, scope: ConversationScope, now: datetime, warning: timedelta
) -> dict[InboxView, int]:
    """Badge counts per view, each capped at COUNT_CAP so the cost is bounded."""
    counts: dict[InboxView, int] = {}
    for view in (
        InboxView.MINE,
        InboxView.UNASSIGNED,
        InboxView.OPEN,
        InboxView.BREACHING_SOON,
        InboxView.WAITING,
    ):
        capped = _scoped(ConversationFilters(view=view), scope, now=now, warning=warning).limit(
            COUNT_CAP
        )
        counts[view] = session.scalar(select(func.count()).select_from(capped.subquery())) or 0
    return counts


def list_conversation_tags(session: Session, *, conversation_id: int) -> list[str]:
    return list(
        session.scalars(
            select(Tag.name)
            .join(ConversationTag, ConversationTag.tag_id == Tag.id)
            .where(ConversationTag.conversation_id == conversation_id)
            .order_by(Tag.name)
        )
    )


def list_events(session: Session, *, conversation_id: int) -> list[ConversationEvent]:
    return list(
        session.scalars(
            select(ConversationEvent)
            .where(ConversationEvent.conversation_id == conversation_id)
            .order_by(ConversationEvent.id)
        )
    )


def list_all_messages(session: Session, *, conversation_id: int) -> list[Message]:
    return list(
        session.scalars(
            select(Message)
            .where(Message.conversation_id == conversation_id)
            .order_by(Message.created_at, Message.id)
        )
    )


def list_attachment_infos(
    session: Session, *, message_ids: Sequence[int]
) -> dict[int, list[AttachmentInfo]]:
    """The attachments of these messages by message id, in one query and without their bytes."""
    by_message: dict[int, list[AttachmentInfo]] = {}
    if not message_ids:
        return by_message
    rows = session.execute(
        select(
            Attachment.id,
            Attachment.message_id,
            Attachment.filename,
            Attachment.content_type,
            Attachment.size_bytes,
        )
        .where(Attachment.message_id.in_(list(message_ids)))
        .order_by(Attachment.id)
    )
    for row in rows:
        by_message.setdefault(row.message_id, []).append(AttachmentInfo(*row))
    return by_message


def find_attachment(session: Session, attachment_id: int) -> tuple[Attachment, int] | None:
    """An attachment with its bytes, and the id of its message's conversation."""
    row = session.execute(
        select(Attachment, Message.conversation_id)
        .join(Message, Message.id == Attachment.message_id)
        .where(Attachment.id == attachment_id)
    ).first()
    return None if row is None else (row[0], row[1])
