"""JSON shapes of the close-the-loop API: follow-up tasks for low ratings."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from goodwill.surveys.services.loop import MAX_NOTE_CHARS, LoopTaskView
from goodwill.web.schemas import PartialUpdate

TaskStatus = Literal["open", "done"]


class LoopTaskUpdate(PartialUpdate):
    """Only the fields sent change; status done stamps done_at, open clears it."""

    NOT_NULL = ("status", "note")

    status: TaskStatus | None = None
    note: str | None = Field(default=None, max_length=MAX_NOTE_CHARS)


class LoopTaskOut(BaseModel):
    id: int
    reason: str = Field(
        description="low_csat (CSAT 1-2), detractor (NPS 0-6), hard_effort (CES 1-3)"
    )
    status: TaskStatus
    note: str
    created_at: datetime
    done_at: datetime | None
    assignee_id: int | None
    assignee_name: str | None
    conversation_id: int | None
    reference: str | None
    subject: str | None
    customer_id: int
    customer_name: str
    response_id: int
    kind: str
    score: int
    comment: str
    reasons: list[str]
    answered_at: datetime
    updated_at: datetime


def loop_task_out(view: LoopTaskView) -> LoopTaskOut:
    task, response = view.task, view.response
    return LoopTaskOut(
        id=task.id,
        reason=task.reason,
        status="done" if task.status == "done" else "open",
        note=task.note,
        created_at=task.created_at,
        done_at=task.done_at,
        assignee_id=task.assignee_id,
        assignee_name=view.assignee_name,
        conversation_id=task.conversation_id,
        reference=view.reference,
        subject=view.subject,
        customer_id=task.customer_id,
        customer_name=view.customer_name,
        response_id=response.id,
        kind=str(response.kind),
        score=response.score,
        comment=response.comment,
        reasons=list(response.reasons or []),
        answered_at=response.answered_at,
        updated_at=response.updated_at,
    )
