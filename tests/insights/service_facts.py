"""A hand-built facts set for the service dashboard and drill-down tests: real conversations
(status and created_at set to match) with facts rows written directly, numbers known by heart.

Period 2026-02-16..2026-03-01 (the previous one 2026-02-02..2026-02-15); the clock is Monday
2026-03-02 09:00 UTC."""

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from factories import Factories
from goodwill.agents.models import Agent, Team
from goodwill.channels.kinds import ChannelKind
from goodwill.conversations.models import Conversation
from goodwill.insights.filters import InsightFilter
from goodwill.insights.models import ConversationFact
from goodwill.insights.services.rollup import refresh_rollup_days

PERIOD = InsightFilter(start=date(2026, 2, 16), end=date(2026, 3, 1))


def add_fact(
    make: Factories,
    opened_at: datetime,
    *,
    status: str = "resolved",
    tags: tuple[str, ...] = (),
    team: Team | None = None,
    agent: Agent | None = None,
    channel: str = "email",
    subject: str = "Where is my order?",
    **columns: Any,
) -> Conversation:
    """A conversation opened at `opened_at` in `status`, and its facts row with `columns`."""
    conversation = make.conversation(
        tags=tags, subject=subject, team=team, assignee=agent, channel=ChannelKind(channel)
    )
    conversation.status = status  # type: ignore[assignment]
    conversation.created_at = opened_at
    values: dict[str, Any] = {
        "customer_id": conversation.customer_id,
        "opened_at": opened_at,
        "opened_on": opened_at.date(),
        "channel": channel,
        "priority": "normal",
        "status": status,
        "segment": "returning",
        "team_id": team.id if team else None,
        "agent_id": agent.id if agent else None,
        "refreshed_at": opened_at,
    } | columns
    row = make.session.get(ConversationFact, conversation.id)  # a facts builder may have one
    if row is None:
        row = ConversationFact(conversation_id=conversation.id)
        make.session.add(row)
    for name, value in values.items():
        setattr(row, name, value)
    make.session.flush()
    refresh_rollup_days(make.session, [row.opened_on])  # as the facts refresh does
    return conversation


def at(day: int, month: int = 2, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


@dataclass
class ServiceSet:
    team_a: Team
    team_b: Team
    agent_x: Agent
    agent_y: Agent
    current: dict[str, Conversation]
    previous: dict[str, Conversation]
    outside: Conversation


def service_set(make: Factories) -> ServiceSet:
    """Five conversations in the period, two in the previous one, one before both."""
    x, y = make.agent(name="Xavier"), make.agent(name="Yolanda")
    a, b = make.team(name="Alpha"), make.team(name="Bravo")
    sla = {"sla_applies": True}
    current = {
        "c1": add_fact(
            make,
            at(16),
            team=a,
            agent=x,
            tags=("vip",),
            segment="new",
            product_id=7,
            first_response_business_seconds=60,
            first_response_seconds=60,
            next_response_business_seconds=100,
            resolution_business_seconds=1000,
            resolution_seconds=1000,
            first_contact_resolution=True,
            **sla,
        ),
        "c2": add_fact(
            make,
            at(17),
            team=a,
            agent=x,
            first_response_business_seconds=120,
            first_response_seconds=300,
            next_response_business_seconds=200,
            resolution_business_seconds=2000,
            resolution_seconds=2500,
            reopens=1,
            sla_breached=True,
            first_response_breached=True,
            **sla,
        ),
        "c3": add_fact(
            make,
            at(20),
            team=b,
            agent=y,
            channel="chat",
            tags=("vip",),
            topic="refund",
            first_response_business_seconds=180,
            first_response_seconds=180,
            resolution_business_seconds=3000,
            resolution_seconds=3000,
            first_contact_resolution=True,
            transfers=1,
            **sla,
        ),
        "c4": add_fact(
            make,
            at(25),
            status="open",
            team=b,
            channel="chat",
            first_response_business_seconds=240,
            first_response_seconds=1000,
            sla_breached=True,
            first_response_breached=True,
            resolution_breached=True,
            **sla,
        ),
        "c5": add_fact(make, at(1, month=3), status="new"),
    }
    previous = {
        "p1": add_fact(
            make,
            at(10),
            team=a,
            agent=x,
            first_response_business_seconds=600,
            first_response_seconds=600,
            resolution_business_seconds=5000,
            resolution_seconds=5000,
            first_contact_resolution=True,
            **sla,
        ),
        "p2": add_fact(
            make,
            at(3),
            status="pending",
            team=a,
            first_response_business_seconds=30,
            first_response_seconds=30,
            sla_breached=True,
            first_response_breached=True,
            **sla,
        ),
    }
    outside = add_fact(make, at(20, month=1), first_response_business_seconds=5)
    return ServiceSet(a, b, x, y, current, previous, outside)
