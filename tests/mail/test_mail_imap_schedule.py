"""IMAP polling on a schedule and under concurrency; errors never carry the password."""

import contextlib
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from imap_support import add_mailbox, fresh, inbound_rows, message, started_imap_server
from imap_tools.errors import MailboxLoginError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from goodwill.core.clock import FixedClock
from goodwill.core.db import Database
from goodwill.core.jobs.models import Job, JobStatus
from goodwill.core.jobs.worker import Worker, drain_jobs
from goodwill.mail.imap import ImapConfig, ImapSecurity, describe_error
from goodwill.mail.models import InboundMail, Mailbox
from goodwill.mail.services import poll
from goodwill.mail.services.poll import POLL_MAILBOX_JOB, poll_mailbox
from goodwill.settings import Settings
from support.imap_server import ImapServer


@pytest.fixture
def imap_server(tmp_path: Path) -> Iterator[ImapServer]:
    yield from started_imap_server(tmp_path)


def _mailbox_row(session: Session, clock: FixedClock, name: str, **fields: Any) -> Mailbox:
    values: dict[str, Any] = {
        "name": name,
        "host": "imap.example.test",
        "port": 993,
        "username": f"{name}@example.test",
        "password": "secret",
        "created_at": clock.now(),
    } | fields
    mailbox = Mailbox(**values)
    session.add(mailbox)
    session.flush()
    return mailbox


def _queued_polls(session: Session) -> list[int]:
    payloads = session.scalars(
        select(Job.payload).where(Job.name == POLL_MAILBOX_JOB, Job.status == JobStatus.QUEUED)
    ).all()
    return sorted(int(payload["mailbox_id"]) for payload in payloads)


def test_the_schedule_queues_one_poll_per_due_active_mailbox(
    session: Session, clock: FixedClock
) -> None:
    now = clock.now()
    never = _mailbox_row(session, clock, "never")
    recent = _mailbox_row(session, clock, "recent", last_polled_at=now - timedelta(seconds=10))
    _mailbox_row(session, clock, "off", is_active=False)
    stale = _mailbox_row(session, clock, "stale", last_polled_at=now - timedelta(minutes=2))

    poll.schedule_mailbox_polls(session, now=now, poll_seconds=60)
    assert _queued_polls(session) == [never.id, stale.id]

    clock.advance(timedelta(minutes=1))  # "recent" is due now; the others' polls still wait
    poll.schedule_mailbox_polls(session, now=clock.now(), poll_seconds=60)
    assert _queued_polls(session) == [never.id, recent.id, stale.id]


@pytest.mark.parametrize(("seconds_ago", "due"), [(280, True), (240, False)])
def test_a_mailbox_is_due_after_the_poll_interval_less_half_a_minute(
    session: Session, clock: FixedClock, seconds_ago: int, due: bool
) -> None:
    polled = clock.now() - timedelta(seconds=seconds_ago)
    mailbox = _mailbox_row(session, clock, "five-minutes", last_polled_at=polled)
    poll.schedule_mailbox_polls(session, now=clock.now(), poll_seconds=300)
    assert _queued_polls(session) == ([mailbox.id] if due else [])


def test_the_worker_polls_mailboxes_on_its_own(
    session: Session,
    database: Database,
    clock: FixedClock,
    settings: Settings,
    imap_server: ImapServer,
) -> None:
    imap_server.append(message(1), message(2))
    mailbox = add_mailbox(session, clock, imap_server)
    session.flush()
    worker = Worker(database, clock=clock, settings=settings)

    worker.schedule_periodic()
    drain_jobs(worker)

    assert [row.raw for row in inbound_rows(session)] == [message(1), message(2)]
    assert fresh(session, mailbox).last_polled_at == clock.now()


def test_an_error_that_repeats_the_password_is_redacted() -> None:
    config = ImapConfig("imap.example.test", 993, ImapSecurity.SSL, "ada", "hunter2-long")
    echoed = MailboxLoginError(("NO", [b"LOGIN ada hunter2-long rejected"]), "OK")
    text = describe_error(echoed, config)
    assert "hunter2-long" not in text
    assert text.startswith("imap.example.test:993 refused the login: LOGIN ada [password] rejected")
    assert "hunter2-long" not in repr(config)


def test_two_workers_polling_one_mailbox_at_once_store_each_message_once(
    file_database_url: str,
    clock: FixedClock,
    imap_server: ImapServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Committed transactions on a real database: the mailbox row lock makes polls take turns.

    Without Message-IDs nothing else could catch a double; each poll waits (up to 1 s) in its
    first insert for the other, so without the lock both would be mid-poll at once."""
    sent = [message(n, message_id=False) for n in range(1, 9)]
    imap_server.append(*sent)
    database = Database(file_database_url)
    with database.transaction() as session:
        mailbox_id = add_mailbox(session, clock, imap_server, name="Concurrent").id
    both_storing = threading.Barrier(2, timeout=1)
    first_insert = threading.local()
    accept = poll.accept_raw_mail

    def accept_when_both_are_here(*args: Any, **kwargs: Any) -> InboundMail:
        if not getattr(first_insert, "done", False):
            first_insert.done = True
            with contextlib.suppress(threading.BrokenBarrierError):
                both_storing.wait()
        return accept(*args, **kwargs)

    monkeypatch.setattr(poll, "accept_raw_mail", accept_when_both_are_here)
    results: list[poll.PollResult] = []

    def worker() -> None:
        with database.transaction() as session:
            results.append(poll_mailbox(session, mailbox_id, now=clock.now(), chunk_size=2))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        with database.reader() as session:
            raws = session.scalars(
                select(InboundMail.raw)
                .where(InboundMail.mailbox_id == mailbox_id)
                .order_by(InboundMail.id)
            ).all()
        assert sorted(result.stored for result in results) == [0, 8]
        assert raws == sent
    finally:
        with database.transaction() as session:
            mine = select(InboundMail.id).where(InboundMail.mailbox_id == mailbox_id)
            keys = [f"inbound-mail:{inbound_id}" for inbound_id in session.scalars(mine)]
            session.execute(delete(Job).where(Job.dedupe_key.in_(keys)))
            session.execute(delete(InboundMail).where(InboundMail.mailbox_id == mailbox_id))
            session.execute(delete(Mailbox).where(Mailbox.id == mailbox_id))
        database.dispose()
