"""Survey jobs: invite after resolution/close, send what is due, relationship NPS daily."""

from datetime import timedelta
from typing import Any

from goodwill.core.jobs.registry import Every, JobContext, job, periodic
from goodwill.surveys.services.schedule import schedule_finished, schedule_relationship
from goodwill.surveys.services.send import send_due

SCHEDULE_JOB = "surveys.schedule"
SEND_DUE_JOB = "surveys.send_due"
RELATIONSHIP_JOB = "surveys.relationship_nps"


@job(SCHEDULE_JOB)
def schedule(context: JobContext, payload: dict[str, Any]) -> None:
    """Create invitations for conversations resolved or closed lately (idempotent)."""
    schedule_finished(context.session, now=context.now, limit=int(payload.get("limit", 500)))


@job(SEND_DUE_JOB)
def send_due_invitations(context: JobContext, payload: dict[str, Any]) -> None:
    """Send invitations whose send_at passed, re-checking eligibility (bounded batch)."""
    send_due(
        context.session,
        settings=context.settings,
        now=context.now,
        limit=int(payload.get("limit", 200)),
    )


@job(RELATIONSHIP_JOB)
def relationship_nps(context: JobContext, payload: dict[str, Any]) -> None:
    """Invite customers active in the last N months to the relationship NPS."""
    schedule_relationship(context.session, now=context.now, limit=int(payload.get("limit", 1000)))


periodic(Every(timedelta(minutes=1), SCHEDULE_JOB))
periodic(Every(timedelta(minutes=1), SEND_DUE_JOB))
periodic(Every(timedelta(days=1), RELATIONSHIP_JOB))
