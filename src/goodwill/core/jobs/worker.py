"""The job worker: claims due jobs safely across processes, runs each in its own transaction."""

import logging
import os
import socket
import threading
import traceback
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import IntegrityError

from goodwill.core.clock import Clock
from goodwill.core.db import Database
from goodwill.core.jobs.backoff import retry_delay
from goodwill.core.jobs.models import Job, JobStatus
from goodwill.core.jobs.registry import JobContext, find_handler, periodic_schedules

log = logging.getLogger("goodwill.worker")

LEASE = timedelta(minutes=10)  # a job running longer than this is presumed crashed and re-claimed


@dataclass(frozen=True, slots=True)
class ClaimedJob:
    id: int
    name: str
    payload: dict[str, Any]
    attempts: int


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


class Worker:
    def __init__(
        self, database: Database, *, clock: Clock, settings: Any, worker_id: str | None = None
    ) -> None:
        self.database = database
        self.clock = clock
        self.settings = settings
        self.worker_id = worker_id or default_worker_id()
        self.batch_size: int = getattr(settings, "worker_batch_size", 20)

    def claim(self, limit: int) -> list[ClaimedJob]:
        """Mark up to `limit` due jobs as ours; a guarded UPDATE makes double claims impossible."""
        now = self.clock.now()
        claimable = or_(
            and_(Job.status == JobStatus.QUEUED, Job.run_after <= now),
            and_(Job.status == JobStatus.RUNNING, Job.locked_at < now - LEASE),
        )
        with self.database.transaction() as session:
            candidates = (
                select(Job.id).where(claimable).order_by(Job.run_after, Job.id).limit(limit)
            )
            if self.database.dialect == "postgresql":
                candidates = candidates.with_for_update(skip_locked=True)
            ids = list(session.scalars(candidates))
            if not ids:
                return []
            rows = session.execute(
                update(Job)
                .where(Job.id.in_(ids), claimable)
                .values(
                    status=JobStatus.RUNNING,
                    locked_by=self.worker_id,
                    locked_at=now,
                    attempts=Job.attempts + 1,
                )
                .returning(Job.id, Job.name, Job.payload, Job.attempts)
                .execution_options(synchronize_session=False)
            ).all()
        return [ClaimedJob(row.id, row.name, dict(row.payload or {}), row.attempts) for row in rows]

    def run_claimed(self, claimed: ClaimedJob) -> bool:
        """Run one job; its effects and its 'done' mark commit together. Returns success."""
        handler = find_handler(claimed.name)
        try:
            if handler is None:
                raise LookupError(f"no handler registered for job {claimed.name!r}")
            with self.database.transaction() as session:
                now = self.clock.now()
                context = JobContext(session, now, claimed.id, claimed.attempts, self.settings)
                handler(context, claimed.payload)
                session.execute(
                    update(Job)
                    .where(Job.id == claimed.id, Job.locked_by == self.worker_id)
                    .values(status=JobStatus.DONE, finished_at=now, locked_by=None, last_error=None)
                )
            return True
        except Exception:  # a failing job must never stop the worker
            self._record_failure(claimed, traceback.format_exc(limit=8))
            return False

    def _record_failure(self, claimed: ClaimedJob, error: str) -> None:
        now = self.clock.now()
        with self.database.transaction() as session:
            job = session.get(Job, claimed.id)
            if job is None:
                return
            job.last_error = error[-4000:]
            job.locked_by = None
            if job.attempts >= job.max_attempts:
                job.status = JobStatus.DEAD
                job.finished_at = now
                log.error("job %s (%s) is dead after %s attempts", job.id, job.name, job.attempts)
            else:
                job.status = JobStatus.QUEUED
                job.run_after = now + retry_delay(job.attempts)
                log.warning("job %s (%s) failed; retrying", job.id, job.name)

    def schedule_periodic(self) -> None:
        """Enqueue each periodic job once per interval slot; the dedupe key makes this race-free."""
        now = self.clock.now()
        for every in periodic_schedules():
            slot = int(now.timestamp() // every.interval.total_seconds())
            key = f"periodic:{every.name}:{slot}"
            try:
                with self.database.transaction() as session:
                    if session.scalar(select(Job.id).where(Job.dedupe_key == key)) is None:
                        session.add(_periodic_job(every.name, key, now))
            except IntegrityError:
                continue  # another worker enqueued this slot first

    def run_once(self) -> int:
        self.schedule_periodic()
        claimed = self.claim(self.batch_size)
        for item in claimed:
            self.run_claimed(item)
        return len(claimed)

    def run_forever(self, stop: threading.Event, *, poll_seconds: float = 1.0) -> None:
        log.info("worker %s started", self.worker_id)
        while not stop.is_set():
            try:
                ran = self.run_once()
            except Exception:
                log.exception("worker loop error; retrying")
                ran = 0
            if ran == 0:
                stop.wait(poll_seconds)


def _periodic_job(name: str, key: str, now: datetime) -> Job:
    return Job(
        name=name,
        payload={},
        status=JobStatus.QUEUED,
        run_after=now,
        attempts=0,
        max_attempts=3,
        dedupe_key=key,
        created_at=now,
    )


def drain_jobs(worker: Worker, *, max_rounds: int = 100) -> int:
    """Run due jobs until none is left (tests and the demo loader). Returns how many ran."""
    total = 0
    for _ in range(max_rounds):
        claimed = worker.claim(worker.batch_size)
        if not claimed:
            return total
        for item in claimed:
            worker.run_claimed(item)
        total += len(claimed)
    return total
