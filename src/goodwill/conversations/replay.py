"""Derive a conversation's facts and event log from its messages (history imports). Pure."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from goodwill.conversations.enums import EventKind, MessageDirection
from goodwill.conversations.status import ConversationStatus


@dataclass(frozen=True, slots=True)
class TimelineMessage:
    direction: MessageDirection
    at: datetime
    agent_id: int | None = None


@dataclass(frozen=True, slots=True)
class PlannedEvent:
    kind: EventKind
    at: datetime
    message_index: int | None = None  # which message it concerns
    actor_agent_id: int | None = None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ReplayedFacts:
    status: ConversationStatus
    created_at: datetime
    last_activity_at: datetime
    message_count: int
    first_response_at: datetime | None
    last_customer_message_at: datetime | None
    last_agent_reply_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    events: list[PlannedEvent]


def _default_status(messages: Sequence[TimelineMessage]) -> ConversationStatus:
    public = [m for m in messages if m.direction != MessageDirection.NOTE]
    if not public or public[-1].direction == MessageDirection.INBOUND:
        return ConversationStatus.OPEN if len(public) > 1 else ConversationStatus.NEW
    return ConversationStatus.PENDING


def _first_response(messages: Sequence[TimelineMessage]) -> TimelineMessage | None:
    seen_customer = False
    for message in messages:
        if message.direction == MessageDirection.INBOUND:
            seen_customer = True
        elif message.direction == MessageDirection.OUTBOUND and seen_customer:
            return message
    return None


def _last(messages: Sequence[TimelineMessage], direction: MessageDirection) -> datetime | None:
    times = [m.at for m in messages if m.direction == direction]
    return max(times) if times else None


def _message_events(
    messages: Sequence[TimelineMessage], created_at: datetime
) -> list[PlannedEvent]:
    events = [PlannedEvent(EventKind.CREATED, created_at)]
    first = _first_response(messages)
    for index, message in enumerate(messages):
        kind = (
            EventKind.NOTE_ADDED
            if message.direction == MessageDirection.NOTE
            else (EventKind.MESSAGE_ADDED)
        )
        data = (
            {}
            if kind == EventKind.NOTE_ADDED
            else {
                "direction": message.direction.value,
                "author_kind": "customer"
                if message.direction == MessageDirection.INBOUND
                else "agent",
            }
        )
        events.append(PlannedEvent(kind, message.at, index, message.agent_id, data))
        if message is first:
            seconds = int((message.at - created_at).total_seconds())
            events.append(
                PlannedEvent(
                    EventKind.FIRST_RESPONSE,
                    message.at,
                    index,
                    message.agent_id,
                    {"seconds": seconds},
                )
            )
    return events


def replay_timeline(
    messages: Sequence[TimelineMessage],
    *,
    status: ConversationStatus | None,
    created_at: datetime | None = None,
    resolved_at: datetime | None = None,
) -> ReplayedFacts:
    """Facts and events as if the messages had arrived live, ending in `status`."""
    if not messages:
        raise ValueError("a conversation needs at least one message")
    ordered = sorted(messages, key=lambda m: m.at)
    if ordered != list(messages):
        raise ValueError("messages must be given in time order")
    start = created_at or ordered[0].at
    if start > ordered[0].at:
        raise ValueError("created_at is after the first message")
    final = status or _default_status(ordered)
    last_at = ordered[-1].at
    events = _message_events(ordered, start)
    done_at = max(resolved_at or last_at, last_at)
    if final != ConversationStatus.NEW:
        events.append(
            PlannedEvent(EventKind.STATUS_CHANGED, done_at, data={"from": "new", "to": final.value})
        )
    if final in (ConversationStatus.RESOLVED, ConversationStatus.CLOSED):
        events.append(PlannedEvent(EventKind.RESOLVED, done_at))
    if final == ConversationStatus.CLOSED:
        events.append(PlannedEvent(EventKind.CLOSED, done_at))
    first = _first_response(ordered)
    resolved = final in (ConversationStatus.RESOLVED, ConversationStatus.CLOSED)
    return ReplayedFacts(
        status=final,
        created_at=start,
        last_activity_at=max(last_at, done_at),
        message_count=len(ordered),
        first_response_at=first.at if first else None,
        last_customer_message_at=_last(ordered, MessageDirection.INBOUND),
        last_agent_reply_at=_last(ordered, MessageDirection.OUTBOUND),
        resolved_at=done_at if resolved else None,
        closed_at=done_at if final == ConversationStatus.CLOSED else None,
        events=events,
    )
