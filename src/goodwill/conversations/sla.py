"""SLA policy selection, due times in business hours, and SLA states. Pure: no I/O, no clock."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from goodwill.agents.business_hours import (
    WorkingCalendar,
    add_business_time,
    as_utc,
    business_time_between,
)


@dataclass(frozen=True, slots=True)
class SlaTargets:
    """Targets counted in business time; None means no target for that metric."""

    first_response: timedelta | None
    next_response: timedelta | None
    resolution: timedelta | None


@dataclass(frozen=True, slots=True)
class SlaPolicyRule:
    policy_id: int
    priority: str | None  # None = any priority
    channel: str | None  # None = any channel
    targets: SlaTargets
    position: int = 0


class SlaState(StrEnum):
    ON_TRACK = "on_track"
    BREACHING_SOON = "breaching_soon"
    BREACHED = "breached"
    MET = "met"
    MISSED = "missed"


def select_sla_policy(
    rules: Sequence[SlaPolicyRule], *, priority: str, channel: str
) -> SlaPolicyRule | None:
    """The most specific matching rule.

    Priority and channel beat priority only, which beats channel only, which beats a catch-all;
    ties go to the lowest position, then the lowest policy id.
    """
    matching = [rule for rule in rules if _matches(rule, priority=priority, channel=channel)]
    if not matching:
        return None
    return min(matching, key=lambda rule: (-_specificity(rule), rule.position, rule.policy_id))


def first_response_due(
    created_at: datetime, targets: SlaTargets, calendar: WorkingCalendar
) -> datetime | None:
    return _due(created_at, targets.first_response, calendar)


def next_response_due(
    customer_message_at: datetime, targets: SlaTargets, calendar: WorkingCalendar
) -> datetime | None:
    return _due(customer_message_at, targets.next_response, calendar)


def resolution_due(
    created_at: datetime, targets: SlaTargets, calendar: WorkingCalendar
) -> datetime | None:
    return _due(created_at, targets.resolution, calendar)


def extend_for_pause(
    due_at: datetime, *, paused_at: datetime, resumed_at: datetime, calendar: WorkingCalendar
) -> datetime:
    """Push `due_at` by the business time spent waiting on the customer.

    A pause that starts at or after `due_at` does not extend it: the target was already breached.
    """
    due_at, paused_at = as_utc(due_at, "due_at"), as_utc(paused_at, "paused_at")
    resumed_at = as_utc(resumed_at, "resumed_at")
    if resumed_at < paused_at:
        raise ValueError(f"The SLA clock resumed at {resumed_at} before it paused at {paused_at}.")
    if paused_at >= due_at:
        return due_at
    paused_for = business_time_between(paused_at, resumed_at, calendar)
    return add_business_time(due_at, paused_for, calendar)


def sla_state(
    due_at: datetime | None, *, met_at: datetime | None, now: datetime, warning: timedelta
) -> SlaState | None:
    """None when there is no target; MET or MISSED once met, else judged against `now`."""
    if due_at is None:
        return None
    due_at, now = as_utc(due_at, "due_at"), as_utc(now, "now")
    if met_at is not None:
        return SlaState.MET if as_utc(met_at, "met_at") <= due_at else SlaState.MISSED
    if now > due_at:
        return SlaState.BREACHED
    if due_at - now <= warning:
        return SlaState.BREACHING_SOON
    return SlaState.ON_TRACK


def is_breached(due_at: datetime | None, *, met_at: datetime | None, now: datetime) -> bool:
    """True once the target has passed unmet, or was met late."""
    state = sla_state(due_at, met_at=met_at, now=now, warning=timedelta(0))
    return state in (SlaState.BREACHED, SlaState.MISSED)


def _matches(rule: SlaPolicyRule, *, priority: str, channel: str) -> bool:
    return rule.priority in (None, priority) and rule.channel in (None, channel)


def _specificity(rule: SlaPolicyRule) -> int:
    return 2 * (rule.priority is not None) + (rule.channel is not None)


def _due(start: datetime, target: timedelta | None, calendar: WorkingCalendar) -> datetime | None:
    if target is None:
        return None
    return add_business_time(start, target, calendar)
