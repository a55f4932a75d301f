"""One conversation replayed through the live system's rules: facts, events and messages. Pure."""

import json
from dataclasses import dataclass

from goodwill.conversations.status import (
    OPEN_STATUSES,
    ConversationStatus,
    check_transition,
    is_reopening,
    status_after_agent_reply,
    status_after_customer_message,
)
from goodwill.demo.rows import Row
from goodwill.demo.worktime import BusinessClock, utc_datetime

# Mirrors conversations/services (open, messages, status_change, assign, sla) on integer times:
# each action updates the facts and appends events exactly as those services would, and between
# actions the SLA sweep (every minute, like the `conversations.check_sla` job) records breaches.

S = ConversationStatus
SWEEP_SECONDS = 60
_INBOUND = '{"direction": "inbound", "author_kind": "customer"}'
_OUTBOUND = '{"direction": "outbound", "author_kind": "agent"}'


@dataclass(frozen=True, slots=True)
class SlaTargets:
    """A matched policy's targets in business seconds (None = no target)."""

    policy_id: int
    first_response: int | None
    next_response: int | None
    resolution: int | None


class IdCounter:
    """The next id of each table; shared by every conversation of a run."""

    def __init__(self, starts: dict[str, int]) -> None:
        self.next = dict(starts)

    def take(self, table: str) -> int:
        value = self.next[table]
        self.next[table] = value + 1
        return value


def json_text(value: str) -> str:
    """A JSON string literal; the common case (nothing to escape) without json.dumps."""
    if '"' in value or "\\" in value or not value.isprintable():
        return json.dumps(value)
    return f'"{value}"'


