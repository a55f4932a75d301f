"""JSON routes for admins changing agents, teams and team membership."""

from fastapi import APIRouter, Depends

from goodwill.agents.api import team_out
from goodwill.agents.schemas import AgentOut, AgentUpdate, TeamMembersReplace, TeamOut, TeamUpdate
from goodwill.agents.service import (
    list_team_member_ids,
    replace_team_members,
    update_agent,
    update_team,
)
from goodwill.web.deps import ApiAdmin, DatabaseDep, api_admin
from goodwill.web.schemas import PathId, error_responses
from goodwill.web.text_guard import reject_nul_characters

router = APIRouter(tags=["agents"], dependencies=[Depends(reject_nul_characters)])
ADMIN_ONLY = [Depends(api_admin)]


@router.patch(
    "/agents/{agent_id}",
    response_model=AgentOut,
    summary="Change an agent's name, role, capacity or active state (admin)",
    description=(
        "Only the fields sent change. A deactivated agent cannot sign in or use API tokens and "
        "is never assigned automatically. You cannot deactivate yourself or change your own "
        "role (409)."
    ),
    responses=error_responses(400, 403, 404, 409),
)
def patch_agent(
    agent_id: PathId, data: AgentUpdate, admin: ApiAdmin, database: DatabaseDep
) -> AgentOut:
    with database.transaction() as session:
        agent = update_agent(session, agent_id, patch=data, actor=admin)
        return AgentOut.model_validate(agent)


@router.patch(
    "/teams/{team_id}",
    response_model=TeamOut,
    summary="Rename a team, change its business hours or assignment strategy (admin)",
    description=(
        "Only the fields sent change; `business_hours_id: null` makes the team always open. "
        "Conversations keep the SLA due times they have; due times computed afterwards count "
        "in the new hours."
    ),
    dependencies=ADMIN_ONLY,
    responses=error_responses(400, 403, 404, 409),
)
def patch_team(team_id: PathId, data: TeamUpdate, database: DatabaseDep) -> TeamOut:
    with database.transaction() as session:
        team = update_team(session, team_id, patch=data)
        return team_out(team, list_team_member_ids(session, team_id=team.id))


@router.put(
    "/teams/{team_id}/members",
    response_model=TeamOut,
    summary="Replace a team's members (admin)",
    dependencies=ADMIN_ONLY,
    responses=error_responses(400, 403, 404),
)
def put_team_members(team_id: PathId, data: TeamMembersReplace, database: DatabaseDep) -> TeamOut:
    with database.transaction() as session:
        team = replace_team_members(session, team_id, agent_ids=data.agent_ids)
        return team_out(team, list_team_member_ids(session, team_id=team.id))
