"""Survey jobs: invite after resolution/close, send what is due, relationship NPS daily and
the email of each relationship NPS invitation."""

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from goodwill.core.jobs.models import Job
from goodwill.core.jobs.registry import Every, JobContext, job, periodic
from goodwill.surveys.services.relationship import EMAIL_JOB, schedule_relationship
from goodwill.surveys.services.relationship_mail import send_relationship_email
from goodwill.surveys.services.schedule import schedule_finished
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


@job(EMAIL_JOB)
def send_relationship_invitation(context: JobContext, payload: dict[str, Any]) -> None:
    """Mail one relationship NPS invitation; skips it once sent, suppressed or expired."""
    send_relationship_email(
        context.session,
        int(payload["invitation_id"]),
        settings=context.settings,
        now=context.now,
        last_attempt=_is_last_attempt(context),
    )


def _is_last_attempt(context: JobContext) -> bool:
    max_attempts = context.session.scalar(select(Job.max_attempts).where(Job.id == context.job_id))
    return max_attempts is not None and context.attempt >= max_attempts


periodic(Every(timedelta(minutes=1), SCHEDULE_JOB))
periodic(Every(timedelta(minutes=1), SEND_DUE_JOB))
periodic(Every(timedelta(days=1), RELATIONSHIP_JOB))
