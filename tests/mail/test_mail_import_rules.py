"""The pure rules of a mail import: placing messages in threads, and the facts of history."""

from datetime import UTC, datetime, timedelta

from goodwill.conversations.enums import EventKind, MessageDirection
from goodwill.conversations.status import ConversationStatus
from goodwill.mail.history_rules import (
    Stamp,
    ThreadState,
    history_status,
    status_steps,
    update_thread,
)
from goodwill.mail.import_threads import (
    ImportThreads,
    Known,
    Letter,
    NewThread,
    Placed,
    Placement,
    plan_batch,
)

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
NOTHING = Known({}, {})


def letter(mid: str, *refs: str, tokens: tuple[str, ...] = (), bounce: bool = False) -> Letter:
    return Letter(mid, tuple(refs), tokens, is_bounce=bounce)


def test_a_reply_joins_its_parent_and_a_stranger_starts_a_thread() -> None:
    plan = plan_batch([letter("a"), letter("b", "a"), letter("c")], NOTHING, ImportThreads())
    assert plan.placed == [
        Placed(Placement.MESSAGE, NewThread(0)),
        Placed(Placement.MESSAGE, NewThread(0)),
        Placed(Placement.MESSAGE, NewThread(1)),
    ]
    assert plan.new_threads == 2


def test_in_reply_to_is_trusted_before_references() -> None:
    known = Known({"x": 7, "y": 8}, {})
    plan = plan_batch([letter("m", "y", "x")], known, ImportThreads())
    assert plan.placed == [Placed(Placement.MESSAGE, 8)]


def test_a_parent_after_its_reply_joins_the_reply_even_in_a_later_batch() -> None:
    first = plan_batch([letter("reply", "parent")], NOTHING, ImportThreads())
    state = ImportThreads()
    state.merge(first.resolved([41]))
    later = plan_batch([letter("parent")], NOTHING, state)
    assert later.placed == [Placed(Placement.MESSAGE, 41)]


def test_tokens_only_when_no_message_id_matches_and_never_the_subject() -> None:
    known = Known({"stored": 3}, {"GW-AAAAAAAA": 9})
    plan = plan_batch(
        [letter("m1", "stored", tokens=("GW-AAAAAAAA",)), letter("m2", tokens=("GW-AAAAAAAA",))],
        known,
        ImportThreads(),
    )
    assert [p.target for p in plan.placed] == [3, 9]


def test_duplicates_in_the_database_and_within_the_import() -> None:
    known = Known({"old": 5}, {})
    plan = plan_batch([letter("old"), letter("new"), letter("new")], known, ImportThreads())
    assert plan.placed == [
        Placed(Placement.DUPLICATE, 5),
        Placed(Placement.MESSAGE, NewThread(0)),
        Placed(Placement.DUPLICATE, NewThread(0)),
    ]


def test_bounces_are_placed_by_the_mail_they_report_and_stored_once() -> None:
    known = Known({"ours": 4}, {}, frozenset({"old-dsn"}))
    plan = plan_batch(
        [
            letter("dsn", "ours", bounce=True),
            letter("dsn", "ours", bounce=True),
            letter("old-dsn", "ours", bounce=True),
            letter("lost", "unknown", bounce=True),
        ],
        known,
        ImportThreads(),
    )
    assert plan.placed == [
        Placed(Placement.BOUNCE, 4),
        Placed(Placement.DUPLICATE, None),
        Placed(Placement.DUPLICATE, None),
        Placed(Placement.BOUNCE, None),
    ]
    assert plan.new_threads == 0


def stamp(days_ago: float, direction: MessageDirection, automatic: bool = False) -> Stamp:
    return Stamp(NOW - timedelta(days=days_ago), direction, automatic)


INBOUND, OUTBOUND = MessageDirection.INBOUND, MessageDirection.OUTBOUND


def test_history_is_closed_unless_the_customer_wrote_last_and_recently() -> None:
    answered = [stamp(3, INBOUND), stamp(2, OUTBOUND)]
    assert history_status(answered, current=ConversationStatus.NEW, now=NOW) == "closed"
    waiting = [*answered, stamp(1, INBOUND)]
    assert history_status(waiting, current=ConversationStatus.NEW, now=NOW) == "open"
    assert history_status([stamp(1, INBOUND)], current=ConversationStatus.NEW, now=NOW) == "new"
    old = [stamp(30, INBOUND)]
    assert history_status(old, current=ConversationStatus.NEW, now=NOW) == "closed"
    only_robots = [stamp(1, INBOUND, automatic=True)]
    assert history_status(only_robots, current=ConversationStatus.NEW, now=NOW) == "closed"
    once_closed = [stamp(1, INBOUND)]
    assert history_status(once_closed, current=ConversationStatus.CLOSED, now=NOW) == "open"


def test_status_steps_record_what_a_live_change_records() -> None:
    closing = status_steps(ConversationStatus.NEW, ConversationStatus.CLOSED)
    assert [s.kind for s in closing] == [
        EventKind.STATUS_CHANGED,
        EventKind.RESOLVED,
        EventKind.CLOSED,
    ]
    reopening = status_steps(ConversationStatus.CLOSED, ConversationStatus.OPEN)
    assert [s.kind for s in reopening] == [EventKind.STATUS_CHANGED, EventKind.REOPENED]
    assert status_steps(ConversationStatus.OPEN, ConversationStatus.OPEN) == []


def test_update_thread_takes_the_facts_from_messages_in_any_order() -> None:
    start = NOW - timedelta(days=10)
    state = ThreadState(ConversationStatus.NEW, start, start, start)
    stamps = [stamp(8, OUTBOUND), stamp(10, INBOUND), stamp(9, INBOUND, automatic=True)]
    steps = update_thread(state, stamps, history=True, now=NOW)
    assert state.message_count == 3
    assert state.first_response_at == NOW - timedelta(days=8)
    assert state.last_customer_message_at == NOW - timedelta(days=10)  # auto-replies don't count
    assert (state.status, state.closed_at) == (ConversationStatus.CLOSED, NOW - timedelta(days=8))
    assert [s.kind for s in steps][:1] == [EventKind.FIRST_RESPONSE]
    assert steps[0].data == {"seconds": 2 * 86400}


def test_a_conversation_from_before_the_import_keeps_its_status() -> None:
    start = NOW - timedelta(days=40)
    state = ThreadState(ConversationStatus.OPEN, start, start, start, first_response_at=start)
    steps = update_thread(state, [stamp(40, INBOUND), stamp(39, OUTBOUND)], history=False, now=NOW)
    assert state.status == ConversationStatus.OPEN
    assert state.first_response_at == start  # already answered: not replaced
    assert steps == []
