"""JSON routes for survey templates, an agent's survey request and the survey figures."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.conversations.access import scope_for
from goodwill.conversations.services.detail import get_visible_conversation
from goodwill.surveys.models import SurveyInvitation, SurveyResponse
from goodwill.surveys.schemas import (
    InvitationOut,
    Kind,
    StatsOut,
    SurveyRequest,
    TemplateOut,
    TemplateUpdate,
)
from goodwill.surveys.services.schedule import request_survey
from goodwill.surveys.services.send import send_invitation
from goodwill.surveys.services.stats import stats_period, survey_stats
from goodwill.surveys.services.templates import list_templates, update_template
from goodwill.web.deps import ApiAgent, ClockDep, DatabaseDep, SettingsDep, api_manager
from goodwill.web.idempotency import Idempotency, create_once
from goodwill.web.schemas import PathId, error_responses
from goodwill.web.text_guard import reject_nul_characters

router = APIRouter(tags=["Surveys"], dependencies=[Depends(reject_nul_characters)])
MANAGERS = [Depends(api_manager)]


@router.get(
    "/surveys/templates",
    response_model=list[TemplateOut],
    summary="The CSAT, NPS and CES templates: questions, labels, reasons, rules (manager)",
    dependencies=MANAGERS,
    responses=error_responses(403),
)
def get_templates(database: DatabaseDep, clock: ClockDep) -> list[TemplateOut]:
    with database.transaction() as session:  # created with the defaults on first use
        return [TemplateOut.model_validate(row) for row in list_templates(session, now=clock.now())]


@router.patch(
    "/surveys/templates/{kind}",
    response_model=TemplateOut,
    summary="Change a template's question, labels, reasons or sending rules (manager)",
    description="Only the fields sent change. Labels are keyed by score on the kind's scale.",
    dependencies=MANAGERS,
    responses=error_responses(403),
)
def patch_template(
    kind: Annotated[Kind, Path()], data: TemplateUpdate, database: DatabaseDep, clock: ClockDep
) -> TemplateOut:
    with database.transaction() as session:
        row = update_template(session, kind, data.changes(), now=clock.now())
        return TemplateOut.model_validate(row)


@router.post(
    "/conversations/{conversation_id}/surveys",
    response_model=InvitationOut,
    status_code=201,
    summary="Send a survey now for a resolved or closed conversation (agent)",
    description="Sampling and the customer's cool-down do not apply to an agent's request; "
    "spam, internal-only and auto-reply-only conversations are refused (409), as is a second "
    "survey of the same kind.",
    responses=error_responses(404, 409),
)
def post_survey(
    conversation_id: PathId,
    data: SurveyRequest,
    agent: ApiAgent,
    database: DatabaseDep,
    clock: ClockDep,
    settings: SettingsDep,
    call: Idempotency,
) -> Response:
    def create(session: Session) -> InvitationOut:
        conversation = get_visible_conversation(
            session, conversation_id, scope=scope_for(session, agent)
        )
        invitation = request_survey(
            session, conversation, data.kind, agent_id=agent.id, now=clock.now()
        )
        send_invitation(session, invitation, settings=settings, now=clock.now())
        return InvitationOut.model_validate(invitation)

    return create_once(database, call, payload=data, create=create, now=clock.now())


@router.get(
    "/conversations/{conversation_id}/surveys",
    response_model=list[InvitationOut],
    summary="The survey invitations of a conversation and their answers, oldest first",
    responses=error_responses(404),
)
def get_surveys(
    conversation_id: PathId, agent: ApiAgent, database: DatabaseDep
) -> list[InvitationOut]:
    with database.reader() as session:
        get_visible_conversation(session, conversation_id, scope=scope_for(session, agent))
        return conversation_invitations(session, conversation_id)


def conversation_invitations(session: Session, conversation_id: int) -> list[InvitationOut]:
    rows = session.execute(
        select(SurveyInvitation, SurveyResponse.score, SurveyResponse.answered_at)
        .outerjoin(SurveyResponse, SurveyResponse.invitation_id == SurveyInvitation.id)
        .where(SurveyInvitation.conversation_id == conversation_id)
        .order_by(SurveyInvitation.created_at, SurveyInvitation.id)
    ).all()
    return [
        InvitationOut.model_validate(invitation).model_copy(
            update={"score": score, "answered_at": answered_at}
        )
        for invitation, score, answered_at in rows
    ]


@router.get(
    "/surveys/stats",
    response_model=StatsOut,
    summary="Response rate, coverage, CSAT, NPS and CES over [start, end) (manager)",
    description="Response rate counts invitations sent in the period; coverage counts "
    "conversations resolved in the period; scores count answers given in the period. "
    "Percentages are null when there is nothing to divide by.",
    dependencies=MANAGERS,
    responses=error_responses(403),
)
def get_stats(
    database: DatabaseDep,
    clock: ClockDep,
    start: Annotated[datetime | None, Query(description="default: end - 30 days")] = None,
    end: Annotated[datetime | None, Query(description="default: now")] = None,
) -> StatsOut:
    period_start, period_end = stats_period(start, end, now=clock.now())
    with database.reader() as session:
        report = survey_stats(session, start=period_start, end=period_end)
    return StatsOut.model_validate(report)
