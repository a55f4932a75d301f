"""Housekeeping for the job table: finished jobs are kept a week, then deleted."""

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from goodwill.core.jobs.models import Job, JobStatus
from goodwill.core.jobs.registry import Every, JobContext, job, periodic

PURGE_JOB = "core.purge_finished_jobs"
KEEP_FINISHED = timedelta(days=7)


def purge_finished_jobs(session: Session, *, now: datetime, keep: timedelta = KEEP_FINISHED) -> int:
    """Delete jobs that finished (done) before `now - keep`; dead jobs stay for inspection."""
    result = session.execute(
        delete(Job).where(Job.status == JobStatus.DONE, Job.finished_at < now - keep)
    )
    return int(getattr(result, "rowcount", 0) or 0)


@job(PURGE_JOB)
def purge_finished_jobs_job(context: JobContext, payload: dict[str, Any]) -> None:  # noqa: ARG001
    purge_finished_jobs(context.session, now=context.now)


periodic(Every(timedelta(hours=1), PURGE_JOB))
