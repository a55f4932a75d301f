"""Scorecards and coaching: who may see whose scores, and each view in a fixed number of
queries (aggregates in SQL, never a row per conversation in Python).

Agents see their own scores; managers their own and those of the agents in their teams (and
those teams' scorecards); admins everyone's."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.agents.models import Agent, Team, TeamMembership
from goodwill.agents.roles import Role, has_at_least
from goodwill.core.errors import Forbidden, NotFound
from goodwill.quality.coaching_rules import (
    Period,
    Rates,
    TrainingFocus,
    combined,
    period_ending,
    training_focus,
)
from goodwill.quality.repository import (
    ScoredConversation,
    Subject,
    example_conversations,
    rates_by_agent,
    rates_by_week,
    rates_overall,
    worst_conversations,
)


@dataclass(frozen=True, slots=True)
class CoachingScope:
    viewer_id: int
    sees_all: bool  # admins
    team_ids: frozenset[int]  # a manager's teams (an agent's are never used to widen access)
    is_manager: bool

    def allows_agent(self, agent_id: int, agent_team_ids: frozenset[int]) -> bool:
        if self.sees_all or agent_id == self.viewer_id:
            return True
        return self.is_manager and bool(agent_team_ids & self.team_ids)

    def allows_team(self, team_id: int) -> bool:
        return self.sees_all or (self.is_manager and team_id in self.team_ids)


def coaching_scope(session: Session, viewer: Agent) -> CoachingScope:
    if has_at_least(viewer.role, Role.ADMIN):
        return CoachingScope(viewer.id, True, frozenset(), True)
    teams = frozenset(
        session.scalars(select(TeamMembership.team_id).where(TeamMembership.agent_id == viewer.id))
    )
    return CoachingScope(viewer.id, False, teams, has_at_least(viewer.role, Role.MANAGER))


def teams_of(session: Session, agent_id: int) -> frozenset[int]:
    return frozenset(
        session.scalars(select(TeamMembership.team_id).where(TeamMembership.agent_id == agent_id))
    )


def visible_agent(session: Session, agent_id: int, *, scope: CoachingScope) -> Agent:
    agent = session.get(Agent, agent_id)
    if agent is None:
        raise NotFound(f"agent {agent_id} does not exist")
    if not scope.allows_agent(agent.id, teams_of(session, agent.id)):
        raise Forbidden(
            "you can see your own scorecard; managers see their teams' agents, admins everyone's"
        )
    return agent


def visible_team(session: Session, team_id: int, *, scope: CoachingScope) -> Team:
    team = session.get(Team, team_id)
    if team is None:
        raise NotFound(f"team {team_id} does not exist")
    if not scope.allows_team(team.id):
        raise Forbidden("team scorecards are for that team's managers and for admins")
    return team


@dataclass(frozen=True, slots=True)
class Training:
    focus: TrainingFocus
    examples: list[ScoredConversation]


@dataclass(frozen=True, slots=True)
class AgentScorecard:
    agent: Agent
    team_ids: frozenset[int]
    period: Period
    weeks: list[Rates]
    overall: Rates
    team: Rates  # everyone in the agent's teams (everyone, for an agent without a team)
    train_next: Training | None
    worst: list[ScoredConversation]


def comparison_subject(team_ids: frozenset[int]) -> Subject:
    return Subject(team_ids=tuple(sorted(team_ids))) if team_ids else Subject()


def train_next(
    session: Session, *, agent_id: int, overall: Rates, team: Rates, period: Period
) -> Training | None:
    """What to train next, with the agent's most recent examples of it."""
    focus = training_focus(overall, team)
    if focus is None:
        return None
    examples = example_conversations(
        session, subject=Subject(agent_id=agent_id), period=period, item=focus.item
    )
    return Training(focus, examples)


