"""Email endpoints of the JSON API: the original of a received message."""

from fastapi import APIRouter
from fastapi.responses import Response

from goodwill.conversations.access import scope_for
from goodwill.conversations.attachments import download_headers
from goodwill.mail.services.originals import get_original
from goodwill.web.deps import ApiAgent, DatabaseDep
from goodwill.web.schemas import PathId, error_responses

router = APIRouter(tags=["email"])


@router.get(
    "/messages/{message_id}/original",
    response_class=Response,
    summary="Download a received email exactly as it arrived (message/rfc822)",
    responses={
        200: {"content": {"message/rfc822": {}}, "description": "the raw email"},
        **error_responses(404),
    },
)
def get_message_original(message_id: PathId, agent: ApiAgent, database: DatabaseDep) -> Response:
    with database.reader() as session:
        original = get_original(session, message_id, scope=scope_for(session, agent))
    return Response(
        content=original.raw,
        media_type="message/rfc822",
        headers=download_headers(original.filename),
    )
