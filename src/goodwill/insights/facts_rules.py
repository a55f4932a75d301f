"""How each conversation fact is derived from the rows of one conversation. Pure: no I/O, no clock.

The service loads a batch of conversations with their events, messages, promises, surveys,
scores, predictions and orders; these functions turn one conversation's rows into the values
of its `conversation_facts` row (see docs/insights.md, "Conversation facts")."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

from goodwill.agents.business_hours import WorkingCalendar, business_time_between
from goodwill.quality.steps import detect_message_steps

REPURCHASE_WINDOW_DAYS = 120  # an order this many days after resolution counts as a repurchase
REPURCHASE_WINDOW = timedelta(days=REPURCHASE_WINDOW_DAYS)
SLOW_FIRST_REPLY_SECONDS = 4 * 3600  # business time; slower first replies count as slow


@dataclass(frozen=True, slots=True)
class EventRow:
    kind: str
    occurred_at: datetime
    data: dict[str, object]


@dataclass(frozen=True, slots=True)
class MessageRow:
    direction: str  # inbound | outbound | note
    author_kind: str  # customer | agent | system
    is_auto_reply: bool
    created_at: datetime
    body_text: str = ""
    id: int = 0

    @property
    def from_customer(self) -> bool:
        return (
            self.direction == "inbound"
            and self.author_kind == "customer"
            and not self.is_auto_reply
        )

    @property
    def agent_reply(self) -> bool:
        """An outbound reply written by an agent (not a note, not an automatic message)."""
        return (
            self.direction == "outbound" and self.author_kind == "agent" and not self.is_auto_reply
        )


@dataclass(frozen=True, slots=True)
class PromiseRow:
    kept_at: datetime | None
    broken_at: datetime | None


@dataclass(frozen=True, slots=True)
class ResponseRow:
    kind: str  # csat | nps | ces
    score: int
    answered_at: datetime
    response_id: int
    reasons: tuple[str, ...] = ()
    comment: str = ""


def answered_later(response: ResponseRow, than: ResponseRow) -> bool:
    return (response.answered_at, response.response_id) > (than.answered_at, than.response_id)


def survey_words(responses: Sequence[ResponseRow]) -> tuple[tuple[str, ...], str]:
    """(reasons ticked in any answer, oldest first without repeats; the latest comment)."""
    ordered = sorted(responses, key=lambda item: (item.answered_at, item.response_id))
    reasons = tuple(dict.fromkeys(reason for item in ordered for reason in item.reasons))
    comments = [item.comment.strip() for item in ordered if item.comment.strip()]
    return reasons, comments[-1] if comments else ""


def slow_first_reply(business_seconds: int | None) -> bool:
    return business_seconds is not None and business_seconds > SLOW_FIRST_REPLY_SECONDS


def count_transfers(events: Sequence[EventRow]) -> int:
    """`assigned` events that hand the conversation from one agent to a different agent."""
    transfers = 0
    for event in events:
        if event.kind != "assigned":
            continue
        source, target = event.data.get("from_agent_id"), event.data.get("to_agent_id")
        if source is not None and target is not None and source != target:
            transfers += 1
    return transfers


def first_response_times(events: Sequence[EventRow]) -> tuple[int | None, int | None]:
    """(seconds, business seconds) recorded by the `first_response` event."""
    for event in events:
        if event.kind == "first_response":
            return _int_or_none(event.data.get("seconds")), _int_or_none(
                event.data.get("business_seconds")
            )
    return None, None


def breached_metrics(events: Sequence[EventRow], columns: dict[str, datetime | None]) -> set[str]:
    """SLA metrics ever breached: from `sla_breached` events (a next-response breach column is
    cleared when the customer writes again; the event stays) and the *_breached_at columns."""
    metrics = {str(event.data.get("metric")) for event in events if event.kind == "sla_breached"}
    metrics.update(metric for metric, at in columns.items() if at is not None)
    return metrics


def _int_or_none(value: object) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


def resolution_times(
    opened_at: datetime, resolved_at: datetime | None, calendar: WorkingCalendar
) -> tuple[int | None, int | None]:
    """(seconds, business seconds) from opening to the latest resolution."""
    if resolved_at is None:
        return None, None
    seconds = int((resolved_at - opened_at).total_seconds())
    business = int(business_time_between(opened_at, resolved_at, calendar).total_seconds())
    return max(seconds, 0), business


def next_response_business_seconds(
    messages: Sequence[MessageRow], calendar: WorkingCalendar
) -> int | None:
    """Median business-time wait from a customer message (after our first reply) to our next
    reply; a run of customer messages waits from its first. Unanswered waits do not count."""
    waits: list[int] = []
    answered_once = False
    waiting_since: datetime | None = None
    for message in messages:
        if message.agent_reply:
            if waiting_since is not None:
                span = business_time_between(waiting_since, message.created_at, calendar)
                waits.append(int(span.total_seconds()))
            answered_once, waiting_since = True, None
        elif message.from_customer and answered_once and waiting_since is None:
            waiting_since = message.created_at
    return int(median(waits)) if waits else None


def first_agent_reply(messages: Sequence[MessageRow]) -> MessageRow | None:
    return next((message for message in messages if message.agent_reply), None)


def resolving_reply(
    messages: Sequence[MessageRow], resolved_at: datetime | None
) -> MessageRow | None:
    """The last agent reply at or before the latest resolution (None while unresolved)."""
    if resolved_at is None:
        return None
    found: MessageRow | None = None
    for message in messages:
        if message.agent_reply and message.created_at <= resolved_at:
            found = message
    return found


def segment(opened_at: datetime, customer_first_opened_at: datetime | None) -> str:
    """'returning' when the customer opened a (non-spam) conversation before this one."""
    if customer_first_opened_at is not None and customer_first_opened_at < opened_at:
        return "returning"
    return "new"


def first_contact_resolution(resolved: bool, reopens: int, customer_messages: int) -> bool:
    return resolved and reopens == 0 and customer_messages == 1


def promise_counts(promises: Sequence[PromiseRow]) -> tuple[int, int, int]:
    """(made, kept, broken)."""
    kept = sum(1 for promise in promises if promise.kept_at is not None)
    broken = sum(1 for promise in promises if promise.broken_at is not None)
    return len(promises), kept, broken


def latest_scores(responses: Sequence[ResponseRow]) -> dict[str, int]:
    """The latest score of each survey kind (by answered time, then id)."""
    latest: dict[str, ResponseRow] = {}
    for response in responses:
        current = latest.get(response.kind)
        if current is None or answered_later(response, current):
            latest[response.kind] = response
    return {kind: response.score for kind, response in latest.items()}


def repurchased(
    resolved_at: datetime | None, order_times: Sequence[datetime], now: datetime
) -> bool | None:
    """True once the customer ordered within the window after resolution; False once the window
    passed without an order; None before that, and while unresolved."""
    if resolved_at is None:
        return None
    window_end = resolved_at + REPURCHASE_WINDOW
    if any(resolved_at < ordered <= window_end for ordered in order_times):
        return True
    return False if now >= window_end else None


def attribute_relationship(
    asked_at: datetime, resolved: Sequence[tuple[datetime, int]]
) -> int | None:
    """The conversation (id) a relationship answer belongs to: the customer's most recent one
    resolved before the survey was created. `resolved` holds (resolved_at, conversation_id)."""
    before = [item for item in resolved if item[0] < asked_at]
    return max(before)[1] if before else None


@dataclass(frozen=True, slots=True)
class TextFacts:
    greeted_by_name: bool | None
    asked_needs: bool | None
    thanked: bool | None


def first_name(name: str | None) -> str | None:
    parts = (name or "").split()
    return parts[0] if parts else None


def text_facts(
    first_reply: str | None,
    resolving_reply: str | None,
    customer_name: str | None,
    *,
    same_reply: bool = False,
) -> TextFacts:
    """What the first reply (greets by first name, asks what they need) and the resolving
    reply (thanks with an offer of more help) do; None when there is no such reply.
    `same_reply`: one reply was both (it is read once)."""
    name = first_name(customer_name)
    greeted = asked = thanked = None
    if first_reply is not None:
        steps = detect_message_steps(first_reply, customer_first_name=name)
        greeted, asked = steps.greeted_by_name, steps.needs
        if same_reply:
            return TextFacts(greeted, asked, steps.gratitude)
    if resolving_reply is not None:
        thanked = detect_message_steps(resolving_reply, customer_first_name=name).gratitude
    return TextFacts(greeted, asked, thanked)
