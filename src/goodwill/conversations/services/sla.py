"""Applying SLA policies to conversations and recording breaches (counted in business hours)."""

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.agents.business_hours import WorkingCalendar
from goodwill.agents.calendars import load_team_calendar
from goodwill.conversations.enums import EventKind, SlaMetric
from goodwill.conversations.models import Conversation, SlaPolicy
from goodwill.conversations.services.common import record_event
from goodwill.conversations.sla import (
    SlaPolicyRule,
    SlaTargets,
    extend_for_pause,
    first_response_due,
    next_response_due,
    resolution_due,
    select_sla_policy,
)
from goodwill.conversations.status import OPEN_STATUSES


def _seconds(value: int | None) -> timedelta | None:
    return None if value is None else timedelta(seconds=value)


_RULES_KEY = "sla_rules"


def load_sla_rules(session: Session) -> list[SlaPolicyRule]:
    """Active policies as pure rules, loaded once per unit of work."""
    cached: list[SlaPolicyRule] | None = session.info.get(_RULES_KEY)
    if cached is None:
        cached = session.info[_RULES_KEY] = _load_sla_rules(session)
    return cached


def forget_sla_rules(session: Session) -> None:
    """After a policy changes: later loads in this unit of work read the policies again."""
    session.info.pop(_RULES_KEY, None)


def _load_sla_rules(session: Session) -> list[SlaPolicyRule]:
    policies = session.scalars(select(SlaPolicy).where(SlaPolicy.is_active.is_(True)))
    return [
        SlaPolicyRule(
            policy_id=policy.id,
            priority=policy.priority,
            channel=policy.channel,
            targets=SlaTargets(
                first_response=_seconds(policy.first_response_seconds),
                next_response=_seconds(policy.next_response_seconds),
                resolution=_seconds(policy.resolution_seconds),
            ),
            position=policy.position,
        )
        for policy in policies
    ]


def _select_rule(session: Session, conversation: Conversation) -> SlaPolicyRule | None:
    return select_sla_policy(
        load_sla_rules(session), priority=conversation.priority, channel=conversation.channel
    )


def apply_sla_policy(session: Session, conversation: Conversation) -> None:
    """Set the due times from the matching policy, counted from creation in the team's hours."""
    rule = _select_rule(session, conversation)
    conversation.sla_policy_id = rule.policy_id if rule else None
    if rule is None:
        conversation.first_response_due_at = conversation.resolution_due_at = None
        refresh_sla_due_at(conversation)
        return
    calendar = load_team_calendar(session, team_id=conversation.team_id)
    if conversation.first_response_at is None:
        conversation.first_response_due_at = first_response_due(
            conversation.created_at, rule.targets, calendar
        )
    conversation.resolution_due_at = resolution_due(conversation.created_at, rule.targets, calendar)
    refresh_sla_due_at(conversation)


def start_next_response_clock(
    session: Session, conversation: Conversation, *, at: datetime
) -> None:
    """A customer wrote after we had answered: our next reply is due within the target."""
    if conversation.first_response_at is None or conversation.next_response_due_at is not None:
        return
    rule = _select_rule(session, conversation)
    if rule is not None:
        calendar = load_team_calendar(session, team_id=conversation.team_id)
        conversation.next_response_due_at = next_response_due(at, rule.targets, calendar)
        conversation.next_response_breached_at = None
    refresh_sla_due_at(conversation)


def pause_resolution_clock(conversation: Conversation, *, now: datetime) -> None:
    if conversation.sla_paused_at is None:
        conversation.sla_paused_at = now
    refresh_sla_due_at(conversation)


def resume_resolution_clock(session: Session, conversation: Conversation, *, now: datetime) -> None:
    """Waiting on the customer does not count against resolution: push the due time back."""
    paused_at = conversation.sla_paused_at
    conversation.sla_paused_at = None
    if paused_at is not None and conversation.resolution_due_at is not None:
        calendar = load_team_calendar(session, team_id=conversation.team_id)
        conversation.resolution_due_at = extend_for_pause(
            conversation.resolution_due_at, paused_at=paused_at, resumed_at=now, calendar=calendar
        )
    refresh_sla_due_at(conversation)


def _pending_targets(conversation: Conversation) -> list[tuple[SlaMetric, datetime]]:
    """Due times not yet met and not yet recorded as breached."""
    targets: list[tuple[SlaMetric, datetime]] = []
    if conversation.status not in OPEN_STATUSES:
        return targets
    if (
        conversation.first_response_at is None
        and conversation.first_response_due_at is not None
        and conversation.first_response_breached_at is None
    ):
        targets.append((SlaMetric.FIRST_RESPONSE, conversation.first_response_due_at))
    if (
        conversation.next_response_due_at is not None
        and conversation.next_response_breached_at is None
    ):
        targets.append((SlaMetric.NEXT_RESPONSE, conversation.next_response_due_at))
    if (
        conversation.resolution_due_at is not None
        and conversation.resolution_breached_at is None
        and conversation.sla_paused_at is None
    ):
        targets.append((SlaMetric.RESOLUTION, conversation.resolution_due_at))
    return targets


def refresh_sla_due_at(conversation: Conversation) -> None:
    due_times = [due for _, due in _pending_targets(conversation)]
    conversation.sla_due_at = min(due_times) if due_times else None


_BREACH_COLUMN = {
    SlaMetric.FIRST_RESPONSE: "first_response_breached_at",
    SlaMetric.NEXT_RESPONSE: "next_response_breached_at",
    SlaMetric.RESOLUTION: "resolution_breached_at",
}


def record_sla_breaches(session: Session, *, now: datetime, limit: int = 500) -> int:
    """Mark overdue targets as breached, with an event each. Returns how many were recorded."""
    overdue = session.scalars(
        select(Conversation)
        .where(
            Conversation.status.in_(list(OPEN_STATUSES)),
            Conversation.sla_due_at.is_not(None),
            Conversation.sla_due_at < now,
        )
        .order_by(Conversation.sla_due_at)
        .limit(limit)
    ).all()
    recorded = 0
    for conversation in overdue:
        for metric, due_at in _pending_targets(conversation):
            if due_at < now:
                setattr(conversation, _BREACH_COLUMN[metric], now)
                record_event(
                    session,
                    conversation,
                    EventKind.SLA_BREACHED,
                    now=now,
                    data={"metric": metric.value, "due_at": due_at.isoformat()},
                )
                recorded += 1
        refresh_sla_due_at(conversation)
    session.flush()
    return recorded


def working_calendar_for(session: Session, conversation: Conversation) -> WorkingCalendar:
    return load_team_calendar(session, team_id=conversation.team_id)


def record_sla_breaches_as_of(
    session: Session, conversation: Conversation, *, now: datetime
) -> None:
    """For imported history: targets met late, or still unmet at `now`, count as breached."""
    checks = (
        (
            SlaMetric.FIRST_RESPONSE,
            conversation.first_response_due_at,
            conversation.first_response_at,
        ),
        (SlaMetric.RESOLUTION, conversation.resolution_due_at, conversation.resolved_at),
    )
    for metric, due_at, met_at in checks:
        if due_at is None or (met_at or now) <= due_at:
            continue
        setattr(conversation, _BREACH_COLUMN[metric], due_at)
        record_event(
            session,
            conversation,
            EventKind.SLA_BREACHED,
            now=due_at,
            data={"metric": metric.value, "due_at": due_at.isoformat()},
        )
    refresh_sla_due_at(conversation)
