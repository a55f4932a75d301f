"""Typed factories for tests: plain functions with keyword defaults; they flush, never commit."""

import itertools
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from goodwill.agents.models import Agent, BusinessHours, BusinessHoursInterval, Holiday, Team
from goodwill.agents.roles import Role
from goodwill.agents.service import add_team_member, create_agent, create_api_token, create_team
from goodwill.channels.kinds import ChannelKind
from goodwill.conversations.models import Conversation, SlaPolicy
from goodwill.conversations.schemas import ConversationCreate, CustomerRef, MessageCreate
from goodwill.conversations.services.open import open_conversation
from goodwill.core.clock import FixedClock
from goodwill.customers.models import Customer, IdentityKind
from goodwill.customers.schemas import CustomerCreate, IdentityIn
from goodwill.customers.service import create_customer

_counter = itertools.count(1)


class Factories:
    def __init__(self, session: Session, clock: FixedClock) -> None:
        self.session = session
        self.clock = clock

    def agent(
        self,
        *,
        role: Role = Role.AGENT,
        name: str | None = None,
        capacity: int = 20,
        email: str | None = None,
        password: str = "correct horse battery",
    ) -> Agent:
        number = next(_counter)
        return create_agent(
            self.session,
            email=email or f"agent{number}@example.com",
            password=password,
            role=role,
            name=name or f"Agent {number}",
            now=self.clock.now(),
            capacity=capacity,
        )

    def token(self, agent: Agent) -> str:
        return create_api_token(self.session, agent=agent, name="test", now=self.clock.now())

    def business_hours(
        self,
        *,
        timezone: str = "UTC",
        start_minute: int = 9 * 60,
        end_minute: int = 17 * 60,
        weekdays: tuple[int, ...] = (0, 1, 2, 3, 4),
        holidays: tuple[datetime, ...] = (),
    ) -> BusinessHours:
        hours = BusinessHours(
            name=f"Hours {next(_counter)}", timezone=timezone, created_at=self.clock.now()
        )
        self.session.add(hours)
        self.session.flush()
        for weekday in weekdays:
            self.session.add(
                BusinessHoursInterval(
                    business_hours_id=hours.id,
                    weekday=weekday,
                    start_minute=start_minute,
                    end_minute=end_minute,
                )
            )
        for day in holidays:
            self.session.add(Holiday(business_hours_id=hours.id, day=day.date(), name="Holiday"))
        self.session.flush()
        return hours

    def team(
        self,
        *,
        name: str | None = None,
        members: tuple[Agent, ...] = (),
        strategy: str = "manual",
        business_hours: BusinessHours | None = None,
    ) -> Team:
        team = create_team(
            self.session,
            name=name or f"Team {next(_counter)}",
            now=self.clock.now(),
            business_hours_id=business_hours.id if business_hours else None,
            assignment_strategy=strategy,
        )
        for agent in members:
            add_team_member(self.session, team=team, agent=agent)
        return team

    def sla_policy(
        self,
        *,
        first_response: timedelta | None = timedelta(hours=4),
        next_response: timedelta | None = timedelta(hours=8),
        resolution: timedelta | None = timedelta(hours=24),
        priority: str | None = None,
        channel: str | None = None,
    ) -> SlaPolicy:
        def seconds(value: timedelta | None) -> int | None:
            return None if value is None else int(value.total_seconds())

        policy = SlaPolicy(
            name=f"SLA {next(_counter)}",
            priority=priority,
            channel=channel,
            first_response_seconds=seconds(first_response),
            next_response_seconds=seconds(next_response),
            resolution_seconds=seconds(resolution),
            position=0,
            is_active=True,
            created_at=self.clock.now(),
        )
        self.session.add(policy)
        self.session.flush()
        return policy

    def customer(self, *, name: str = "Ada Lovelace", email: str | None = None) -> Customer:
        address = email or f"customer{next(_counter)}@example.com"
        return create_customer(
            self.session,
            data=CustomerCreate(
                name=name, identities=[IdentityIn(kind=IdentityKind.EMAIL, value=address)]
            ),
            now=self.clock.now(),
        )

    def conversation(
        self,
        *,
        customer: Customer | None = None,
        subject: str = "Where is my order?",
        body: str = "Hello, my order has not arrived yet.",
        team: Team | None = None,
        assignee: Agent | None = None,
        channel: ChannelKind = ChannelKind.EMAIL,
        priority: str = "normal",
        tags: tuple[str, ...] = (),
    ) -> Conversation:
        customer = customer or self.customer()
        conversation = open_conversation(
            self.session,
            data=ConversationCreate(
                subject=subject,
                customer=CustomerRef(id=customer.id),
                channel=channel,
                priority=priority,
                team_id=team.id if team else None,  # type: ignore[arg-type]
                assignee_id=assignee.id if assignee else None,
                tags=list(tags),
                message=MessageCreate(body_text=body),
            ),
            actor=None,
            now=self.clock.now(),
        )
        self.session.flush()
        return conversation
