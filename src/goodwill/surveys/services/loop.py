"""Close the loop: a low rating becomes a follow-up task for a manager, and a webhook event."""

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from goodwill.agents.models import Agent, TeamMembership
from goodwill.agents.roles import Role
from goodwill.conversations.models import Conversation
from goodwill.core.errors import Invalid, NotFound
from goodwill.core.jobs.enqueue import enqueue
from goodwill.customers.models import Customer
from goodwill.surveys.answer_rules import loop_reason
from goodwill.surveys.models import LoopTask, SurveyResponse

log = logging.getLogger("goodwill.surveys")

NOTIFY_WEBHOOK_JOB = "surveys.notify_webhook"
LOW_RATING_EVENT = "survey.low_rating"
TASK_STATUSES = ("open", "done")
MAX_NOTE_CHARS = 4000


def find_follow_up_manager(session: Session, conversation: Conversation | None) -> int | None:
    """A manager of the conversation's team; else any manager (then admin); else nobody."""
    active_leads = (Agent.is_active.is_(True), Agent.role.in_([Role.MANAGER, Role.ADMIN]))
    if conversation is not None and conversation.team_id is not None:
        team_manager = session.scalar(
            select(Agent.id)
            .join(TeamMembership, TeamMembership.agent_id == Agent.id)
            .where(TeamMembership.team_id == conversation.team_id, Agent.role == Role.MANAGER)
            .where(Agent.is_active.is_(True))
            .order_by(Agent.id)
            .limit(1)
        )
        if team_manager is not None:
            return team_manager
    managers_first = case((Agent.role == Role.MANAGER, 0), else_=1)
    return session.scalar(
        select(Agent.id).where(*active_leads).order_by(managers_first, Agent.id).limit(1)
    )


def sync_loop_task(
    session: Session, response: SurveyResponse, *, now: datetime, webhook_url: str | None
) -> LoopTask | None:
    """Keep the response's follow-up task in step with its score.

    A low score creates the task once (and queues the webhook when one is configured). A later
    low score keeps it. When the customer raises the score, an open task nobody has written a
    note on is removed; a task a manager is working on or has finished stays."""
    task = session.scalar(select(LoopTask).where(LoopTask.response_id == response.id))
    reason = loop_reason(response.kind, response.score)
    if reason is None:
        if task is not None and task.status == "open" and not task.note.strip():
            session.delete(task)
            session.flush()
            return None
        return task
    if task is not None:
        task.reason = reason
        session.flush()
        return task
    conversation = (
        session.get(Conversation, response.conversation_id) if response.conversation_id else None
    )
    task = LoopTask(
        response_id=response.id,
        conversation_id=response.conversation_id,
        customer_id=response.customer_id,
        assignee_id=find_follow_up_manager(session, conversation),
        reason=reason,
        status="open",
        note="",
        created_at=now,
    )
    session.add(task)
    session.flush()
    if webhook_url:
        enqueue(session, NOTIFY_WEBHOOK_JOB, {"response_id": response.id}, now=now)
    return task


def low_rating_event(session: Session, response: SurveyResponse) -> dict[str, Any]:
    """The JSON body of the survey.low_rating webhook."""
    conversation = (
        session.get(Conversation, response.conversation_id) if response.conversation_id else None
    )
    return {
        "event": LOW_RATING_EVENT,
        "kind": str(response.kind),
        "score": response.score,
        "comment": response.comment,
        "reasons": list(response.reasons or []),
        "conversation_id": response.conversation_id,
        "reference": conversation.reference if conversation else None,
        "customer_id": response.customer_id,
        "answered_at": response.answered_at.isoformat(),
    }


@dataclass(frozen=True, slots=True)
class LoopTaskView:
    task: LoopTask
    response: SurveyResponse
    reference: str | None
    subject: str | None
    customer_name: str
    assignee_name: str | None


def list_loop_tasks(
    session: Session,
    *,
    status: str | None = None,
    assignee_id: int | None = None,
    limit: int = 100,
    task_id: int | None = None,
) -> list[LoopTaskView]:
    """Follow-up tasks, open ones first, newest first, with what a manager needs to act."""
    if status is not None and status not in TASK_STATUSES:
        raise Invalid(f"status must be one of {list(TASK_STATUSES)}, not {status!r}")
    query = (
        select(LoopTask, SurveyResponse, Conversation, Customer, Agent)
        .join(SurveyResponse, SurveyResponse.id == LoopTask.response_id)
        .join(Customer, Customer.id == LoopTask.customer_id)
        .outerjoin(Conversation, Conversation.id == LoopTask.conversation_id)
        .outerjoin(Agent, Agent.id == LoopTask.assignee_id)
        .order_by(case((LoopTask.status == "open", 0), else_=1), LoopTask.created_at.desc())
        .order_by(LoopTask.id.desc())
        .limit(limit)
    )
    if status is not None:
        query = query.where(LoopTask.status == status)
    if assignee_id is not None:
        query = query.where(LoopTask.assignee_id == assignee_id)
    if task_id is not None:
        query = query.where(LoopTask.id == task_id)
    return [
        LoopTaskView(
            task=task,
            response=response,
            reference=conversation.reference if conversation else None,
            subject=conversation.subject if conversation else None,
            customer_name=customer.name,
            assignee_name=assignee.name if assignee else None,
        )
        for task, response, conversation, customer, assignee in session.execute(query).all()
    ]


def find_loop_task(session: Session, task_id: int) -> LoopTaskView:
    views = list_loop_tasks(session, task_id=task_id, limit=1)
    if not views:
        raise NotFound(f"follow-up task {task_id} does not exist")
    return views[0]


def update_loop_task(
    session: Session, task_id: int, *, status: str | None, note: str | None, now: datetime
) -> LoopTask:
    """Mark a follow-up done (or open again) and keep the manager's note."""
    task = session.get(LoopTask, task_id)
    if task is None:
        raise NotFound(f"follow-up task {task_id} does not exist")
    if note is not None:
        text = note.replace("\x00", "").strip()
        if len(text) > MAX_NOTE_CHARS:
            raise Invalid(f"the note has {len(text)} characters; keep it to {MAX_NOTE_CHARS}")
        task.note = text
    if status is not None:
        if status not in TASK_STATUSES:
            raise Invalid(f"status must be one of {list(TASK_STATUSES)}, not {status!r}")
        if status != task.status:
            task.status = status
            task.done_at = now if status == "done" else None
    session.flush()
    return task
