"""Adding messages (customer messages, agent replies, internal notes) and listing them."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.agents.business_hours import business_time_between
from goodwill.agents.models import Agent
from goodwill.channels.html import sanitise_html
from goodwill.conversations.enums import AuthorKind, EventKind, MessageDirection
from goodwill.conversations.models import Conversation, Message
from goodwill.conversations.schemas import MessageCreate, MessageKind
from goodwill.conversations.services.attachments import store_attachments
from goodwill.conversations.services.common import record_event, touch
from goodwill.conversations.services.sla import (
    refresh_sla_due_at,
    start_next_response_clock,
    working_calendar_for,
)
from goodwill.conversations.services.status_change import change_status
from goodwill.conversations.status import (
    ConversationStatus,
    status_after_agent_reply,
    status_after_customer_message,
)
from goodwill.core.errors import Conflict, Forbidden
from goodwill.core.jobs.enqueue import enqueue

DELIVER_JOB = "conversations.deliver_message"
DELIVER_ATTEMPTS = 12  # backoff from 5 s doubling, capped at 1 h: about 2.5 hours of retries


def find_message_by_external_id(
    session: Session, *, channel: str, external_id: str
) -> Message | None:
    return session.scalar(
        select(Message).where(Message.channel == channel, Message.external_id == external_id)
    )


def add_message(
    session: Session,
    conversation: Conversation,
    *,
    data: MessageCreate,
    actor: Agent | None,
    now: datetime,
) -> Message:
    """Store a message with its attachments and apply what it means: status, first response,
    SLA clocks, delivery. The caller checks the attachments' total size against its limit."""
    channel = data.channel or conversation.channel
    if data.external_id:
        existing = find_message_by_external_id(
            session, channel=channel, external_id=data.external_id
        )
        if existing is not None and existing.conversation_id != conversation.id:
            raise Conflict(f"external_id {data.external_id!r} belongs to another conversation")
        if existing is not None:
            return existing  # the same message delivered twice is stored once
    if data.kind != MessageKind.CUSTOMER and actor is None:
        raise Forbidden("only an agent can write replies and internal notes")
    at = data.created_at or now
    message = Message(
        conversation_id=conversation.id,
        channel=channel,
        direction=_DIRECTIONS[data.kind],
        author_kind=AuthorKind.CUSTOMER if data.kind == MessageKind.CUSTOMER else AuthorKind.AGENT,
        author_agent_id=None if data.kind == MessageKind.CUSTOMER or actor is None else actor.id,
        author_customer_id=conversation.customer_id if data.kind == MessageKind.CUSTOMER else None,
        body_text=data.body_text,
        body_html=sanitise_html(data.body_html) if data.body_html else None,
        external_id=data.external_id,
        is_auto_reply=False,
        created_at=at,
    )
    session.add(message)
    session.flush()
    store_attachments(session, message, data.attachments, now=now)
    conversation.message_count += 1
    touch(conversation, now=at)
    actor_id = actor.id if actor else None
    if data.kind == MessageKind.NOTE:
        record_event(
            session,
            conversation,
            EventKind.NOTE_ADDED,
            now=at,
            actor_agent_id=actor_id,
            message_id=message.id,
        )
        return message
    record_event(
        session,
        conversation,
        EventKind.MESSAGE_ADDED,
        now=at,
        actor_agent_id=actor_id,
        message_id=message.id,
        data={"direction": message.direction, "author_kind": message.author_kind},
    )
    if data.kind == MessageKind.CUSTOMER:
        _after_customer_message(session, conversation, at=at)
    else:
        _after_agent_reply(session, conversation, data=data, at=at, actor_id=actor_id)
        # Created once per new message, so no dedupe key; the handler skips sent messages.
        enqueue(
            session, DELIVER_JOB, {"message_id": message.id}, now=now, max_attempts=DELIVER_ATTEMPTS
        )
    return message


_DIRECTIONS = {
    MessageKind.CUSTOMER: MessageDirection.INBOUND,
    MessageKind.REPLY: MessageDirection.OUTBOUND,
    MessageKind.NOTE: MessageDirection.NOTE,
}


def _after_customer_message(session: Session, conversation: Conversation, *, at: datetime) -> None:
    conversation.last_customer_message_at = at
    current = ConversationStatus(conversation.status)
    target = status_after_customer_message(current)
    if target != current:
        change_status(session, conversation, target, now=at, actor_agent_id=None)
    start_next_response_clock(session, conversation, at=at)


def _after_agent_reply(
    session: Session,
    conversation: Conversation,
    *,
    data: MessageCreate,
    at: datetime,
    actor_id: int | None,
) -> None:
    conversation.last_agent_reply_at = at
    if conversation.first_response_at is None:
        conversation.first_response_at = at
        calendar = working_calendar_for(session, conversation)
        record_event(
            session,
            conversation,
            EventKind.FIRST_RESPONSE,
            now=at,
            actor_agent_id=actor_id,
            data={
                "seconds": int((at - conversation.created_at).total_seconds()),
                "business_seconds": int(
                    business_time_between(conversation.created_at, at, calendar).total_seconds()
                ),
            },
        )
    conversation.next_response_due_at = None
    conversation.next_response_breached_at = None
    current = ConversationStatus(conversation.status)
    try:
        target = status_after_agent_reply(current, data.status_after)
    except ValueError as error:  # a transition the rules forbid: same answer as PATCH
        raise Conflict(str(error)) from error
    if target != current:
        change_status(session, conversation, target, now=at, actor_agent_id=actor_id)
    refresh_sla_due_at(conversation)


def list_messages(
    session: Session,
    *,
    conversation_id: int,
    after_id: int | None,
    limit: int,
    include_notes: bool = True,
) -> list[Message]:
    query = select(Message).where(Message.conversation_id == conversation_id)
    if not include_notes:
        query = query.where(Message.direction != MessageDirection.NOTE)
    if after_id is not None:
        query = query.where(Message.id > after_id)
    return list(session.scalars(query.order_by(Message.id).limit(limit)))
