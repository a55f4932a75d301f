"""The facts and status of a conversation imported from a mail archive. Pure.

Imported threads are history: a thread is CLOSED unless its last message (auto-replies and
mailing-list mail aside) is the customer's and younger than RECENT, in which case it is open
(NEW while it holds a single message) so that an agent answers it."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from goodwill.agents.business_hours import WorkingCalendar
from goodwill.conversations.enums import EventKind, MessageDirection
from goodwill.conversations.sla import SlaTargets, first_response_due, resolution_due
from goodwill.conversations.status import OPEN_STATUSES, ConversationStatus, is_reopening

RECENT = timedelta(days=14)


@dataclass(frozen=True, slots=True)
class Stamp:
    """One message of a conversation, as far as its facts are concerned."""

    at: datetime
    direction: MessageDirection
    automatic: bool = False


@dataclass(frozen=True, slots=True)
class HistoryFacts:
    started_at: datetime
    last_activity_at: datetime
    message_count: int
    first_response_at: datetime | None
    last_customer_message_at: datetime | None
    last_agent_reply_at: datetime | None


@dataclass(frozen=True, slots=True)
class StatusStep:
    kind: EventKind
    data: dict[str, Any]


def _public(stamps: Iterable[Stamp]) -> list[Stamp]:
    return sorted(
        (s for s in stamps if not s.automatic and s.direction != MessageDirection.NOTE),
        key=lambda s: s.at,
    )


def _first_response(public: list[Stamp]) -> datetime | None:
    asked = False
    for stamp in public:
        if stamp.direction == MessageDirection.INBOUND:
            asked = True
        elif asked:
            return stamp.at
    return None


def _latest(public: list[Stamp], direction: MessageDirection) -> datetime | None:
    times = [s.at for s in public if s.direction == direction]
    return max(times) if times else None


def history_facts(stamps: list[Stamp]) -> HistoryFacts:
    """Counts and times over every message of the conversation (any order)."""
    if not stamps:
        raise ValueError("a conversation needs at least one message")
    public = _public(stamps)
    return HistoryFacts(
        started_at=min(s.at for s in stamps),
        last_activity_at=max(s.at for s in stamps),
        message_count=len(stamps),
        first_response_at=_first_response(public),
        last_customer_message_at=_latest(public, MessageDirection.INBOUND),
        last_agent_reply_at=_latest(public, MessageDirection.OUTBOUND),
    )


def history_status(
    stamps: list[Stamp], *, current: ConversationStatus, now: datetime
) -> ConversationStatus:
    """CLOSED, unless the customer wrote last and recently (then NEW or OPEN)."""
    public = _public(stamps)
    if not public or public[-1].direction != MessageDirection.INBOUND:
        return ConversationStatus.CLOSED
    if public[-1].at < now - RECENT:
        return ConversationStatus.CLOSED
    if len(public) == 1 and current == ConversationStatus.NEW:
        return ConversationStatus.NEW  # nothing goes back to NEW
    return ConversationStatus.OPEN


def status_steps(current: ConversationStatus, target: ConversationStatus) -> list[StatusStep]:
    """The events of moving from `current` to `target`, as a history import records them."""
    if current == target:
        return []
    steps = [StatusStep(EventKind.STATUS_CHANGED, {"from": current.value, "to": target.value})]
    if is_reopening(current, target):
        steps.append(StatusStep(EventKind.REOPENED, {}))
    if target in (ConversationStatus.RESOLVED, ConversationStatus.CLOSED):
        steps.append(StatusStep(EventKind.RESOLVED, {}))
    if target == ConversationStatus.CLOSED:
        steps.append(StatusStep(EventKind.CLOSED, {}))
    return steps


@dataclass(slots=True)
class ThreadState:
    """The facts of a conversation that a history import maintains (its columns of that name)."""

    status: ConversationStatus
    created_at: datetime
    updated_at: datetime
    last_activity_at: datetime
    message_count: int = 0
    first_response_at: datetime | None = None
    last_customer_message_at: datetime | None = None
    last_agent_reply_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    reopened_count: int = 0
    next_response_due_at: datetime | None = None


STATE_FIELDS = tuple(ThreadState.__dataclass_fields__)


@dataclass(frozen=True, slots=True)
class FactStep:
    """An event the update implies: its kind, when, and its data."""

    kind: EventKind
    at: datetime
    data: dict[str, Any]


def _later(first: datetime | None, second: datetime | None) -> datetime | None:
    present = [value for value in (first, second) if value is not None]
    return max(present) if present else None


def update_thread(
    state: ThreadState, stamps: list[Stamp], *, history: bool, now: datetime
) -> list[FactStep]:
    """Bring `state` up to date with all of its messages. A conversation this import started
    (`history`) also gets its start, first response and status from them; one that existed
    before keeps its status and only gains counts and times. Returns the events to record."""
    facts = history_facts(stamps)
    answered_before = state.first_response_at is not None
    state.message_count = facts.message_count
    state.last_activity_at = max(state.last_activity_at, facts.last_activity_at)
    state.updated_at = max(state.updated_at, facts.last_activity_at)
    state.last_customer_message_at = _later(
        state.last_customer_message_at, facts.last_customer_message_at
    )
    state.last_agent_reply_at = _later(state.last_agent_reply_at, facts.last_agent_reply_at)
    if history:
        state.created_at = min(state.created_at, facts.started_at)
        state.first_response_at = facts.first_response_at
    elif state.first_response_at is None:
        state.first_response_at = facts.first_response_at
    steps: list[FactStep] = []
    if not answered_before and state.first_response_at is not None:
        seconds = int((state.first_response_at - state.created_at).total_seconds())
        steps.append(
            FactStep(EventKind.FIRST_RESPONSE, state.first_response_at, {"seconds": seconds})
        )
    if history:
        steps += _history_status(state, stamps, now=now)
    return steps


def _history_status(state: ThreadState, stamps: list[Stamp], *, now: datetime) -> list[FactStep]:
    target = history_status(stamps, current=state.status, now=now)
    at = state.last_activity_at
    steps = [FactStep(s.kind, at, s.data) for s in status_steps(state.status, target)]
    if any(step.kind == EventKind.REOPENED for step in steps):
        state.reopened_count += 1
    state.status = target
    closed = target == ConversationStatus.CLOSED
    state.resolved_at = at if closed else None
    state.closed_at = at if closed else None
    if closed:
        state.next_response_due_at = None
    return steps


@dataclass(frozen=True, slots=True)
class DueTimes:
    first_response_due_at: datetime | None
    resolution_due_at: datetime | None
    sla_due_at: datetime | None


def new_thread_due_times(
    state: ThreadState, targets: SlaTargets | None, calendar: WorkingCalendar
) -> DueTimes:
    """The SLA due times of a conversation the import starts, as services.sla.apply_sla_policy
    and refresh_sla_due_at set them (nothing breached yet; breaches come at the end)."""
    if targets is None:
        return DueTimes(None, None, None)
    first = None
    if state.first_response_at is None:
        first = first_response_due(state.created_at, targets, calendar)
    resolution = resolution_due(state.created_at, targets, calendar)
    pending = [due for due in (first, resolution) if due is not None]
    is_open = state.status in OPEN_STATUSES
    return DueTimes(first, resolution, min(pending) if pending and is_open else None)
