"""JSON routes to close the loop: managers list follow-up tasks for low ratings and finish them."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from goodwill.surveys.answer_schemas import LoopTaskOut, LoopTaskUpdate, TaskStatus, loop_task_out
from goodwill.surveys.services.loop import find_loop_task, list_loop_tasks, update_loop_task
from goodwill.web.deps import ClockDep, DatabaseDep, api_manager
from goodwill.web.schemas import MAX_ID, PageLimit, PathId, error_responses
from goodwill.web.text_guard import reject_nul_characters

router = APIRouter(tags=["Survey follow-ups"], dependencies=[Depends(reject_nul_characters)])
MANAGERS = [Depends(api_manager)]


@router.get(
    "/surveys/loop-tasks",
    response_model=list[LoopTaskOut],
    summary="Follow-ups for low ratings, open first, newest first (manager)",
    description="A CSAT of 1-2, an NPS detractor (0-6) or a CES of 1-3 creates one task, "
    "assigned to a manager of the conversation's team (else any manager, else an admin).",
    dependencies=MANAGERS,
    responses=error_responses(403),
)
def get_loop_tasks(
    database: DatabaseDep,
    status: Annotated[TaskStatus | None, Query(description="open or done; omit for both")] = None,
    assignee_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    limit: PageLimit = 100,
) -> list[LoopTaskOut]:
    with database.reader() as session:
        views = list_loop_tasks(session, status=status, assignee_id=assignee_id, limit=limit)
    return [loop_task_out(view) for view in views]


@router.patch(
    "/surveys/loop-tasks/{task_id}",
    response_model=LoopTaskOut,
    summary="Mark a follow-up done (or open again) and keep a note (manager)",
    dependencies=MANAGERS,
    responses=error_responses(400, 403, 404),
)
def patch_loop_task(
    task_id: PathId, data: LoopTaskUpdate, database: DatabaseDep, clock: ClockDep
) -> LoopTaskOut:
    with database.transaction() as session:
        update_loop_task(session, task_id, status=data.status, note=data.note, now=clock.now())
        return loop_task_out(find_loop_task(session, task_id))
