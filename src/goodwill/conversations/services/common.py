"""Helpers shared by the conversation use-cases: loading and the append-only event log."""

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from goodwill.conversations.enums import EventKind
from goodwill.conversations.models import Conversation, ConversationEvent
from goodwill.core.errors import NotFound


def get_conversation(
    session: Session, conversation_id: int, *, for_update: bool = False
) -> Conversation:
    conversation = session.get(Conversation, conversation_id, with_for_update=for_update)
    if conversation is None:
        raise NotFound(f"conversation {conversation_id} does not exist")
    return conversation


def record_event(
    session: Session,
    conversation: Conversation,
    kind: EventKind,
    *,
    now: datetime,
    actor_agent_id: int | None = None,
    message_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> ConversationEvent:
    event = ConversationEvent(
        conversation_id=conversation.id,
        kind=kind,
        occurred_at=now,
        actor_agent_id=actor_agent_id,
        message_id=message_id,
        data=data or {},
    )
    session.add(event)
    return event


def touch(conversation: Conversation, *, now: datetime) -> None:
    conversation.updated_at = now
    conversation.last_activity_at = max(conversation.last_activity_at, now)
