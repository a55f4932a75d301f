"""Every real message of the shared corpus through the live intake: stored or rejected with a
reason by the worker, none crashing a job or blocking the next. Skips without ../shared/data."""

from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from goodwill.core.clock import FixedClock
from goodwill.core.db import Database
from goodwill.core.jobs.models import Job, JobStatus
from goodwill.core.jobs.worker import Worker, drain_jobs
from goodwill.mail.models import InboundMail, InboundStatus
from goodwill.mail.services.accept import PROCESS_INBOUND_JOB, accept_raw_mail
from goodwill.settings import Settings

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "data" / "email_corpus"
pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/data/email_corpus is absent")


def corpus_messages() -> list[Path]:
    return sorted(
        path
        for path in CORPUS.rglob("*")
        if path.is_file() and not path.name.startswith("LICENSE") and path.name != "mbox.src"
    )


def test_every_corpus_message_is_filed_or_rejected_with_a_reason(
    database: Database, clock: FixedClock, settings: Settings
) -> None:
    files = corpus_messages()
    assert len(files) >= 180
    with database.transaction() as session:
        for path in files:
            accept_raw_mail(session, path.read_bytes(), source="smtp", now=clock.now())
    drain_jobs(Worker(database, clock=clock, settings=settings), max_rounds=1000)
    with database.reader() as session:
        jobs = Counter(
            session.scalars(select(Job.status).where(Job.name == PROCESS_INBOUND_JOB)).all()
        )
        rows = session.scalars(select(InboundMail)).all()
        outcomes = Counter(row.status for row in rows)
        unexplained = [
            row.id for row in rows if row.status == InboundStatus.REJECTED and not row.reason
        ]
        failed_deliveries = session.scalars(
            select(Job.last_error).where(Job.last_error.is_not(None))
        ).all()
        orphan_duplicates = [
            row.id
            for row in rows
            if row.status == InboundStatus.DUPLICATE and row.conversation_id is None
        ]
    assert jobs == {JobStatus.DONE: len(files)}  # no job failed, retried or died
    assert failed_deliveries == []  # every acknowledgement could be composed and sent
    assert outcomes[InboundStatus.PENDING] == 0
    assert unexplained == []
    assert orphan_duplicates == []
    # Library fixtures reuse Message-IDs across variants of one message: those are stored once.
    assert outcomes[InboundStatus.STORED] >= 90
    assert outcomes[InboundStatus.DUPLICATE] >= 40
    assert outcomes[InboundStatus.BOUNCE] >= 10
