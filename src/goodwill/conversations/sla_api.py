"""JSON routes for SLA policies (anyone reads; admins create and change them)."""

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from sqlalchemy.orm import Session

from goodwill.channels.kinds import ChannelKind
from goodwill.conversations.enums import Priority
from goodwill.conversations.models import SlaPolicy
from goodwill.conversations.services.sla_policies import (
    create_sla_policy,
    list_sla_policies,
    update_sla_policy,
)
from goodwill.conversations.sla_schemas import SlaPolicyCreate, SlaPolicyOut, SlaPolicyUpdate
from goodwill.web.deps import ClockDep, DatabaseDep, api_admin, api_agent
from goodwill.web.idempotency import Idempotency, create_once
from goodwill.web.schemas import PathId, error_responses
from goodwill.web.text_guard import reject_nul_characters

router = APIRouter(tags=["SLA policies"], dependencies=[Depends(reject_nul_characters)])
AUTHENTICATED = [Depends(api_agent)]
ADMIN_ONLY = [Depends(api_admin)]
MATCHING = (
    "A conversation gets the most specific active policy: priority and channel, then priority "
    "only, then channel only, then a catch-all; ties go to the lowest position. Targets are "
    "counted in the business hours of the conversation's team (always open without a team)."
)
CHANGES_APPLY = (
    "Conversations keep the due times they already have; due times computed afterwards (new "
    "conversations, next responses, priority changes) follow the changed policy."
)


def _minutes(seconds: int | None) -> int | None:
    return None if seconds is None else seconds // 60


def sla_policy_out(policy: SlaPolicy) -> SlaPolicyOut:
    return SlaPolicyOut(
        id=policy.id,
        name=policy.name,
        priority=Priority(policy.priority) if policy.priority else None,
        channel=ChannelKind(policy.channel) if policy.channel else None,
        first_response_minutes=_minutes(policy.first_response_seconds),
        next_response_minutes=_minutes(policy.next_response_seconds),
        resolution_minutes=_minutes(policy.resolution_seconds),
        position=policy.position,
        is_active=policy.is_active,
        created_at=policy.created_at,
    )


@router.get(
    "/sla-policies",
    response_model=list[SlaPolicyOut],
    summary="List SLA policies, active and inactive, by position",
    description=MATCHING,
    dependencies=AUTHENTICATED,
    responses=error_responses(),
)
def get_sla_policies(database: DatabaseDep) -> list[SlaPolicyOut]:
    with database.reader() as session:
        return [sla_policy_out(policy) for policy in list_sla_policies(session)]


@router.post(
    "/sla-policies",
    status_code=201,
    response_model=SlaPolicyOut,
    summary="Create an SLA policy (admin)",
    description=f"{MATCHING} {CHANGES_APPLY}",
    dependencies=ADMIN_ONLY,
    responses=error_responses(400, 403, 409),
)
def post_sla_policy(
    data: SlaPolicyCreate, database: DatabaseDep, clock: ClockDep, call: Idempotency
) -> Response:
    def create(session: Session) -> SlaPolicyOut:
        return sla_policy_out(create_sla_policy(session, data=data, now=clock.now()))

    return create_once(database, call, payload=data, create=create, now=clock.now())


@router.patch(
    "/sla-policies/{policy_id}",
    response_model=SlaPolicyOut,
    summary="Change an SLA policy, or deactivate it with is_active: false (admin)",
    description=CHANGES_APPLY,
    dependencies=ADMIN_ONLY,
    responses=error_responses(400, 403, 404, 409),
)
def patch_sla_policy(
    policy_id: PathId, data: SlaPolicyUpdate, database: DatabaseDep
) -> SlaPolicyOut:
    with database.transaction() as session:
        return sla_policy_out(update_sla_policy(session, policy_id, patch=data))
