"""Insights jobs: keep `conversation_facts` up to date as conversations and their outcomes change.

`insights.refresh_facts` runs every GOODWILL_INSIGHTS_REFRESH_SECONDS: the worker queues it once
a minute and a run queues the next one itself when the interval is shorter; a run that comes
too soon after the last does nothing. While a backlog waits (an upgrade, an import), each run
takes one bounded batch and queues the next after a rest as long as it worked."""

import time
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from goodwill.core.jobs.enqueue import enqueue
from goodwill.core.jobs.registry import Every, JobContext, job, periodic
from goodwill.insights.models import InsightMark
from goodwill.insights.services.facts import sweep_facts
from goodwill.insights.services.facts_sweep import LOCK_MARK, SETTLE, SWEEP_LIMIT
from goodwill.quality.jobs import reading_outside_the_write_lock

REFRESH_FACTS_JOB = "insights.refresh_facts"
TICK = timedelta(minutes=1)
DUTY = 0.5  # with a backlog, rest as long as each run worked
EARLY = timedelta(seconds=1)  # a run this much early still counts as on time


@job(REFRESH_FACTS_JOB)
def refresh_facts_job(context: JobContext, payload: dict[str, Any]) -> None:
    """Refresh the facts of conversations changed since the last run (one bounded batch)."""
    interval = timedelta(seconds=int(getattr(context.settings, "insights_refresh_seconds", 60)))
    limit = int(payload.get("limit", SWEEP_LIMIT))
    settle = timedelta(seconds=float(payload.get("settle_seconds", SETTLE.total_seconds())))
    started = time.monotonic()
    with reading_outside_the_write_lock(context.session) as reader:
        if not payload.get("backlog") and _ran_within(reader, context.now, interval - EARLY):
            return
        result = sweep_facts(
            context.session, now=context.now, limit=limit, settle=settle, reader=reader
        )
    if result.more:
        worked = timedelta(seconds=time.monotonic() - started)
        _queue_next(context, {"limit": limit, "backlog": True}, context.now + worked / DUTY)
    elif interval < TICK:
        _queue_next(context, {"limit": limit}, context.now + interval)


def _ran_within(session: Session, now: datetime, interval: timedelta) -> bool:
    lock = session.get(InsightMark, LOCK_MARK)
    return lock is not None and now - lock.updated_at < interval and lock.updated_at <= now


def _queue_next(context: JobContext, payload: dict[str, Any], run_after: datetime) -> None:
    enqueue(
        context.session,
        REFRESH_FACTS_JOB,
        payload,
        now=context.now,
        run_after=run_after,
        dedupe_key=f"{REFRESH_FACTS_JOB}:after:{context.job_id}",
        max_attempts=3,
    )


periodic(Every(TICK, REFRESH_FACTS_JOB))