def sweep_tick(moment: int) -> int:
    """The first SLA sweep strictly after `moment`."""
    return (moment // SWEEP_SECONDS + 1) * SWEEP_SECONDS


class ConversationSim:
    """The state of one conversation; call the actions in time order, then `row()`."""

    def __init__(  # noqa: PLR0913 - the columns a new conversation is opened with
        self,
        *,
        conversation_id: int,
        created_at: int,
        channel: str,
        priority: str,
        team_id: int,
        sla: SlaTargets | None,
        clock: BusinessClock,
        ids: IdCounter,
        events: list[Row],
        messages: list[Row],
    ) -> None:
        self.id, self.created_at, self.channel, self.priority = (
            conversation_id,
            created_at,
            channel,
            priority,
        )
        self.team_id, self.sla, self.clock, self.ids = team_id, sla, clock, ids
        self.events, self.messages = events, messages
        self.status = S.NEW
        self.assignee_id: int | None = None
        self.assignment_count = self.message_count = self.reopened_count = 0
        self.updated_at = self.last_activity_at = self.last_time = created_at
        self.last_customer_message_at: int | None = None
        self.last_agent_reply_at: int | None = None
        self.first_response_at: int | None = None
        self.first_response_business_seconds: int | None = None
        self.resolved_at: int | None = None
        self.closed_at: int | None = None
        self.paused_at: int | None = None
        self.fr_due = (
            clock.add(created_at, sla.first_response) if sla and sla.first_response else None
        )
        self.res_due = clock.add(created_at, sla.resolution) if sla and sla.resolution else None
        self.nr_due: int | None = None
        self.fr_breached: int | None = None
        self.nr_breached: int | None = None
        self.res_breached: int | None = None
        self.customer_messages = 0

    # Actions -------------------------------------------------------------------------------

    def open(self, subject: str, *, actor: int | None) -> None:
        self._event(
            "created",
            self.created_at,
            actor,
            None,
            f'{{"channel": "{self.channel}", "subject": {json_text(subject)}}}',
        )

    def assign(self, at: int, agent_id: int, *, actor: int | None, method: str) -> None:
        self._advance(at)
        if agent_id == self.assignee_id:
            return
        previous = "null" if self.assignee_id is None else self.assignee_id
        self.assignee_id = agent_id
        self.assignment_count += 1
        self._touch(at)
        data = f'{{"from_agent_id": {previous}, "to_agent_id": {agent_id}, "method": "{method}"}}'
        self._event("assigned", at, actor, None, data)

    def change_team(self, at: int, team_id: int, *, actor: int, clock: BusinessClock) -> None:
        """Later SLA arithmetic uses the new team's calendar, as the services load it per call."""
        self._advance(at)
        self._event("team_changed", at, actor, None, f'{{"from": {self.team_id}, "to": {team_id}}}')
        self.team_id, self.clock = team_id, clock
        self._touch(at)

    def tag(self, at: int, name: str, *, actor: int) -> None:
        self._advance(at)
        self._event(
            "tags_changed", at, actor, None, f'{{"added": [{json_text(name)}], "removed": []}}'
        )
        self._touch(at)

    def customer_message(
        self, at: int, text: str, *, customer_id: int, external_id: str | None
    ) -> int:
        self._advance(at)
        message_id = self._message(at, "inbound", "customer", None, customer_id, text, external_id)
        self._event("message_added", at, None, message_id, _INBOUND)
        self.last_customer_message_at = at
        self.customer_messages += 1
        target = status_after_customer_message(self.status)
        if target != self.status:
            self._change_status(at, target, None)
        if self.first_response_at is not None and self.nr_due is None and self.sla is not None:
            if self.sla.next_response:
                self.nr_due = self.clock.add(at, self.sla.next_response)
            self.nr_breached = None
        return message_id

    def agent_reply(
        self, at: int, text: str, *, agent_id: int, status_after: S | None, external_id: str
    ) -> int:
        self._advance(at)
        message_id = self._message(at, "outbound", "agent", agent_id, None, text, external_id)
        self._event("message_added", at, agent_id, message_id, _OUTBOUND)
        self.last_agent_reply_at = at
        if self.first_response_at is None:
            self.first_response_at = at
            business = self.clock.between(self.created_at, at)
            self.first_response_business_seconds = business
            data = f'{{"seconds": {at - self.created_at}, "business_seconds": {business}}}'
            self._event("first_response", at, agent_id, None, data)
        self.nr_due = self.nr_breached = None
        target = status_after_agent_reply(self.status, status_after)
        if target != self.status:
            self._change_status(at, target, agent_id)
        return message_id

    def note(self, at: int, text: str, *, agent_id: int) -> int:
        self._advance(at)
        message_id = self._message(at, "note", "agent", agent_id, None, text, None)
        self._event("note_added", at, agent_id, message_id, "{}")
        return message_id

    def change_status(self, at: int, target: S, *, actor: int | None) -> None:
        self._advance(at)
        self._change_status(at, target, actor)

    def finish(self, now: int) -> None:
        """The last sweep: breaches recorded by `now`."""
        self._sweep(now, inclusive=True)

    # Facts ---------------------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def sla_due_at(self) -> int | None:
        due = [moment for _, moment in self._pending_targets()]
        return min(due) if due else None

    def row(
        self, *, reference: str, subject: str, customer_id: int, product_id: int | None, topic: str
    ) -> Row:
        return (
            self.id,
            reference,
            subject,
            customer_id,
            self.channel,
            self.status.value,
            self.priority,
            self.team_id,
            self.assignee_id,
            product_id,
            topic,
            False,
            self.message_count,
            self.created_at,
            self.updated_at,
            self.last_activity_at,
            self.last_customer_message_at,
            self.last_agent_reply_at,
            self.first_response_at,
            self.resolved_at,
            self.closed_at,
            self.reopened_count,
            self.assignment_count,
            self.sla.policy_id if self.sla else None,
            self.fr_due,
            self.nr_due,
            self.res_due,
            self.sla_due_at(),
            self.paused_at,
            self.fr_breached,
            self.nr_breached,
            self.res_breached,
        )

    # Internals -----------------------------------------------------------------------------

    def _change_status(self, at: int, target: S, actor: int | None) -> None:
        current = self.status
        check_transition(current, target)
        self.status = target
        self._touch(at)
        self._event("status_changed", at, actor, None, _status_data(current, target))
        if is_reopening(current, target):
            self.reopened_count += 1
            self.resolved_at = self.closed_at = None
            self._event("reopened", at, actor, None, "{}")
        if target in (S.RESOLVED, S.CLOSED):
            self.nr_due = None  # as the services: nothing is owed on a finished conversation
        if target == S.RESOLVED:
            self.resolved_at = at
            self._event("resolved", at, actor, None, "{}")
        if target == S.CLOSED:
            self.closed_at = at
            if self.resolved_at is None:
                self.resolved_at = at
            self._event("closed", at, actor, None, "{}")
        if target == S.PENDING:
            if self.paused_at is None:
                self.paused_at = at
        elif current == S.PENDING:
            self._resume(at)

    def _resume(self, at: int) -> None:
        """Waiting on the customer does not count against resolution (sla.extend_for_pause)."""
        paused_at, self.paused_at = self.paused_at, None
        if paused_at is not None and self.res_due is not None and paused_at < self.res_due:
            self.res_due = self.clock.add(self.res_due, self.clock.between(paused_at, at))

    def _pending_targets(self) -> list[tuple[str, int]]:
        if self.status not in OPEN_STATUSES:
            return []
        targets = []
        if self.first_response_at is None and self.fr_due is not None and self.fr_breached is None:
            targets.append(("first_response", self.fr_due))
        if self.nr_due is not None and self.nr_breached is None:
            targets.append(("next_response", self.nr_due))
        if self.res_due is not None and self.res_breached is None and self.paused_at is None:
            targets.append(("resolution", self.res_due))
        return targets

    def _advance(self, at: int) -> None:
        if at < self.last_time:
            raise ValueError(f"conversation {self.id}: action at {at} before {self.last_time}")
        if at > self.last_time and self.status in OPEN_STATUSES:
            self._sweep(at, inclusive=False)
        self.last_time = at

    def _sweep(self, until: int, *, inclusive: bool) -> None:
        """Record the breaches the minute sweep would have found between the last action and now."""
        if self.status not in OPEN_STATUSES:
            return
        # The sweep at the tick of the last action runs after that action.
        since = self.last_time - 1
        limit = until + 1 if inclusive else until
        breaches = []
        if self.first_response_at is None and self.fr_due is not None and self.fr_breached is None:
            tick = sweep_tick(max(self.fr_due, since))
            if tick < limit:
                breaches.append((tick, "first_response", self.fr_due))
        if self.nr_due is not None and self.nr_breached is None:
            tick = sweep_tick(max(self.nr_due, since))
            if tick < limit:
                breaches.append((tick, "next_response", self.nr_due))
        if self.res_due is not None and self.res_breached is None and self.paused_at is None:
            tick = sweep_tick(max(self.res_due, since))
            if tick < limit:
                breaches.append((tick, "resolution", self.res_due))
        if breaches:
            self._record(breaches)

    def _record(self, breaches: list[tuple[int, str, int]]) -> None:
        for tick, metric, due in sorted(breaches):
            setattr(self, _BREACH_FIELD[metric], tick)
            data = f'{{"metric": "{metric}", "due_at": "{utc_datetime(due).isoformat()}"}}'
            self._event("sla_breached", tick, None, None, data)

    def _touch(self, at: int) -> None:
        self.updated_at = at
        if at > self.last_activity_at:
            self.last_activity_at = at

    def _message(
        self,
        at: int,
        direction: str,
        author_kind: str,
        agent_id: int | None,
        customer_id: int | None,
        text: str,
        external_id: str | None,
    ) -> int:
        message_id = self.ids.next["messages"]
        self.ids.next["messages"] = message_id + 1
        self.messages.append(
            (
                message_id,
                self.id,
                self.channel,
                direction,
                author_kind,
                agent_id,
                customer_id,
                text,
                external_id,
                False,
                "sent" if direction == "outbound" else None,
                at,
            )
        )
        self.message_count += 1
        self._touch(at)
        return message_id

    def _event(
        self, kind: str, at: int, actor: int | None, message_id: int | None, data: str
    ) -> None:
        event_id = self.ids.next["conversation_events"]
        self.ids.next["conversation_events"] = event_id + 1
        self.events.append((event_id, self.id, kind, at, actor, message_id, data))


_BREACH_FIELD = {
    "first_response": "fr_breached",
    "next_response": "nr_breached",
    "resolution": "res_breached",
}
_STATUS_DATA: dict[tuple[str, str], str] = {}


def _status_data(current: str, target: str) -> str:
    key = (current, target)
    data = _STATUS_DATA.get(key)
    if data is None:
        data = _STATUS_DATA[key] = f'{{"from": "{current}", "to": "{target}"}}'
    return data
