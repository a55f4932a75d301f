"""The agent workspace for conversations: inbox, search, the conversation page and its forms."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from goodwill.agents.models import Agent
from goodwill.agents.service import list_agents, list_teams
from goodwill.conversations.access import scope_for
from goodwill.conversations.downloads import attachment_response
from goodwill.conversations.enums import EventKind, Priority
from goodwill.conversations.models import ConversationEvent, Message, SavedReply
from goodwill.conversations.repository import (
    COUNT_CAP,
    ConversationFilters,
    InboxView,
    count_inbox_views,
    list_conversation_rows,
)
from goodwill.conversations.schemas import ConversationUpdate, MessageCreate, MessageKind
from goodwill.conversations.search import search_conversations
from goodwill.conversations.services.attachments import get_visible_attachment
from goodwill.conversations.services.detail import (
    ConversationDetail,
    get_conversation_detail,
    get_visible_conversation,
)
from goodwill.conversations.services.messages import add_message
from goodwill.conversations.services.saved_replies import list_saved_replies, render_saved_reply
from goodwill.conversations.services.update import update_conversation
from goodwill.conversations.status import ConversationStatus, allowed_transitions
from goodwill.core.clock import Clock
from goodwill.core.db import Database
from goodwill.core.errors import Invalid
from goodwill.settings import Settings
from goodwill.web.deps import ClockDep, DatabaseDep, PageAgent, PostingAgent, SettingsDep
from goodwill.web.templating import is_htmx, render

router = APIRouter()

SEARCH_LIMIT = 50
MAX_TAGS = 50
REPLY_STATUSES = (
    ConversationStatus.PENDING,
    ConversationStatus.OPEN,
    ConversationStatus.ON_HOLD,
    ConversationStatus.RESOLVED,
)
# Shown by the message itself or by the status change that caused them.
HIDDEN_EVENTS = frozenset(
    {EventKind.MESSAGE_ADDED, EventKind.NOTE_ADDED, EventKind.RESOLVED, EventKind.CLOSED}
)


@dataclass(frozen=True, slots=True)
class TimelineItem:
    at: datetime
    rank: int  # at the same instant: "created" first, then messages, then other events
    sequence: int
    message: Message | None = None
    event: ConversationEvent | None = None


@dataclass(frozen=True, slots=True)
class Workspace:
    """Everything the conversation page renders, loaded before rendering."""

    detail: ConversationDetail
    timeline: list[TimelineItem]
    agents: list[Agent]
    team_names: dict[int, str]
    saved_replies: list[SavedReply]
    status_choices: list[ConversationStatus]
    reply_statuses: list[ConversationStatus]
    reply_status_default: ConversationStatus


class ReplyForm(BaseModel):
    body: str = Field(default="", max_length=200_000)
    kind: Literal["reply", "note"] = "reply"
    status_after: ConversationStatus = ConversationStatus.PENDING

    def to_message(self) -> MessageCreate:
        if not self.body.strip():
            raise Invalid("Write a message before sending.")
        kind = MessageKind.NOTE if self.kind == "note" else MessageKind.REPLY
        status = self.status_after if kind == MessageKind.REPLY else None
        return MessageCreate(kind=kind, body_text=self.body.strip(), status_after=status)


def build_timeline(detail: ConversationDetail) -> list[TimelineItem]:
    """Messages and events merged in time order."""
    items = [TimelineItem(m.created_at, 1, m.id, message=m) for m in detail.messages]
    items += [
        TimelineItem(e.occurred_at, 0 if e.kind == EventKind.CREATED else 2, e.id, event=e)
        for e in detail.events
        if e.kind not in HIDDEN_EVENTS
    ]
    return sorted(items, key=lambda item: (item.at, item.rank, item.sequence))


def reply_status_options(
    current: ConversationStatus,
) -> tuple[list[ConversationStatus], ConversationStatus]:
    """Statuses a reply may leave the conversation in, and the default (waiting on the customer)."""
    allowed = allowed_transitions(current)
    options = [status for status in REPLY_STATUSES if status == current or status in allowed]
    if current not in options and current != ConversationStatus.NEW:
        options.insert(0, current)
    default = ConversationStatus.PENDING if ConversationStatus.PENDING in options else current
    return options, default


def _status_choices(current: ConversationStatus) -> list[ConversationStatus]:
    allowed = allowed_transitions(current)
    return [status for status in ConversationStatus if status == current or status in allowed]


def load_workspace(session: Session, conversation_id: int, *, agent: Agent) -> Workspace:
    detail = get_conversation_detail(session, conversation_id, scope=scope_for(session, agent))
    current = ConversationStatus(detail.conversation.status)
    options, default = reply_status_options(current)
    team_id = detail.conversation.team_id
    return Workspace(
        detail=detail,
        timeline=build_timeline(detail),
        agents=[candidate for candidate in list_agents(session) if candidate.is_active],
        team_names={team.id: team.name for team in list_teams(session)},
        saved_replies=[r for r in list_saved_replies(session) if r.team_id in (None, team_id)],
        status_choices=_status_choices(current),
        reply_statuses=options,
        reply_status_default=default,
    )


@dataclass(frozen=True, slots=True)
class Desk:
    """What a workspace route needs: the request, the signed-in agent, the database, the time."""

    request: Request
    agent: Agent
    database: Database
    now: datetime
    warning: timedelta  # how close an SLA due time counts as "breaching soon"
    page_size: int

    def render(self, template: str, **context: Any) -> HTMLResponse:
        return render(self.request, template, agent=self.agent, warning=self.warning, **context)


def _desk(
    request: Request, agent: Agent, database: Database, clock: Clock, settings: Settings
) -> Desk:
    warning = timedelta(minutes=settings.sla_warning_minutes)
    return Desk(request, agent, database, clock.now(), warning, settings.page_size)


def _viewing_desk(
    request: Request,
    agent: PageAgent,
    database: DatabaseDep,
    clock: ClockDep,
    settings: SettingsDep,
) -> Desk:
    return _desk(request, agent, database, clock, settings)


def _changing_desk(
    request: Request,
    agent: PostingAgent,
    database: DatabaseDep,
    clock: ClockDep,
    settings: SettingsDep,
) -> Desk:
    return _desk(request, agent, database, clock, settings)


Viewing = Annotated[Desk, Depends(_viewing_desk)]
Changing = Annotated[Desk, Depends(_changing_desk)]


@router.get("/")
def go_to_inbox() -> RedirectResponse:
    return RedirectResponse("/inbox", status_code=303)


@router.get("/inbox", response_class=HTMLResponse)
def show_inbox(
    desk: Viewing,
    view: InboxView | None = None,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> HTMLResponse:
    with desk.database.reader() as session:
        scope = scope_for(session, desk.agent)
        counts = count_inbox_views(session, scope=scope, now=desk.now, warning=desk.warning)
        chosen = view or (InboxView.MINE if counts[InboxView.MINE] else InboxView.OPEN)
        rows, next_cursor = list_conversation_rows(
            session,
            filters=ConversationFilters(view=chosen),
            scope=scope,
            cursor=cursor,
            limit=desk.page_size,
            now=desk.now,
            warning=desk.warning,
        )
    return desk.render(
        "conversations/inbox.html",
        view=chosen,
        views=list(InboxView),
        counts=counts,
        count_cap=COUNT_CAP,
        rows=rows,
        next_cursor=next_cursor,
        is_first_page=cursor is None,
    )


@router.get("/search", response_class=HTMLResponse)
def show_search(desk: Viewing, q: Annotated[str, Query(max_length=200)] = "") -> HTMLResponse:
    rows = []
    if q.strip():
        with desk.database.reader() as session:
            scope = scope_for(session, desk.agent)
            rows = search_conversations(session, query=q, scope=scope, limit=SEARCH_LIMIT)
    return desk.render("conversations/search.html", q=q, search_q=q, rows=rows, limit=SEARCH_LIMIT)


@router.get("/conversations/{conversation_id}", response_class=HTMLResponse)
def show_conversation(conversation_id: int, desk: Viewing) -> HTMLResponse:
    with desk.database.reader() as session:
        workspace = load_workspace(session, conversation_id, agent=desk.agent)
    return desk.render("conversations/detail.html", ws=workspace)


@router.get("/attachments/{attachment_id}")
def download_attachment(attachment_id: int, agent: PageAgent, database: DatabaseDep) -> Response:
    with database.reader() as session:
        attachment = get_visible_attachment(session, attachment_id, scope=scope_for(session, agent))
        return attachment_response(attachment)


def _after_change(
    desk: Desk, conversation_id: int, *, toast: str, refresh_composer: bool = False
) -> Response:
    """HTMX: the refreshed timeline, header and side panel, plus a toast. Otherwise a redirect."""
    if not is_htmx(desk.request):
        return RedirectResponse(f"/conversations/{conversation_id}", status_code=303)
    with desk.database.reader() as session:
        workspace = load_workspace(session, conversation_id, agent=desk.agent)
    return desk.render(
        "conversations/_refresh.html", ws=workspace, toast=toast, refresh_composer=refresh_composer
    )


@router.post("/conversations/{conversation_id}/replies")
def post_reply(
    conversation_id: int, form: Annotated[ReplyForm, Form()], desk: Changing
) -> Response:
    data = form.to_message()
    with desk.database.transaction() as session:
        conversation = get_visible_conversation(
            session, conversation_id, scope=scope_for(session, desk.agent)
        )
        add_message(session, conversation, data=data, actor=desk.agent, now=desk.now)
    toast = "Internal note added." if data.kind == MessageKind.NOTE else "Reply sent."
    return _after_change(desk, conversation_id, toast=toast, refresh_composer=True)


@router.get("/conversations/{conversation_id}/saved-reply", response_class=HTMLResponse)
def insert_saved_reply(
    conversation_id: int,
    desk: Viewing,
    saved_reply_id: Annotated[str, Query(max_length=20)] = "",
    body: Annotated[str, Query(max_length=200_000)] = "",
) -> HTMLResponse:
    """The reply textarea with the filled saved reply appended to the draft."""
    text = ""
    if saved_reply_id.strip():
        with desk.database.transaction() as session:
            conversation = get_visible_conversation(
                session, conversation_id, scope=scope_for(session, desk.agent)
            )
            text = render_saved_reply(
                session,
                saved_reply_id=_parse_id(saved_reply_id, what="saved reply"),
                conversation=conversation,
                agent=desk.agent,
            )
    combined = f"{body.rstrip()}\n\n{text}" if body.strip() and text else (text or body)
    return desk.render("conversations/_reply_body.html", body=combined, autofocus=True)


def _parse_id(text: str, *, what: str) -> int:
    if not text.strip().isdigit():
        raise Invalid(f"Choose a {what} from the list.")
    return int(text)


def parse_tags(text: str) -> list[str]:
    tags = [part.strip() for part in text.split(",") if part.strip()]
    if len(tags) > MAX_TAGS:
        raise Invalid(f"A conversation can have at most {MAX_TAGS} tags.")
    return tags


def _update(desk: Desk, conversation_id: int, patch: ConversationUpdate, toast: str) -> Response:
    with desk.database.transaction() as session:
        update_conversation(
            session,
            conversation_id,
            patch=patch,
            actor=desk.agent,
            scope=scope_for(session, desk.agent),
            now=desk.now,
        )
    return _after_change(desk, conversation_id, toast=toast)


@router.post("/conversations/{conversation_id}/status")
def change_conversation_status(
    conversation_id: int, status: Annotated[ConversationStatus, Form()], desk: Changing
) -> Response:
    return _update(desk, conversation_id, ConversationUpdate(status=status), "Status updated.")


@router.post("/conversations/{conversation_id}/assignee")
def change_conversation_assignee(
    conversation_id: int, desk: Changing, assignee_id: Annotated[str, Form(max_length=20)] = ""
) -> Response:
    chosen = _parse_id(assignee_id, what="agent") if assignee_id.strip() else None
    patch = ConversationUpdate(assignee_id=chosen)
    return _update(desk, conversation_id, patch, "Assignee updated.")


@router.post("/conversations/{conversation_id}/priority")
def change_conversation_priority(
    conversation_id: int, priority: Annotated[Priority, Form()], desk: Changing
) -> Response:
    patch = ConversationUpdate(priority=priority)
    return _update(desk, conversation_id, patch, "Priority updated.")


@router.post("/conversations/{conversation_id}/tags")
def change_conversation_tags(
    conversation_id: int, desk: Changing, tags: Annotated[str, Form(max_length=5000)] = ""
) -> Response:
    patch = ConversationUpdate(tags=parse_tags(tags))
    return _update(desk, conversation_id, patch, "Tags updated.")
