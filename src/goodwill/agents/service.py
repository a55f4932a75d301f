"""Agent use-cases: accounts, availability, sign-in, API tokens, teams and their members."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from goodwill.agents.calendars import forget_calendars
from goodwill.agents.models import Agent, ApiToken, BusinessHours, Team, TeamMembership
from goodwill.agents.passwords import hash_password, verify_password
from goodwill.agents.roles import Role
from goodwill.agents.schemas import AgentUpdate, TeamUpdate
from goodwill.agents.tokens import generate_api_token, hash_api_token
from goodwill.core.errors import Conflict, Invalid, NotFound, Unauthorized


def normalise_email(email: str) -> str:
    return email.strip().lower()


def create_agent(
    session: Session,
    *,
    email: str,
    password: str,
    role: Role,
    name: str | None = None,
    now: datetime,
    capacity: int = 20,
) -> Agent:
    address = normalise_email(email)
    if "@" not in address:
        raise Invalid(f"{email!r} is not an email address")
    if session.scalar(select(Agent.id).where(Agent.email == address)) is not None:
        raise Conflict(f"an agent with email {address} already exists")
    try:
        password_hash = hash_password(password)
    except ValueError as error:
        raise Invalid(str(error)) from error
    agent = Agent(
        email=address,
        name=name or address.split("@")[0].replace(".", " ").title(),
        password_hash=password_hash,
        role=Role(role),
        is_active=True,
        is_available=True,
        capacity=capacity,
        session_version=1,
        created_at=now,
    )
    session.add(agent)
    session.flush()
    return agent


_UNKNOWN_AGENT_HASH = hash_password("an unguessable placeholder password")


def authenticate_agent(session: Session, *, email: str, password: str) -> Agent:
    """The agent with these credentials; unknown emails cost the same time as wrong passwords."""
    agent = session.scalar(select(Agent).where(Agent.email == normalise_email(email)))
    password_hash = agent.password_hash if agent is not None else _UNKNOWN_AGENT_HASH
    is_valid = verify_password(password_hash, password)
    if agent is None or not agent.is_active or not is_valid:
        raise Unauthorized("wrong email or password")
    return agent


def get_agent(session: Session, agent_id: int) -> Agent:
    agent = session.get(Agent, agent_id)
    if agent is None:
        raise NotFound(f"agent {agent_id} does not exist")
    return agent


def get_agent_by_email(session: Session, email: str) -> Agent:
    agent = session.scalar(select(Agent).where(Agent.email == normalise_email(email)))
    if agent is None:
        raise NotFound(f"no agent with email {email}")
    return agent


def update_agent(session: Session, agent_id: int, *, patch: AgentUpdate, actor: Agent) -> Agent:
    """Admin changes; nobody may deactivate themselves or change their own role (no lock-out).

    Deactivating also signs the agent out everywhere, so reactivating needs a fresh sign-in.
    """
    agent = get_agent(session, agent_id)
    if agent.id == actor.id:
        _check_own_update(agent, patch)
    if patch.name is not None:
        agent.name = patch.name
    if patch.role is not None:
        agent.role = patch.role
    if patch.capacity is not None:
        agent.capacity = patch.capacity
    if patch.is_active is not None and patch.is_active != agent.is_active:
        agent.is_active = patch.is_active
        agent.session_version += 1
    session.flush()
    return agent


def _check_own_update(agent: Agent, patch: AgentUpdate) -> None:
    if patch.is_active is False:
        raise Conflict("you cannot deactivate yourself; ask another admin to do it")
    if patch.role is not None and patch.role != agent.role:
        raise Conflict("you cannot change your own role; ask another admin to do it")


def set_agent_availability(session: Session, agent_id: int, *, is_available: bool) -> Agent:
    """Away agents (is_available false) are skipped by automatic assignment."""
    agent = get_agent(session, agent_id)
    agent.is_available = is_available
    session.flush()
    return agent


def list_agents(session: Session) -> list[Agent]:
    return list(session.scalars(select(Agent).order_by(Agent.name, Agent.id)))


def create_api_token(session: Session, *, agent: Agent, name: str, now: datetime) -> str:
    """Returns the token in clear once; only its hash is stored."""
    token = generate_api_token()
    session.add(
        ApiToken(agent_id=agent.id, name=name, token_hash=hash_api_token(token), created_at=now)
    )
    session.flush()
    return token


def find_agent_by_token(session: Session, *, token: str) -> Agent | None:
    row = session.execute(
        select(Agent)
        .join(ApiToken, ApiToken.agent_id == Agent.id)
        .where(ApiToken.token_hash == hash_api_token(token), ApiToken.revoked_at.is_(None))
    ).scalar_one_or_none()
    if row is None or not row.is_active:
        return None
    return row


def create_team(
    session: Session,
    *,
    name: str,
    now: datetime,
    business_hours_id: int | None = None,
    assignment_strategy: str = "manual",
) -> Team:
    _check_team_name_is_free(session, name, exclude_id=None)
    _check_business_hours_exist(session, business_hours_id)
    team = Team(
        name=name,
        business_hours_id=business_hours_id,
        assignment_strategy=assignment_strategy,
        created_at=now,
    )
    session.add(team)
    session.flush()
    return team


def _check_team_name_is_free(session: Session, name: str, *, exclude_id: int | None) -> None:
    query = select(Team.id).where(func.lower(Team.name) == name.lower())
    if exclude_id is not None:
        query = query.where(Team.id != exclude_id)
    if session.scalar(query) is not None:
        raise Conflict(f"a team named {name!r} already exists")


def _check_business_hours_exist(session: Session, business_hours_id: int | None) -> None:
    if business_hours_id is not None and session.get(BusinessHours, business_hours_id) is None:
        raise Invalid(f"business_hours_id {business_hours_id} does not exist")


def get_team(session: Session, team_id: int) -> Team:
    team = session.get(Team, team_id)
    if team is None:
        raise NotFound(f"team {team_id} does not exist")
    return team


def update_team(session: Session, team_id: int, *, patch: TeamUpdate) -> Team:
    """Change only the fields sent; a new schedule applies to due times computed from now on."""
    team = get_team(session, team_id)
    fields = patch.model_fields_set
    if patch.name is not None:
        _check_team_name_is_free(session, patch.name, exclude_id=team.id)
        team.name = patch.name
    if "business_hours_id" in fields:
        _check_business_hours_exist(session, patch.business_hours_id)
        team.business_hours_id = patch.business_hours_id
        forget_calendars(session)
    if patch.assignment_strategy is not None:
        team.assignment_strategy = patch.assignment_strategy.value
    session.flush()
    return team


def replace_team_members(session: Session, team_id: int, *, agent_ids: Sequence[int]) -> Team:
    """Make exactly `agent_ids` the team's members."""
    team = get_team(session, team_id)
    wanted = set(agent_ids)
    missing = wanted - set(session.scalars(select(Agent.id).where(Agent.id.in_(wanted))))
    if missing:
        listed = ", ".join(str(agent_id) for agent_id in sorted(missing))
        raise Invalid(f"agent_ids: no agent with id {listed}; list existing agents only")
    current = set(list_team_member_ids(session, team_id=team.id))
    if current - wanted:
        session.execute(
            delete(TeamMembership).where(
                TeamMembership.team_id == team.id, TeamMembership.agent_id.in_(current - wanted)
            )
        )
    session.add_all(TeamMembership(team_id=team.id, agent_id=new) for new in wanted - current)
    session.flush()
    return team


def add_team_member(session: Session, *, team: Team, agent: Agent) -> None:
    if session.get(TeamMembership, (team.id, agent.id)) is None:
        session.add(TeamMembership(team_id=team.id, agent_id=agent.id))
        session.flush()


def list_teams(session: Session) -> list[Team]:
    return list(session.scalars(select(Team).order_by(Team.name)))


def list_team_member_ids(session: Session, *, team_id: int) -> list[int]:
    return list(
        session.scalars(select(TeamMembership.agent_id).where(TeamMembership.team_id == team_id))
    )


def set_agent_password(session: Session, *, agent: Agent, password: str) -> None:
    """Replace the password and sign the agent out everywhere."""
    try:
        agent.password_hash = hash_password(password)
    except ValueError as error:
        raise Invalid(str(error)) from error
    agent.session_version += 1
    session.flush()


def list_team_memberships(session: Session) -> list[TeamMembership]:
    ordered = select(TeamMembership).order_by(TeamMembership.team_id, TeamMembership.agent_id)
    return list(session.scalars(ordered))
