"""JSON routes for the calling agent, agents, API tokens and teams (writes are admin only)."""

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from sqlalchemy.orm import Session

from goodwill.agents.models import Agent, Team
from goodwill.agents.schemas import (
    AgentCreate,
    AgentOut,
    AvailabilityUpdate,
    TeamCreate,
    TeamOut,
    TokenCreate,
    TokenCreated,
)
from goodwill.agents.service import (
    add_team_member,
    create_agent,
    create_api_token,
    create_team,
    get_agent,
    list_agents,
    list_team_member_ids,
    list_team_memberships,
    list_teams,
    set_agent_availability,
)
from goodwill.conversations.assignment_rules import AssignmentStrategy
from goodwill.core.errors import Invalid, NotFound
from goodwill.web.deps import ApiAgent, ClockDep, DatabaseDep, api_admin, api_agent
from goodwill.web.idempotency import Idempotency, JsonBody, create_once
from goodwill.web.schemas import PathId, error_responses
from goodwill.web.text_guard import reject_nul_characters

router = APIRouter(tags=["agents"], dependencies=[Depends(reject_nul_characters)])
AUTHENTICATED = [Depends(api_agent)]
ADMIN_ONLY = [Depends(api_admin)]


@router.get(
    "/me",
    response_model=AgentOut,
    summary="The agent behind the API token",
    responses=error_responses(),
)
def get_me(agent: ApiAgent) -> AgentOut:
    return AgentOut.model_validate(agent)


@router.patch(
    "/me",
    response_model=AgentOut,
    summary="Set yourself available or away",
    description="While you are away, automatic assignment (round-robin, least-loaded) skips you.",
    responses=error_responses(400),
)
def patch_me(data: AvailabilityUpdate, agent: ApiAgent, database: DatabaseDep) -> AgentOut:
    with database.transaction() as session:
        changed = set_agent_availability(session, agent.id, is_available=data.is_available)
        return AgentOut.model_validate(changed)


@router.get(
    "/agents",
    response_model=list[AgentOut],
    summary="List agents",
    dependencies=AUTHENTICATED,
    responses=error_responses(),
)
def get_agents(database: DatabaseDep) -> list[AgentOut]:
    with database.reader() as session:
        return [AgentOut.model_validate(agent) for agent in list_agents(session)]


@router.post(
    "/agents",
    status_code=201,
    response_model=AgentOut,
    summary="Create an agent",
    dependencies=ADMIN_ONLY,
    responses=error_responses(400, 403, 409),
)
def post_agent(
    data: AgentCreate, database: DatabaseDep, clock: ClockDep, call: Idempotency
) -> Response:
    def create(session: Session) -> AgentOut:
        agent = create_agent(
            session,
            email=data.email,
            password=data.password,
            role=data.role,
            name=data.name,
            capacity=data.capacity,
            now=clock.now(),
        )
        return AgentOut.model_validate(agent)

    return create_once(database, call, payload=data, create=create, now=clock.now())


def _without_token(body: JsonBody) -> JsonBody:
    return body | {"token": None}


@router.post(
    "/agents/{agent_id}/tokens",
    status_code=201,
    response_model=TokenCreated,
    summary="Create an API token for an agent (shown once)",
    dependencies=ADMIN_ONLY,
    responses=error_responses(400, 403, 404, 409),
)
def post_token(
    agent_id: PathId,
    data: TokenCreate,
    database: DatabaseDep,
    clock: ClockDep,
    call: Idempotency,
) -> Response:
    def create(session: Session) -> TokenCreated:
        agent = get_agent(session, agent_id)
        token = create_api_token(session, agent=agent, name=data.name, now=clock.now())
        return TokenCreated(agent_id=agent.id, name=data.name, token=token, created_at=clock.now())

    return create_once(
        database, call, payload=data, create=create, now=clock.now(), redact=_without_token
    )


@router.get(
    "/teams",
    response_model=list[TeamOut],
    summary="List teams with their members",
    dependencies=AUTHENTICATED,
    responses=error_responses(),
)
def get_teams(database: DatabaseDep) -> list[TeamOut]:
    with database.reader() as session:
        members: dict[int, list[int]] = {}
        for membership in list_team_memberships(session):
            members.setdefault(membership.team_id, []).append(membership.agent_id)
        return [team_out(team, members.get(team.id, [])) for team in list_teams(session)]


@router.post(
    "/teams",
    status_code=201,
    response_model=TeamOut,
    summary="Create a team",
    dependencies=ADMIN_ONLY,
    responses=error_responses(400, 403, 409),
)
def post_team(
    data: TeamCreate, database: DatabaseDep, clock: ClockDep, call: Idempotency
) -> Response:
    def create(session: Session) -> TeamOut:
        team = create_team(
            session,
            name=data.name,
            now=clock.now(),
            business_hours_id=data.business_hours_id,
            assignment_strategy=data.assignment_strategy.value,
        )
        for member_id in dict.fromkeys(data.member_ids):
            add_team_member(session, team=team, agent=_member(session, member_id))
        return team_out(team, list_team_member_ids(session, team_id=team.id))

    return create_once(database, call, payload=data, create=create, now=clock.now())


def _member(session: Session, agent_id: int) -> Agent:
    try:
        return get_agent(session, agent_id)
    except NotFound as error:
        raise Invalid(f"member_ids: agent {agent_id} does not exist") from error


def team_out(team: Team, member_ids: list[int]) -> TeamOut:
    return TeamOut(
        id=team.id,
        name=team.name,
        business_hours_id=team.business_hours_id,
        assignment_strategy=AssignmentStrategy(team.assignment_strategy),
        member_ids=sorted(member_ids),
        created_at=team.created_at,
    )
