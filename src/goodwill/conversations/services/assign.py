"""Assigning conversations: manually, or automatically within the team's capacity."""

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from goodwill.agents.models import Agent, Team, TeamMembership
from goodwill.conversations.assignment_rules import AgentLoad, AssignmentStrategy, choose_assignee
from goodwill.conversations.enums import EventKind
from goodwill.conversations.models import Conversation
from goodwill.conversations.services.common import record_event, touch
from goodwill.conversations.status import OPEN_STATUSES
from goodwill.core.errors import Invalid


def list_agent_loads(session: Session, *, team_id: int) -> list[AgentLoad]:
    """Every member's availability, capacity and current open load, in one query."""
    open_counts = (
        select(Conversation.assignee_id, func.count().label("open_count"))
        .where(Conversation.status.in_(list(OPEN_STATUSES)), Conversation.assignee_id.is_not(None))
        .group_by(Conversation.assignee_id)
        .subquery()
    )
    rows = session.execute(
        select(Agent, func.coalesce(open_counts.c.open_count, 0))
        .join(TeamMembership, TeamMembership.agent_id == Agent.id)
        .outerjoin(open_counts, open_counts.c.assignee_id == Agent.id)
        .where(TeamMembership.team_id == team_id, Agent.is_active.is_(True))
    )
    return [
        AgentLoad(
            agent_id=agent.id,
            is_available=agent.is_available,
            open_count=int(count),
            capacity=agent.capacity,
            last_assigned_at=agent.last_assigned_at,
        )
        for agent, count in rows
    ]


def assign_conversation(
    session: Session,
    conversation: Conversation,
    *,
    agent_id: int | None,
    now: datetime,
    actor_agent_id: int | None,
    method: str = "manual",
) -> None:
    """Give the conversation to `agent_id` (None unassigns); records the event."""
    if agent_id == conversation.assignee_id:
        return
    if agent_id is not None:
        agent = session.get(Agent, agent_id)
        if agent is None or not agent.is_active:
            raise Invalid(f"assignee_id {agent_id} does not exist or is deactivated")
        agent.last_assigned_at = now
    previous = conversation.assignee_id
    conversation.assignee_id = agent_id
    if agent_id is not None:
        conversation.assignment_count += 1
    touch(conversation, now=now)
    record_event(
        session,
        conversation,
        EventKind.ASSIGNED if agent_id is not None else EventKind.UNASSIGNED,
        now=now,
        actor_agent_id=actor_agent_id,
        data={"from_agent_id": previous, "to_agent_id": agent_id, "method": method},
    )


def auto_assign_conversation(
    session: Session, conversation: Conversation, *, now: datetime
) -> int | None:
    """Apply the team's strategy (round-robin or least-loaded). Returns the chosen agent, if any."""
    if conversation.team_id is None or conversation.assignee_id is not None:
        return None
    team = session.get(Team, conversation.team_id)
    if team is None:
        raise Invalid(f"team {conversation.team_id} does not exist")
    strategy = AssignmentStrategy(team.assignment_strategy)
    if strategy == AssignmentStrategy.MANUAL:
        return None
    chosen = choose_assignee(list_agent_loads(session, team_id=team.id), strategy)
    if chosen is not None:
        assign_conversation(
            session,
            conversation,
            agent_id=chosen,
            now=now,
            actor_agent_id=None,
            method=strategy.value,
        )
    return chosen
