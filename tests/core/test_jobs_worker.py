"""The job queue: enqueue with the change, retries with backoff, dead jobs, many workers."""

import threading
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import delete, select

from goodwill.core.clock import FixedClock
from goodwill.core.db import Database
from goodwill.core.jobs.backoff import retry_delay
from goodwill.core.jobs.enqueue import enqueue
from goodwill.core.jobs.maintenance import purge_finished_jobs
from goodwill.core.jobs.models import Job, JobStatus
from goodwill.core.jobs.registry import JobContext, job
from goodwill.core.jobs.worker import Worker, drain_jobs
from goodwill.settings import Settings

ran: Counter[int] = Counter()
ran_lock = threading.Lock()
failures_left: dict[int, int] = {}


@job("tests.record")
def record(context: JobContext, payload: dict[str, Any]) -> None:
    with ran_lock:
        ran[int(payload["n"])] += 1


@job("tests.flaky")
def flaky(context: JobContext, payload: dict[str, Any]) -> None:
    key = int(payload["n"])
    if failures_left.get(key, 0) > 0:
        failures_left[key] -= 1
        raise RuntimeError("temporary failure")
    with ran_lock:
        ran[key] += 1


@pytest.fixture(autouse=True)
def _reset() -> None:
    ran.clear()
    failures_left.clear()


@pytest.mark.parametrize(("attempt", "seconds"), [(1, 5), (2, 10), (3, 20), (20, 3600)])
def test_retry_delay_doubles_and_is_capped(attempt: int, seconds: int) -> None:
    assert retry_delay(attempt) == timedelta(seconds=seconds)


def test_job_enqueued_in_rolled_back_transaction_never_runs(
    database: Database, clock: FixedClock, settings: Settings
) -> None:
    def failing_change() -> None:
        with database.transaction() as session:
            enqueue(session, "tests.record", {"n": 1}, now=clock.now())
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        failing_change()
    drain_jobs(Worker(database, clock=clock, settings=settings))
    assert ran[1] == 0


def test_dedupe_key_enqueues_once(
    database: Database, clock: FixedClock, settings: Settings
) -> None:
    with database.transaction() as session:
        first = enqueue(session, "tests.record", {"n": 2}, now=clock.now(), dedupe_key="k")
        second = enqueue(session, "tests.record", {"n": 2}, now=clock.now(), dedupe_key="k")
        assert first.id == second.id
    drain_jobs(Worker(database, clock=clock, settings=settings))
    assert ran[2] == 1


def test_future_job_waits_for_its_time(
    database: Database, clock: FixedClock, settings: Settings
) -> None:
    with database.transaction() as session:
        enqueue(
            session,
            "tests.record",
            {"n": 3},
            now=clock.now(),
            run_after=clock.now() + timedelta(hours=1),
        )
    worker = Worker(database, clock=clock, settings=settings)
    drain_jobs(worker)
    assert ran[3] == 0
    clock.advance(timedelta(hours=1))
    drain_jobs(worker)
    assert ran[3] == 1


def test_failed_job_retries_with_backoff_then_succeeds(
    database: Database, clock: FixedClock, settings: Settings
) -> None:
    failures_left[4] = 2
    with database.transaction() as session:
        job_id = enqueue(session, "tests.flaky", {"n": 4}, now=clock.now()).id
    worker = Worker(database, clock=clock, settings=settings)
    drain_jobs(worker)
    with database.reader() as session:
        row = session.get(Job, job_id)
        assert row is not None and row.status == JobStatus.QUEUED and row.attempts == 1
        assert row.last_error and "temporary failure" in row.last_error
    clock.advance(timedelta(seconds=5))
    drain_jobs(worker)
    clock.advance(timedelta(seconds=10))
    drain_jobs(worker)
    assert ran[4] == 1
    with database.reader() as session:
        row = session.get(Job, job_id)
        assert row is not None and row.status == JobStatus.DONE and row.attempts == 3


def test_job_is_dead_after_max_attempts(
    database: Database, clock: FixedClock, settings: Settings
) -> None:
    failures_left[5] = 100
    with database.transaction() as session:
        job_id = enqueue(session, "tests.flaky", {"n": 5}, now=clock.now(), max_attempts=2).id
    worker = Worker(database, clock=clock, settings=settings)
    for _ in range(3):
        drain_jobs(worker)
        clock.advance(timedelta(hours=1))
    with database.reader() as session:
        row = session.get(Job, job_id)
        assert row is not None and row.status == JobStatus.DEAD and row.attempts == 2


def test_unknown_job_name_fails_without_stopping_others(
    database: Database, clock: FixedClock, settings: Settings
) -> None:
    with database.transaction() as session:
        enqueue(session, "tests.no_such_job", {}, now=clock.now(), max_attempts=1)
        enqueue(session, "tests.record", {"n": 6}, now=clock.now())
    drain_jobs(Worker(database, clock=clock, settings=settings))
    assert ran[6] == 1


def test_job_of_crashed_worker_is_reclaimed_after_lease(
    database: Database, clock: FixedClock, settings: Settings
) -> None:
    with database.transaction() as session:
        enqueue(session, "tests.record", {"n": 7}, now=clock.now())
    crashed = Worker(database, clock=clock, settings=settings, worker_id="crashed")
    assert len(crashed.claim(10)) == 1  # claimed, then the process "dies"
    survivor = Worker(database, clock=clock, settings=settings, worker_id="survivor")
    assert drain_jobs(survivor) == 0
    clock.advance(timedelta(minutes=11))
    assert drain_jobs(survivor) == 1
    assert ran[7] == 1


def test_many_workers_never_run_a_job_twice(
    file_database_url: str, clock: FixedClock, settings: Settings
) -> None:
    """Four workers in threads, each with its own engine, race for 200 jobs on a real database."""
    setup = Database(file_database_url)
    with setup.transaction() as session:
        session.execute(delete(Job))
        for n in range(1000, 1200):
            enqueue(session, "tests.record", {"n": n}, now=clock.now())
    databases = [Database(file_database_url) for _ in range(4)]
    workers = [
        Worker(db, clock=clock, settings=settings, worker_id=f"w{i}")
        for i, db in enumerate(databases)
    ]
    threads = [
        threading.Thread(target=drain_jobs, args=(w,), kwargs={"max_rounds": 1000}) for w in workers
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(ran) == list(range(1000, 1200))
    assert set(ran.values()) == {1}
    with setup.reader() as session:
        statuses = set(session.scalars(select(Job.status)))
    assert statuses == {JobStatus.DONE}
    for db in [setup, *databases]:
        db.dispose()


def test_finished_jobs_are_purged_after_a_week_but_dead_ones_stay(
    database: Database, clock: FixedClock, settings: Settings
) -> None:
    failures_left[8] = 100
    with database.transaction() as session:
        session.execute(delete(Job))
        enqueue(session, "tests.record", {"n": 9}, now=clock.now())
        enqueue(session, "tests.flaky", {"n": 8}, now=clock.now(), max_attempts=1)
    drain_jobs(Worker(database, clock=clock, settings=settings))
    with database.transaction() as session:
        assert purge_finished_jobs(session, now=clock.now() + timedelta(days=6)) == 0
        assert purge_finished_jobs(session, now=clock.now() + timedelta(days=8)) == 1
        assert list(session.scalars(select(Job.status))) == [JobStatus.DEAD]
