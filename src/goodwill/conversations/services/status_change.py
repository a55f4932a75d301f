"""Changing a conversation's status, with its facts, events and SLA clock."""

from datetime import datetime

from sqlalchemy.orm import Session

from goodwill.conversations.enums import EventKind
from goodwill.conversations.models import Conversation
from goodwill.conversations.services.common import record_event, touch
from goodwill.conversations.services.sla import (
    pause_resolution_clock,
    refresh_sla_due_at,
    resume_resolution_clock,
)
from goodwill.conversations.status import (
    ConversationStatus,
    InvalidTransition,
    check_transition,
    is_reopening,
    is_waiting_on_customer,
)
from goodwill.core.errors import Conflict


def change_status(
    session: Session,
    conversation: Conversation,
    target: ConversationStatus,
    *,
    now: datetime,
    actor_agent_id: int | None,
) -> None:
    """Move to `target`; raises Conflict for a transition the rules forbid."""
    current = ConversationStatus(conversation.status)
    try:
        check_transition(current, target)
    except InvalidTransition as error:
        raise Conflict(str(error)) from error
    conversation.status = target
    touch(conversation, now=now)
    record_event(
        session,
        conversation,
        EventKind.STATUS_CHANGED,
        now=now,
        actor_agent_id=actor_agent_id,
        data={"from": current.value, "to": target.value},
    )
    _record_milestones(session, conversation, current, target, now=now, actor=actor_agent_id)
    _move_sla_clock(session, conversation, current, target, now=now)


def _record_milestones(
    session: Session,
    conversation: Conversation,
    current: ConversationStatus,
    target: ConversationStatus,
    *,
    now: datetime,
    actor: int | None,
) -> None:
    if is_reopening(current, target):
        conversation.reopened_count += 1
        conversation.resolved_at = None
        conversation.closed_at = None
        record_event(session, conversation, EventKind.REOPENED, now=now, actor_agent_id=actor)
    if target in (ConversationStatus.RESOLVED, ConversationStatus.CLOSED):
        conversation.next_response_due_at = None  # nothing is owed on a finished conversation
    if target == ConversationStatus.RESOLVED:
        conversation.resolved_at = now
        record_event(session, conversation, EventKind.RESOLVED, now=now, actor_agent_id=actor)
    if target == ConversationStatus.CLOSED:
        conversation.closed_at = now
        if conversation.resolved_at is None:
            conversation.resolved_at = now
        record_event(session, conversation, EventKind.CLOSED, now=now, actor_agent_id=actor)


def _move_sla_clock(
    session: Session,
    conversation: Conversation,
    current: ConversationStatus,
    target: ConversationStatus,
    *,
    now: datetime,
) -> None:
    if is_waiting_on_customer(target):
        pause_resolution_clock(conversation, now=now)
    elif is_waiting_on_customer(current):
        resume_resolution_clock(session, conversation, now=now)
    else:
        refresh_sla_due_at(conversation)
