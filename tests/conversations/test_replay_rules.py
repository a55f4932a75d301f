"""Replaying a message timeline into facts and events, as imports do. Pure."""

from datetime import UTC, datetime, timedelta

import pytest

from goodwill.conversations.enums import EventKind, MessageDirection
from goodwill.conversations.replay import TimelineMessage, replay_timeline
from goodwill.conversations.status import ConversationStatus

T = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
IN, OUT, NOTE = MessageDirection.INBOUND, MessageDirection.OUTBOUND, MessageDirection.NOTE


def timeline(*steps: tuple[MessageDirection, int]) -> list[TimelineMessage]:
    return [
        TimelineMessage(direction, T + timedelta(minutes=minutes), 7 if direction != IN else None)
        for direction, minutes in steps
    ]


@pytest.mark.parametrize(
    ("_case", "steps", "status", "expected_status", "first_response_minutes"),
    [
        ("customer only is new", [(IN, 0)], None, ConversationStatus.NEW, None),
        ("answered waits on customer", [(IN, 0), (OUT, 30)], None, ConversationStatus.PENDING, 30),
        (
            "customer wrote last is open",
            [(IN, 0), (OUT, 30), (IN, 90)],
            None,
            ConversationStatus.OPEN,
            30,
        ),
        (
            "note is not a response",
            [(IN, 0), (NOTE, 5), (OUT, 45)],
            None,
            ConversationStatus.PENDING,
            45,
        ),
        (
            "outbound first, response after customer",
            [(OUT, 0), (IN, 10), (OUT, 20)],
            None,
            ConversationStatus.PENDING,
            20,
        ),
        (
            "explicit resolved",
            [(IN, 0), (OUT, 30)],
            ConversationStatus.RESOLVED,
            ConversationStatus.RESOLVED,
            30,
        ),
    ],
)
def test_replay_facts(
    _case: str,
    steps: list[tuple[MessageDirection, int]],
    status: ConversationStatus | None,
    expected_status: ConversationStatus,
    first_response_minutes: int | None,
) -> None:
    facts = replay_timeline(timeline(*steps), status=status)
    assert facts.status == expected_status
    expected_first = (
        None if first_response_minutes is None else T + timedelta(minutes=first_response_minutes)
    )
    assert facts.first_response_at == expected_first
    assert facts.message_count == len(steps)
    assert facts.created_at == T


def test_resolved_and_closed_facts_and_events() -> None:
    facts = replay_timeline(
        timeline((IN, 0), (OUT, 30)),
        status=ConversationStatus.CLOSED,
        resolved_at=T + timedelta(hours=2),
    )
    assert facts.resolved_at == facts.closed_at == T + timedelta(hours=2)
    kinds = [event.kind for event in facts.events]
    assert kinds == [
        EventKind.CREATED,
        EventKind.MESSAGE_ADDED,
        EventKind.MESSAGE_ADDED,
        EventKind.FIRST_RESPONSE,
        EventKind.STATUS_CHANGED,
        EventKind.RESOLVED,
        EventKind.CLOSED,
    ]
    first = next(event for event in facts.events if event.kind == EventKind.FIRST_RESPONSE)
    assert first.data == {"seconds": 1800}
    assert first.actor_agent_id == 7


@pytest.mark.parametrize(
    ("_case", "messages", "created_at", "message"),
    [
        ("empty", [], None, "at least one message"),
        ("out of order", timeline((IN, 10), (OUT, 0)), None, "time order"),
        ("created after first", timeline((IN, 0)), T + timedelta(hours=1), "after the first"),
    ],
)
def test_replay_refuses_bad_timelines(
    _case: str, messages: list[TimelineMessage], created_at: datetime | None, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        replay_timeline(messages, status=None, created_at=created_at)
