"""Conversation status transitions and the statuses messages lead to."""

import itertools

import pytest

from goodwill.conversations.status import (
    OPEN_STATUSES,
    ConversationStatus,
    InvalidTransition,
    allowed_transitions,
    check_transition,
    is_reopening,
    is_waiting_on_customer,
    status_after_agent_reply,
    status_after_customer_message,
)

NEW = ConversationStatus.NEW
OPEN = ConversationStatus.OPEN
PENDING = ConversationStatus.PENDING
ON_HOLD = ConversationStatus.ON_HOLD
RESOLVED = ConversationStatus.RESOLVED
CLOSED = ConversationStatus.CLOSED

# The full table, written out row by row: (from, to) pairs that are allowed.
ALLOWED = {
    (NEW, OPEN), (NEW, PENDING), (NEW, ON_HOLD), (NEW, RESOLVED), (NEW, CLOSED),
    (OPEN, PENDING), (OPEN, ON_HOLD), (OPEN, RESOLVED), (OPEN, CLOSED),
    (PENDING, OPEN), (PENDING, ON_HOLD), (PENDING, RESOLVED), (PENDING, CLOSED),
    (ON_HOLD, OPEN), (ON_HOLD, PENDING), (ON_HOLD, RESOLVED), (ON_HOLD, CLOSED),
    (RESOLVED, OPEN), (RESOLVED, CLOSED),
    (CLOSED, OPEN),
}  # fmt: skip
ALL_PAIRS = list(itertools.product(ConversationStatus, repeat=2))


def test_status_values_are_stable() -> None:
    assert [status.value for status in ConversationStatus] == [
        "new", "open", "pending", "on_hold", "resolved", "closed",
    ]  # fmt: skip


def test_open_statuses() -> None:
    assert frozenset({NEW, OPEN, PENDING, ON_HOLD}) == OPEN_STATUSES


@pytest.mark.parametrize(("current", "target"), ALL_PAIRS, ids=[f"{a}->{b}" for a, b in ALL_PAIRS])
def test_transition_table(current: ConversationStatus, target: ConversationStatus) -> None:
    assert (target in allowed_transitions(current)) is ((current, target) in ALLOWED)
    if (current, target) in ALLOWED:
        check_transition(current, target)
    else:
        with pytest.raises(InvalidTransition):
            check_transition(current, target)


@pytest.mark.parametrize("current", list(ConversationStatus))
def test_nothing_goes_back_to_new(current: ConversationStatus) -> None:
    assert NEW not in allowed_transitions(current)


@pytest.mark.parametrize("status", list(ConversationStatus))
def test_staying_put_is_not_a_transition(status: ConversationStatus) -> None:
    with pytest.raises(InvalidTransition, match=f"already {status.value}") as raised:
        check_transition(status, status)

    assert (raised.value.current, raised.value.target) == (status, status)


def test_invalid_transition_names_both_ends_and_the_allowed_targets() -> None:
    with pytest.raises(InvalidTransition) as raised:
        check_transition(RESOLVED, PENDING)

    assert str(raised.value) == (
        "A conversation cannot move from resolved to pending; "
        "from resolved it can move to: closed, open."
    )
    assert isinstance(raised.value, ValueError)
    assert (raised.value.current, raised.value.target) == (RESOLVED, PENDING)


@pytest.mark.parametrize(
    ("status", "expected"),
    [(NEW, False), (OPEN, False), (PENDING, True), (ON_HOLD, False), (RESOLVED, False),
     (CLOSED, False)],
)  # fmt: skip
def test_is_waiting_on_customer(status: ConversationStatus, expected: bool) -> None:
    assert is_waiting_on_customer(status) is expected


@pytest.mark.parametrize(
    ("_case", "current", "target", "expected"),
    [
        ("resolved to open", RESOLVED, OPEN, True),
        ("closed to open", CLOSED, OPEN, True),
        ("resolved to closed", RESOLVED, CLOSED, False),
        ("open to resolved", OPEN, RESOLVED, False),
        ("pending to open", PENDING, OPEN, False),
        ("new to pending", NEW, PENDING, False),
        ("closed to pending (would be a reopen)", CLOSED, PENDING, True),
    ],
)
def test_is_reopening(
    _case: str, current: ConversationStatus, target: ConversationStatus, expected: bool
) -> None:
    assert is_reopening(current, target) is expected


@pytest.mark.parametrize(
    ("current", "expected"),
    [(NEW, NEW), (OPEN, OPEN), (PENDING, OPEN), (ON_HOLD, OPEN), (RESOLVED, OPEN),
     (CLOSED, OPEN)],
)  # fmt: skip
def test_status_after_customer_message(
    current: ConversationStatus, expected: ConversationStatus
) -> None:
    assert status_after_customer_message(current) == expected


@pytest.mark.parametrize("current", list(ConversationStatus))
def test_customer_message_leads_to_an_allowed_status(current: ConversationStatus) -> None:
    result = status_after_customer_message(current)

    assert result == current or result in allowed_transitions(current)


@pytest.mark.parametrize(
    ("_case", "current", "requested", "expected"),
    [
        ("reply to a new conversation waits on the customer", NEW, None, PENDING),
        ("reply to an open conversation waits on the customer", OPEN, None, PENDING),
        ("reply while already pending stays pending", PENDING, None, PENDING),
        ("reply while on hold waits on the customer", ON_HOLD, None, PENDING),
        ("reply on a resolved conversation keeps it resolved", RESOLVED, None, RESOLVED),
        ("reply on a closed conversation keeps it closed", CLOSED, None, CLOSED),
        ("reply and resolve", OPEN, RESOLVED, RESOLVED),
        ("reply and put on hold", NEW, ON_HOLD, ON_HOLD),
        ("reply and keep open", OPEN, OPEN, OPEN),
        ("reply and keep pending", PENDING, PENDING, PENDING),
        ("reply and reopen a resolved conversation", RESOLVED, OPEN, OPEN),
        ("reply and close", PENDING, CLOSED, CLOSED),
    ],
)
def test_status_after_agent_reply(
    _case: str,
    current: ConversationStatus,
    requested: ConversationStatus | None,
    expected: ConversationStatus,
) -> None:
    assert status_after_agent_reply(current, requested) == expected


@pytest.mark.parametrize(
    ("current", "requested"),
    [(OPEN, NEW), (RESOLVED, PENDING), (CLOSED, RESOLVED), (CLOSED, ON_HOLD)],
)
def test_agent_reply_cannot_request_a_forbidden_status(
    current: ConversationStatus, requested: ConversationStatus
) -> None:
    with pytest.raises(InvalidTransition):
        status_after_agent_reply(current, requested)


@pytest.mark.parametrize("current", list(ConversationStatus))
def test_default_agent_reply_status_is_allowed_or_unchanged(current: ConversationStatus) -> None:
    result = status_after_agent_reply(current, None)

    assert result == current or result in allowed_transitions(current)
