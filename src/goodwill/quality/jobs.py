"""Quality job handlers: score conversations as they change, re-score history in id ranges.

Re-scoring runs as chains: each `quality.rescore_range` job scores one small id range and
queues the next range when it commits. Only a few re-scoring jobs are ever queued, so a reply
to deliver (queued later) waits for at most one range, never for the whole history."""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from goodwill.core.db import make_engine
from goodwill.core.jobs.enqueue import enqueue
from goodwill.core.jobs.models import Job, JobStatus
from goodwill.core.jobs.registry import Every, JobContext, job, periodic
from goodwill.quality.services.sweep import (
    SWEEP_LIMIT,
    RescorePlan,
    plan_rescore,
    rescore_range,
    sweep_changed,
)

SCORE_CHANGED_JOB = "quality.score_changed"
RESCORE_RANGE_JOB = "quality.rescore_range"
RESCORE_CHUNK = 500  # ids per re-scoring job; only its saving holds the write lock
MAX_CHAINS = 8
RESCORE_DUTY = 0.5  # share of time a chain works; it rests as long as each job took


@lru_cache(maxsize=4)
def _read_engine(url: str) -> Engine:
    return make_engine(url, writer=False)


@contextmanager
def reading_outside_the_write_lock(session: Session) -> Iterator[Session]:
    """A session for the heavy part of a job: reading and scoring.

    A SQLite write transaction locks the whole database from its first statement, so there
    the job reads in a separate read-only session and its own transaction only saves (a few
    milliseconds under the lock). PostgreSQL readers block no writer, and tests bound to one
    connection must see their own rows: there the job's session reads too."""
    bind = session.get_bind()
    if not isinstance(bind, Engine) or bind.dialect.name != "sqlite":
        yield session
        return
    reader = Session(_read_engine(bind.url.render_as_string(hide_password=False)))
    try:
        yield reader
    finally:
        reader.close()


@job(SCORE_CHANGED_JOB)
def score_changed(context: JobContext, payload: dict[str, Any]) -> None:
    """Score conversations changed since their last score. If more are waiting (a backlog after
    an upgrade, an import or the demo), queue the next run after a rest as long as this one;
    not while a re-scoring chain runs (it scores the backlog too; both would leave no rest)."""
    limit = int(payload.get("limit", SWEEP_LIMIT))
    started = time.monotonic()
    with reading_outside_the_write_lock(context.session) as reader:
        result = sweep_changed(context.session, now=context.now, limit=limit, reader=reader)
    if result.more and not rescore_in_progress(context.session):
        worked = timedelta(seconds=time.monotonic() - started)
        enqueue(
            context.session,
            SCORE_CHANGED_JOB,
            {"limit": limit},
            now=context.now,
            run_after=context.now + worked / RESCORE_DUTY,
            dedupe_key=f"{SCORE_CHANGED_JOB}:after:{context.job_id}",
            max_attempts=3,
        )


def rescore_in_progress(session: Session) -> bool:
    waiting = select(Job.id).where(
        Job.status.in_((JobStatus.QUEUED, JobStatus.RUNNING)), Job.name == RESCORE_RANGE_JOB
    )
    return session.scalar(waiting.limit(1)) is not None


@job(RESCORE_RANGE_JOB)
def rescore_range_job(context: JobContext, payload: dict[str, Any]) -> None:
    """Score one id range, then queue the chain's next range."""
    first_id, last_id, end_id = (int(payload[key]) for key in ("first_id", "last_id", "end_id"))
    since = datetime.fromisoformat(payload["since"]) if payload.get("since") else None
    force = bool(payload.get("force", False))
    duty = min(1.0, max(0.05, float(payload.get("duty", RESCORE_DUTY))))
    started = time.monotonic()
    with reading_outside_the_write_lock(context.session) as reader:
        rescore_range(
            context.session,
            first_id=first_id,
            last_id=last_id,
            now=context.now,
            since=since,
            force=force,
            reader=reader,
        )
    if last_id < end_id:
        chunk = last_id - first_id + 1
        following = rescore_payload(last_id + 1, end_id, chunk=chunk, since=since, force=force)
        worked = timedelta(seconds=time.monotonic() - started)
        enqueue(
            context.session,
            RESCORE_RANGE_JOB,
            following | {"duty": duty},
            now=context.now,
            run_after=context.now + worked / duty,  # rest as long as the work took (duty 0.5)
        )


periodic(Every(timedelta(minutes=1), SCORE_CHANGED_JOB))


def rescore_payload(
    first_id: int, end_id: int, *, chunk: int, since: datetime | None, force: bool
) -> dict[str, Any]:
    return {
        "first_id": first_id,
        "last_id": min(first_id + chunk - 1, end_id),
        "end_id": end_id,
        "since": since.isoformat() if since else None,
        "force": force,
    }


def enqueue_rescore(
    session: Session,
    *,
    now: datetime,
    since: datetime | None,
    force: bool,
    chains: int = 1,
    chunk: int = RESCORE_CHUNK,
    duty: float = RESCORE_DUTY,
) -> RescorePlan:
    """Queue re-scoring of the conversations (created since `since`), split into `chains`
    contiguous parts that run side by side (1 on SQLite, whose writes are serial anyway).
    Each chain works `duty` of the time (1.0: without rest)."""
    if not 1 <= chains <= MAX_CHAINS:
        raise ValueError(f"chains must be between 1 and {MAX_CHAINS}")
    plan = plan_rescore(session, since=since, chains=chains)
    for first_id, end_id in plan.parts:
        payload = rescore_payload(first_id, end_id, chunk=chunk, since=since, force=force)
        enqueue(session, RESCORE_RANGE_JOB, payload | {"duty": duty}, now=now)
    return plan