def agent_scorecard(
    session: Session, agent_id: int, *, scope: CoachingScope, now: datetime, weeks: int
) -> AgentScorecard:
    """Weekly rates, the period's rates beside the team's, what to train next, the worst."""
    agent = visible_agent(session, agent_id, scope=scope)
    team_ids = teams_of(session, agent.id)
    period = period_ending(now, weeks=weeks)
    mine = Subject(agent_id=agent.id)
    by_week = rates_by_week(session, subject=mine, period=period)
    overall = combined(by_week)
    team = rates_overall(session, subject=comparison_subject(team_ids), period=period)
    return AgentScorecard(
        agent=agent,
        team_ids=team_ids,
        period=period,
        weeks=by_week,
        overall=overall,
        team=team,
        train_next=train_next(
            session, agent_id=agent.id, overall=overall, team=team, period=period
        ),
        worst=worst_conversations(session, subject=mine, period=period),
    )


@dataclass(frozen=True, slots=True)
class TeamScorecard:
    team: Team
    period: Period
    weeks: list[Rates]
    overall: Rates
    agents: list[tuple[Agent, Rates]]  # by name
    worst: list[ScoredConversation]


def team_scorecard(
    session: Session, team_id: int, *, scope: CoachingScope, now: datetime, weeks: int
) -> TeamScorecard:
    team = visible_team(session, team_id, scope=scope)
    period = period_ending(now, weeks=weeks)
    subject = Subject(team_ids=(team.id,))
    by_week = rates_by_week(session, subject=subject, period=period)
    per_agent = rates_by_agent(session, subject=subject, period=period)
    return TeamScorecard(
        team=team,
        period=period,
        weeks=by_week,
        overall=combined(by_week),
        agents=_with_agents(session, per_agent),
        worst=worst_conversations(session, subject=subject, period=period),
    )


def _with_agents(session: Session, rates: dict[int, Rates]) -> list[tuple[Agent, Rates]]:
    if not rates:
        return []
    agents = session.scalars(select(Agent).where(Agent.id.in_(sorted(rates)))).all()
    return sorted(((agent, rates[agent.id]) for agent in agents), key=lambda p: p[0].name)


@dataclass(frozen=True, slots=True)
class Overview:
    """A manager's or admin's coaching home: their teams, and each visible agent's rates."""

    period: Period
    teams: list[Team]
    agents: list[tuple[Agent, Rates]]


def coaching_overview(
    session: Session, *, scope: CoachingScope, now: datetime, weeks: int
) -> Overview:
    period = period_ending(now, weeks=weeks)
    teams_query = select(Team).order_by(Team.name)
    members_query = select(Agent).where(Agent.is_active.is_(True)).order_by(Agent.name)
    if not scope.sees_all:
        visible = sorted(scope.team_ids)
        teams_query = teams_query.where(Team.id.in_(visible))
        in_teams = select(TeamMembership.agent_id).where(TeamMembership.team_id.in_(visible))
        members_query = members_query.where(Agent.id.in_(in_teams))
    teams = list(session.scalars(teams_query))
    agents = list(session.scalars(members_query))
    subject = None if scope.sees_all else tuple(agent.id for agent in agents)
    rates = rates_by_agent(session, subject=Subject(agent_ids=subject), period=period)
    return Overview(period, teams, [(agent, rates.get(agent.id, Rates())) for agent in agents])


def worst_for(
    session: Session,
    *,
    scope: CoachingScope,
    now: datetime,
    weeks: int,
    agent_id: int | None,
    team_id: int | None,
    limit: int,
) -> list[ScoredConversation]:
    """The lowest-scored conversations of an agent, a team, or (no filter) all the viewer may
    see: everyone for admins, their teams for managers, their own for agents."""
    period = period_ending(now, weeks=weeks)
    if agent_id is not None:
        visible_agent(session, agent_id, scope=scope)
    if team_id is not None:
        visible_team(session, team_id, scope=scope)
    if agent_id is not None or team_id is not None:
        teams = None if team_id is None else (team_id,)
        subject = Subject(agent_id=agent_id, team_ids=teams)
    elif scope.sees_all:
        subject = Subject()
    elif scope.is_manager:
        subject = Subject(team_ids=tuple(sorted(scope.team_ids)))
    else:
        subject = Subject(agent_id=scope.viewer_id)
    return worst_conversations(session, subject=subject, period=period, limit=limit)
