"""SLA policy use-cases: create, change, list. Changes apply to due times computed afterwards."""

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from goodwill.conversations.models import SlaPolicy
from goodwill.conversations.services.sla import forget_sla_rules
from goodwill.conversations.sla_schemas import TARGET_FIELDS, SlaPolicyCreate, SlaPolicyUpdate
from goodwill.core.errors import Conflict, Invalid, NotFound

_TARGET_COLUMNS = {
    "first_response_minutes": "first_response_seconds",
    "next_response_minutes": "next_response_seconds",
    "resolution_minutes": "resolution_seconds",
}


def _seconds(minutes: int | None) -> int | None:
    return None if minutes is None else minutes * 60


def create_sla_policy(session: Session, *, data: SlaPolicyCreate, now: datetime) -> SlaPolicy:
    _check_name_is_free(session, data.name, exclude_id=None)
    policy = SlaPolicy(
        name=data.name,
        priority=data.priority,
        channel=data.channel,
        first_response_seconds=_seconds(data.first_response_minutes),
        next_response_seconds=_seconds(data.next_response_minutes),
        resolution_seconds=_seconds(data.resolution_minutes),
        position=data.position,
        is_active=True,
        created_at=now,
    )
    session.add(policy)
    session.flush()
    forget_sla_rules(session)
    return policy


def update_sla_policy(session: Session, policy_id: int, *, patch: SlaPolicyUpdate) -> SlaPolicy:
    """Change only the fields present in `patch`.

    Conversations keep the due times they have; due times computed afterwards (new
    conversations, next responses, priority changes) follow the changed policy.
    """
    policy = get_sla_policy(session, policy_id)
    fields = patch.model_fields_set
    if patch.name is not None and patch.name != policy.name:
        _check_name_is_free(session, patch.name, exclude_id=policy.id)
    for field in fields & {"name", "priority", "channel", "position", "is_active"}:
        setattr(policy, field, getattr(patch, field))
    for field in fields & set(TARGET_FIELDS):
        setattr(policy, _TARGET_COLUMNS[field], _seconds(getattr(patch, field)))
    if not has_sla_target(policy):
        raise Invalid(
            "a policy needs at least one target; keep one of "
            f"{', '.join(TARGET_FIELDS)} or deactivate it with is_active: false"
        )
    session.flush()
    forget_sla_rules(session)
    return policy


def get_sla_policy(session: Session, policy_id: int) -> SlaPolicy:
    policy = session.get(SlaPolicy, policy_id)
    if policy is None:
        raise NotFound(f"SLA policy {policy_id} does not exist")
    return policy


def list_sla_policies(session: Session) -> list[SlaPolicy]:
    """Every policy, active or not, in the order ties are broken: position, then id."""
    return list(session.scalars(select(SlaPolicy).order_by(SlaPolicy.position, SlaPolicy.id)))


def has_sla_target(policy: SlaPolicy) -> bool:
    return any(getattr(policy, column) is not None for column in _TARGET_COLUMNS.values())


def _check_name_is_free(session: Session, name: str, *, exclude_id: int | None) -> None:
    query = select(SlaPolicy.id).where(func.lower(SlaPolicy.name) == name.lower())
    if exclude_id is not None:
        query = query.where(SlaPolicy.id != exclude_id)
    if session.scalar(query) is not None:
        raise Conflict(f"an SLA policy named {name!r} already exists; choose another name")
