"""Enqueue a job inside the caller's transaction, so it exists only if the change commits."""

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.core.jobs.models import Job, JobStatus


def enqueue(
    session: Session,
    name: str,
    payload: dict[str, Any],
    *,
    now: datetime,
    run_after: datetime | None = None,
    dedupe_key: str | None = None,
    max_attempts: int = 8,
) -> Job:
    """Add a job row; with a `dedupe_key` already queued or done, return that job instead."""
    if dedupe_key is not None:
        existing = session.scalar(select(Job).where(Job.dedupe_key == dedupe_key))
        if existing is not None:
            return existing
    job = Job(
        name=name,
        payload=payload,
        status=JobStatus.QUEUED,
        run_after=run_after or now,
        attempts=0,
        max_attempts=max_attempts,
        dedupe_key=dedupe_key,
        created_at=now,
    )
    session.add(job)
    session.flush()
    return job


def count_jobs(session: Session, *, name: str, status: JobStatus | None = None) -> int:
    query = select(Job.id).where(Job.name == name)
    if status is not None:
        query = query.where(Job.status == status)
    return len(session.scalars(query).all())
