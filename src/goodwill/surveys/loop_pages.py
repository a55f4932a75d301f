"""The follow-ups page: managers see low ratings to act on and mark them done with a note."""

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from goodwill.agents.models import Agent
from goodwill.agents.roles import Role
from goodwill.surveys.answer_schemas import TaskStatus
from goodwill.surveys.services.loop import MAX_NOTE_CHARS, list_loop_tasks, update_loop_task
from goodwill.web.deps import ClockDep, DatabaseDep, PageAgent, PostingAgent, require_role
from goodwill.web.schemas import PathId
from goodwill.web.templating import render

router = APIRouter()
REASON_LABELS = {
    "low_csat": "Low CSAT",
    "detractor": "NPS detractor",
    "hard_effort": "Hard effort (CES)",
}


def _page_manager(agent: PageAgent) -> Agent:
    require_role(agent, Role.MANAGER)
    return agent


def _posting_manager(agent: PostingAgent) -> Agent:
    require_role(agent, Role.MANAGER)
    return agent


PageManager = Annotated[Agent, Depends(_page_manager)]


@router.get("/surveys/follow-ups", response_class=HTMLResponse)
def show_follow_ups(
    request: Request,
    agent: PageManager,
    database: DatabaseDep,
    status: Annotated[TaskStatus, Query()] = "open",
) -> Response:
    with database.reader() as session:
        views = list_loop_tasks(session, status=status, limit=100)
    return render(
        request,
        "surveys/follow_ups.html",
        agent=agent,
        views=views,
        status=status,
        reason_labels=REASON_LABELS,
        max_note=MAX_NOTE_CHARS,
    )


@router.post("/surveys/follow-ups/{task_id}", dependencies=[Depends(_posting_manager)])
def save_follow_up(
    task_id: PathId,
    database: DatabaseDep,
    clock: ClockDep,
    status: Annotated[TaskStatus, Form()],
    note: Annotated[str, Form(max_length=MAX_NOTE_CHARS)] = "",
) -> Response:
    with database.transaction() as session:
        update_loop_task(session, task_id, status=status, note=note, now=clock.now())
    back = "done" if status == "open" else "open"
    return RedirectResponse(f"/surveys/follow-ups?status={back}", status_code=303)
