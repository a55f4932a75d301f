"""Conversation statuses and the transitions allowed between them. Pure: no I/O."""

from enum import StrEnum


class ConversationStatus(StrEnum):
    NEW = "new"
    OPEN = "open"
    PENDING = "pending"  # waiting on the customer
    ON_HOLD = "on_hold"  # waiting on someone other than the customer
    RESOLVED = "resolved"
    CLOSED = "closed"


OPEN_STATUSES: frozenset[ConversationStatus] = frozenset(
    {
        ConversationStatus.NEW,
        ConversationStatus.OPEN,
        ConversationStatus.PENDING,
        ConversationStatus.ON_HOLD,
    }
)

_S = ConversationStatus
# Nothing goes back to NEW: once someone has looked at a conversation it is never new again.
_TRANSITIONS: dict[ConversationStatus, frozenset[ConversationStatus]] = {
    _S.NEW: frozenset({_S.OPEN, _S.PENDING, _S.ON_HOLD, _S.RESOLVED, _S.CLOSED}),
    _S.OPEN: frozenset({_S.PENDING, _S.ON_HOLD, _S.RESOLVED, _S.CLOSED}),
    _S.PENDING: frozenset({_S.OPEN, _S.ON_HOLD, _S.RESOLVED, _S.CLOSED}),
    _S.ON_HOLD: frozenset({_S.OPEN, _S.PENDING, _S.RESOLVED, _S.CLOSED}),
    _S.RESOLVED: frozenset({_S.OPEN, _S.CLOSED}),
    _S.CLOSED: frozenset({_S.OPEN}),
}


class InvalidTransition(ValueError):
    """A status change that the transition rules forbid."""

    def __init__(
        self,
        message: str,
        *,
        current: ConversationStatus | None = None,
        target: ConversationStatus | None = None,
    ) -> None:
        super().__init__(message)
        self.current = current
        self.target = target


def allowed_transitions(current: ConversationStatus) -> frozenset[ConversationStatus]:
    return _TRANSITIONS[current]


def check_transition(current: ConversationStatus, target: ConversationStatus) -> None:
    if current == target:
        raise InvalidTransition(
            f"The conversation is already {current.value}.", current=current, target=target
        )
    allowed = allowed_transitions(current)
    if target not in allowed:
        names = ", ".join(sorted(status.value for status in allowed))
        raise InvalidTransition(
            f"A conversation cannot move from {current.value} to {target.value}; "
            f"from {current.value} it can move to: {names}.",
            current=current,
            target=target,
        )


def is_waiting_on_customer(status: ConversationStatus) -> bool:
    return status == ConversationStatus.PENDING


def is_reopening(current: ConversationStatus, target: ConversationStatus) -> bool:
    return current not in OPEN_STATUSES and target in OPEN_STATUSES


def status_after_customer_message(current: ConversationStatus) -> ConversationStatus:
    """A customer writing in puts the conversation back in front of the agents."""
    if current == ConversationStatus.NEW:
        return ConversationStatus.NEW
    return ConversationStatus.OPEN


def status_after_agent_reply(
    current: ConversationStatus, requested: ConversationStatus | None
) -> ConversationStatus:
    """The status an agent's reply leaves the conversation in.

    An explicitly requested status wins (validated unless it is the current one). Otherwise the
    conversation now waits on the customer (PENDING), except that a reply on a resolved or closed
    conversation leaves it as it is: replying alone never reopens it.
    """
    if requested is not None:
        if requested != current:
            check_transition(current, requested)
        return requested
    if current in OPEN_STATUSES:
        return ConversationStatus.PENDING
    return current
