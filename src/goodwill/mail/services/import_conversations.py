"""The conversations of a mail import batch: starting new ones in one INSERT (no ORM objects,
they cost more than the mail), and keeping the facts of those that gained messages."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from goodwill.agents.calendars import load_team_calendar
from goodwill.channels.kinds import ChannelKind
from goodwill.conversations.enums import EventKind, MessageDirection, Priority
from goodwill.conversations.models import Conversation, Message
from goodwill.conversations.references import new_reference
from goodwill.conversations.services.sla import load_sla_rules, refresh_sla_due_at
from goodwill.conversations.sla import select_sla_policy
from goodwill.conversations.status import ConversationStatus
from goodwill.core.db import Base
from goodwill.mail.history_rules import (
    STATE_FIELDS,
    Stamp,
    ThreadState,
    new_thread_due_times,
    update_thread,
)


def table_of(model: type[Base]) -> Table:
    """The model's table: Core inserts keep NULL columns, so a batch is one executemany."""
    return cast(Table, model.__table__)


@dataclass(slots=True)
class Ref:
    """The id of a row once it is inserted."""

    id: int = 0


@dataclass(slots=True)
class PendingEvent:
    conversation: Ref
    kind: EventKind
    at: datetime
    actor_agent_id: int | None = None
    message: Ref | None = None
    data: dict[str, Any] = field(default_factory=dict)

    def row(self) -> dict[str, Any]:
        return {
            "conversation_id": self.conversation.id,
            "kind": self.kind,
            "occurred_at": self.at,
            "actor_agent_id": self.actor_agent_id,
            "message_id": self.message.id if self.message else None,
            "data": self.data,
        }


@dataclass(frozen=True, slots=True)
class NewConversation:
    """What starts a conversation: its first message's subject and customer, all its stamps."""

    subject: str
    customer_id: int
    stamps: list[Stamp]


def start_conversations(
    session: Session, wanted: list[NewConversation], *, now: datetime
) -> tuple[list[int], list[PendingEvent]]:
    """Insert the conversations with their facts, status and SLA due times; their ids, in
    order, and the events of their start (CREATED, FIRST_RESPONSE, the status they end in)."""
    if not wanted:
        return [], []
    rule = select_sla_policy(load_sla_rules(session), priority=Priority.NORMAL, channel="email")
    calendar = load_team_calendar(session, team_id=None)
    rows: list[dict[str, Any]] = []
    events: list[PendingEvent] = []
    refs: list[Ref] = []
    for thread in wanted:
        started = min(stamp.at for stamp in thread.stamps)
        state = ThreadState(ConversationStatus.NEW, started, started, started)
        steps = update_thread(state, thread.stamps, history=True, now=now)
        due = new_thread_due_times(state, rule.targets if rule else None, calendar)
        ref = Ref()
        refs.append(ref)
        data = {"channel": ChannelKind.EMAIL.value, "subject": thread.subject, "imported": True}
        events.append(PendingEvent(ref, EventKind.CREATED, state.created_at, data=data))
        events += [PendingEvent(ref, step.kind, step.at, data=step.data) for step in steps]
        rows.append(
            _row(thread, state)
            | {
                "first_response_due_at": due.first_response_due_at,
                "resolution_due_at": due.resolution_due_at,
                "sla_due_at": due.sla_due_at,
                "sla_policy_id": rule.policy_id if rule else None,
            }
        )
    session.execute(insert(table_of(Conversation)), rows)
    found = session.execute(
        select(Conversation.reference, Conversation.id).where(
            Conversation.reference.in_([row["reference"] for row in rows])
        )
    )
    ids = {str(reference): int(conversation_id) for reference, conversation_id in found}
    for ref, row in zip(refs, rows, strict=True):
        ref.id = ids[row["reference"]]
    return [ref.id for ref in refs], events


def _row(thread: NewConversation, state: ThreadState) -> dict[str, Any]:
    return {
        "reference": new_reference(),
        "subject": thread.subject,
        "customer_id": thread.customer_id,
        "channel": ChannelKind.EMAIL,
        "priority": Priority.NORMAL,
        "team_id": None,
        "assignee_id": None,
        "product_id": None,
        "topic": None,
        "linked_conversation_id": None,
        "is_spam": False,
        "assignment_count": 0,
        "next_response_due_at": None,
        "sla_paused_at": None,
        "first_response_breached_at": None,
        "next_response_breached_at": None,
        "resolution_breached_at": None,
    } | {name: getattr(state, name) for name in STATE_FIELDS}


def update_conversations(
    session: Session, conversations: list[Conversation], *, history: set[int], now: datetime
) -> list[PendingEvent]:
    """Facts (and, for conversations this import started, status) from all their messages."""
    stamps = _stamps(session, [c.id for c in conversations])
    events: list[PendingEvent] = []
    for conversation in conversations:
        state = ThreadState(**{name: getattr(conversation, name) for name in STATE_FIELDS})
        state.status = ConversationStatus(state.status)
        steps = update_thread(
            state, stamps[conversation.id], history=conversation.id in history, now=now
        )
        for name in STATE_FIELDS:
            if getattr(conversation, name) != getattr(state, name):
                setattr(conversation, name, getattr(state, name))
        refresh_sla_due_at(conversation)
        ref = Ref(conversation.id)
        events += [PendingEvent(ref, step.kind, step.at, data=step.data) for step in steps]
    return events


def _stamps(session: Session, conversation_ids: list[int]) -> dict[int, list[Stamp]]:
    stamps: dict[int, list[Stamp]] = {cid: [] for cid in conversation_ids}
    if not conversation_ids:
        return stamps
    rows = session.execute(
        select(
            Message.conversation_id, Message.created_at, Message.direction, Message.is_auto_reply
        ).where(Message.conversation_id.in_(conversation_ids))
    )
    for conversation_id, at, direction, automatic in rows:
        stamps[conversation_id].append(Stamp(at, MessageDirection(direction), automatic))
    return stamps
