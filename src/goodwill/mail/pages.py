"""Workspace views of received email: the full text with quoted history, and the original."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from goodwill.conversations.access import scope_for
from goodwill.conversations.attachments import download_headers
from goodwill.mail.services.originals import get_full_text, get_original
from goodwill.web.deps import DatabaseDep, PageAgent, SettingsDep
from goodwill.web.templating import render

router = APIRouter()


@router.get("/messages/{message_id}/original")
def download_original(message_id: int, agent: PageAgent, database: DatabaseDep) -> Response:
    with database.reader() as session:
        original = get_original(session, message_id, scope=scope_for(session, agent))
    return Response(
        content=original.raw,
        media_type="message/rfc822",
        headers=download_headers(original.filename),
    )


@router.get("/messages/{message_id}/full", response_class=HTMLResponse)
def show_full_text(
    message_id: int,
    request: Request,
    agent: PageAgent,
    database: DatabaseDep,
    settings: SettingsDep,
) -> HTMLResponse:
    """HTMX fragment: the message text with what we hide (quoted history, signature) shown."""
    with database.reader() as session:
        full = get_full_text(
            session,
            message_id,
            scope=scope_for(session, agent),
            max_attachment_bytes=settings.max_attachment_bytes,
        )
    return render(request, "mail/_full_text.html", full=full)
