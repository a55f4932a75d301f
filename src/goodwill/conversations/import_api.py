"""POST /api/v1/imports/conversations: bring whole past conversations in, many per request."""

from fastapi import APIRouter, Response
from sqlalchemy.orm import Session

from goodwill.conversations.import_schemas import (
    ConversationImportRequest,
    ConversationImportResult,
)
from goodwill.conversations.services.import_history import import_conversations
from goodwill.web.deps import ApiManager, ClockDep, DatabaseDep
from goodwill.web.idempotency import Idempotency, create_once
from goodwill.web.schemas import error_responses

router = APIRouter(tags=["imports"])


@router.post(
    "/imports/conversations",
    status_code=201,
    response_model=ConversationImportResult,
    summary="Import past conversations with all their messages (manager or admin)",
    description=(
        "Up to 500 conversations per request, each with up to 500 messages in time order. "
        "Facts (first response, resolution), events and SLA breaches are derived as if the "
        "messages had arrived live; nothing is sent to customers. Conversations whose messages' "
        "external_id values were all imported before are skipped, so re-running an import is safe."
    ),
    responses=error_responses(400, 403, 409, 422),
)
def post_conversation_import(
    data: ConversationImportRequest,
    agent: ApiManager,
    database: DatabaseDep,
    clock: ClockDep,
    call: Idempotency,
) -> Response:
    def create(session: Session) -> ConversationImportResult:
        return import_conversations(session, request=data, actor=agent, now=clock.now())

    return create_once(database, call, payload=data, create=create, now=clock.now())
