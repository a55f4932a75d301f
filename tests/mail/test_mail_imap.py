"""IMAP polling against a real dovecot: every message stored once, byte for byte, whatever fails."""

import logging
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from imap_support import add_mailbox, fresh, inbound_rows, message, started_imap_server
from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.core.clock import FixedClock
from goodwill.core.db import Database
from goodwill.core.jobs.enqueue import enqueue
from goodwill.core.jobs.models import Job, JobStatus
from goodwill.core.jobs.worker import Worker, drain_jobs
from goodwill.mail import imap
from goodwill.mail.imap import ImapSecurity
from goodwill.mail.models import InboundMail, InboundStatus
from goodwill.mail.services import poll
from goodwill.mail.services.accept import PROCESS_INBOUND_JOB
from goodwill.mail.services.poll import POLL_MAILBOX_JOB, poll_mailbox
from goodwill.settings import Settings
from support.imap_server import ImapServer


@pytest.fixture
def imap_server(tmp_path: Path) -> Iterator[ImapServer]:
    yield from started_imap_server(tmp_path)


def test_a_poll_stores_each_new_message_byte_for_byte_and_leaves_it_unseen(
    session: Session, clock: FixedClock, imap_server: ImapServer
) -> None:
    sent = [message(1), message(2, message_id=False), message(3)]
    imap_server.append(*sent)
    mailbox = add_mailbox(session, clock, imap_server)

    result = poll_mailbox(session, mailbox.id, now=clock.now())

    assert (result.stored, result.skipped, result.failed, result.error) == (3, 0, 0, None)
    rows = inbound_rows(session)
    assert [row.raw for row in rows] == sent
    assert {(row.source, row.mailbox_id, row.status) for row in rows} == {
        ("imap", mailbox.id, InboundStatus.PENDING)
    }
    assert [row.message_id_header for row in rows] == [
        "order-1@customer.example",
        None,
        "order-3@customer.example",
    ]
    queued = session.scalars(select(Job.payload).where(Job.name == PROCESS_INBOUND_JOB)).all()
    assert sorted(payload["inbound_mail_id"] for payload in queued) == [row.id for row in rows]
    with imap_server.client() as client:
        client.folder.set("INBOX")
        flags = [m.flags for m in client.fetch(mark_seen=False, headers_only=True)]
    assert len(flags) == 3 and not any("\\Seen" in each for each in flags)
    polled = fresh(session, mailbox)
    assert polled.last_uid == 3 and polled.uidvalidity is not None
    assert (polled.last_polled_at, polled.last_error) == (clock.now(), None)


def test_polling_again_fetches_nothing_then_only_what_arrived(
    session: Session, clock: FixedClock, imap_server: ImapServer
) -> None:
    imap_server.append(message(1), message(2))
    mailbox = add_mailbox(session, clock, imap_server)
    assert poll_mailbox(session, mailbox.id, now=clock.now()).stored == 2

    assert poll_mailbox(session, mailbox.id, now=clock.now()).stored == 0
    imap_server.append(message(3), message(4), message(5))
    again = poll_mailbox(session, mailbox.id, now=clock.now())

    assert (again.stored, again.skipped) == (3, 0)
    assert [row.message_id_header for row in inbound_rows(session)] == [
        f"order-{n}@customer.example" for n in range(1, 6)
    ]
    assert fresh(session, mailbox).last_uid == 5


def test_skip_existing_starts_after_the_mail_already_in_the_folder(
    session: Session, clock: FixedClock, imap_server: ImapServer
) -> None:
    imap_server.append(message(1), message(2))
    mailbox = add_mailbox(session, clock, imap_server, fetch_existing=False)
    assert mailbox.last_uid == 2
    imap_server.append(message(3))

    assert poll_mailbox(session, mailbox.id, now=clock.now()).stored == 1
    assert [row.raw for row in inbound_rows(session)] == [message(3)]


def test_a_large_folder_is_read_in_batches_by_queued_jobs(
    session: Session,
    database: Database,
    clock: FixedClock,
    settings: Settings,
    imap_server: ImapServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    imap_server.append(*(message(n) for n in range(1, 8)))
    mailbox = add_mailbox(session, clock, imap_server)
    monkeypatch.setattr(poll, "BATCH_SIZE", 3)

    first = poll_mailbox(session, mailbox.id, now=clock.now(), limit=3)
    assert (first.stored, first.more_waiting) == (3, True)
    session.flush()
    drain_jobs(Worker(database, clock=clock, settings=settings))

    assert [row.raw for row in inbound_rows(session)] == [message(n) for n in range(1, 8)]
    keys = session.scalars(select(Job.dedupe_key).where(Job.name == POLL_MAILBOX_JOB)).all()
    assert len(keys) == 2  # after UID 3, after UID 6; the last batch found nothing more
    assert fresh(session, mailbox).last_uid == 7


def test_a_crash_in_the_middle_of_a_poll_loses_nothing_and_doubles_nothing(
    session: Session,
    database: Database,
    clock: FixedClock,
    settings: Settings,
    imap_server: ImapServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    imap_server.append(*(message(n) for n in range(1, 6)))
    mailbox = add_mailbox(session, clock, imap_server)
    enqueue(session, POLL_MAILBOX_JOB, {"mailbox_id": mailbox.id}, now=clock.now())
    session.flush()
    accept, calls = poll.accept_raw_mail, []

    def crashing_accept(*args: Any, **kwargs: Any) -> InboundMail:
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("the worker died while storing the third message")
        return accept(*args, **kwargs)

    monkeypatch.setattr(poll, "accept_raw_mail", crashing_accept)
    worker = Worker(database, clock=clock, settings=settings)
    drain_jobs(worker)

    assert inbound_rows(session) == []
    crashed = fresh(session, mailbox)
    assert (crashed.last_uid, crashed.uidvalidity, crashed.last_polled_at) == (0, None, None)
    job = session.scalar(select(Job).where(Job.name == POLL_MAILBOX_JOB))
    assert job is not None and job.status == JobStatus.QUEUED and job.attempts == 1

    monkeypatch.setattr(poll, "accept_raw_mail", accept)
    clock.advance(timedelta(seconds=5))  # the retry's backoff
    drain_jobs(worker)

    assert [row.raw for row in inbound_rows(session)] == [message(n) for n in range(1, 6)]
    assert fresh(session, mailbox).last_uid == 5


@pytest.mark.parametrize("comes_back", [True, False], ids=["restarted", "stays-down"])
def test_a_server_restart_in_the_middle_of_a_fetch_loses_nothing(
    session: Session,
    clock: FixedClock,
    imap_server: ImapServer,
    monkeypatch: pytest.MonkeyPatch,
    comes_back: bool,
) -> None:
    imap_server.append(*(message(n) for n in range(1, 7)))
    mailbox = add_mailbox(session, clock, imap_server)
    accept, calls = poll.accept_raw_mail, []

    def accept_then_drop_the_server(*args: Any, **kwargs: Any) -> InboundMail:
        calls.append(1)
        if len(calls) == 3:  # UIDs 3 and 4 are in hand; 5 and 6 are not fetched yet
            imap_server.restart() if comes_back else imap_server.stop()
        return accept(*args, **kwargs)

    monkeypatch.setattr(poll, "accept_raw_mail", accept_then_drop_the_server)
    first = poll_mailbox(session, mailbox.id, now=clock.now(), chunk_size=2)

    if comes_back:
        assert (first.stored, first.error) == (6, None)
    else:
        assert first.stored == 4 and first.error and "refused the connection" in first.error
        assert fresh(session, mailbox).last_uid == 4
        assert fresh(session, mailbox).last_error == first.error
        imap_server.start()
        monkeypatch.setattr(poll, "accept_raw_mail", accept)
        assert poll_mailbox(session, mailbox.id, now=clock.now()).stored == 2
    assert [row.raw for row in inbound_rows(session)] == [message(n) for n in range(1, 7)]
    assert fresh(session, mailbox).last_uid == 6
    assert fresh(session, mailbox).last_error is None


def test_a_message_the_server_cannot_read_is_recorded_and_does_not_block_the_rest(
    session: Session, clock: FixedClock, imap_server: ImapServer
) -> None:
    imap_server.append(*(message(n) for n in range(1, 5)))
    broken = imap_server.message_file(2)
    broken.chmod(0)
    mailbox = add_mailbox(session, clock, imap_server)

    result = poll_mailbox(session, mailbox.id, now=clock.now())

    assert (result.stored, result.failed, result.error) == (3, 1, None)
    rows = inbound_rows(session)
    assert [row.raw for row in rows if row.status == InboundStatus.PENDING] == [
        message(1),
        message(3),
        message(4),
    ]
    [rejected] = [row for row in rows if row.status == InboundStatus.REJECTED]
    assert rejected.reason and "IMAP UID 2 could not be fetched" in rejected.reason
    assert "'INBOX'" in rejected.reason and rejected.mailbox_id == mailbox.id
    assert fresh(session, mailbox).last_uid == 4
    assert poll_mailbox(session, mailbox.id, now=clock.now()).failed == 0
    broken.chmod(0o600)


def test_a_connection_that_keeps_dropping_stops_the_poll_without_marking_messages(
    session: Session, clock: FixedClock, imap_server: ImapServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    imap_server.append(message(1), message(2))
    mailbox = add_mailbox(session, clock, imap_server)

    def reset(*_args: Any) -> dict[int, bytes]:
        raise ConnectionResetError(104, "Connection reset by peer")

    monkeypatch.setattr(imap.ImapConnection, "_fetch_uids", reset)
    result = poll_mailbox(session, mailbox.id, now=clock.now())

    assert (result.stored, result.failed) == (0, 0)
    assert result.error and "Connection reset by peer" in result.error
    assert inbound_rows(session) == [] and fresh(session, mailbox).last_uid == 0


def test_a_message_over_the_size_limit_is_recorded_not_fetched(
    session: Session, clock: FixedClock, imap_server: ImapServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = message(2, body=b"x" * 5000)
    imap_server.append(message(1), big, message(3))
    mailbox = add_mailbox(session, clock, imap_server)
    monkeypatch.setattr(imap, "CHUNK_BYTES", 1)  # one message per FETCH

    result = poll_mailbox(session, mailbox.id, now=clock.now(), max_message_bytes=4000)

    assert (result.stored, result.failed) == (2, 1)
    rows = inbound_rows(session)
    assert [row.raw for row in rows if row.status == InboundStatus.PENDING] == [
        message(1),
        message(3),
    ]
    [rejected] = [row for row in rows if row.status == InboundStatus.REJECTED]
    assert rejected.reason and f"IMAP UID 2 is {len(big)} bytes" in rejected.reason
    assert fresh(session, mailbox).last_uid == 3


def test_a_new_uidvalidity_reads_the_folder_again_without_storing_mail_twice(
    session: Session, clock: FixedClock, imap_server: ImapServer
) -> None:
    imap_server.recreate_folder("Support")
    imap_server.append(message(1), message(2), message(3), folder="Support")
    mailbox = add_mailbox(session, clock, imap_server, folder="Support")
    assert poll_mailbox(session, mailbox.id, now=clock.now()).stored == 3
    before = fresh(session, mailbox).uidvalidity

    imap_server.recreate_folder("Support")  # e.g. the mailbox was restored from a backup
    imap_server.append(message(3), message(2), message(1), message(4), folder="Support")
    again = poll_mailbox(session, mailbox.id, now=clock.now())

    assert (again.stored, again.skipped) == (1, 3)
    after = fresh(session, mailbox)
    assert after.uidvalidity != before and after.last_uid == 4
    message_ids = [row.message_id_header for row in inbound_rows(session)]
    assert message_ids == [f"order-{n}@customer.example" for n in (1, 2, 3, 4)]


def test_a_wrong_password_is_recorded_without_the_password_anywhere(
    session: Session,
    database: Database,
    clock: FixedClock,
    settings: Settings,
    imap_server: ImapServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    secret = "Wr0ng-but-still-a-Secret"
    imap_server.append(message(1))
    mailbox = add_mailbox(session, clock, imap_server, password=secret)
    job = enqueue(session, POLL_MAILBOX_JOB, {"mailbox_id": mailbox.id}, now=clock.now())
    session.flush()

    drain_jobs(Worker(database, clock=clock, settings=settings))

    failed = fresh(session, mailbox)
    assert failed.last_error and "refused the login" in failed.last_error
    assert "AUTHENTICATIONFAILED" in failed.last_error
    assert (failed.last_error_at, failed.last_uid) == (clock.now(), 0)
    assert inbound_rows(session) == []
    done = session.get(Job, job.id)
    assert done is not None and done.status == JobStatus.DONE
    assert secret not in failed.last_error and secret not in caplog.text
    assert "refused the login" in caplog.text


def test_the_password_can_come_from_an_environment_variable(
    session: Session, clock: FixedClock, imap_server: ImapServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    imap_server.append(message(1))
    mailbox = add_mailbox(
        session, clock, imap_server, password=None, password_setting="GOODWILL_IMAP_PASSWORD_TEST"
    )
    monkeypatch.delenv("GOODWILL_IMAP_PASSWORD_TEST", raising=False)
    missing = poll_mailbox(session, mailbox.id, now=clock.now())
    assert missing.error and "GOODWILL_IMAP_PASSWORD_TEST" in missing.error

    monkeypatch.setenv("GOODWILL_IMAP_PASSWORD_TEST", imap_server.password)
    assert poll_mailbox(session, mailbox.id, now=clock.now()).stored == 1
    assert fresh(session, mailbox).last_error is None


@pytest.mark.parametrize("security", [ImapSecurity.SSL, ImapSecurity.STARTTLS])
def test_tls_is_verified_against_the_trusted_certificates(
    session: Session,
    clock: FixedClock,
    imap_server: ImapServer,
    monkeypatch: pytest.MonkeyPatch,
    security: ImapSecurity,
) -> None:
    if imap_server.cert_file is None:
        pytest.skip("openssl is absent: dovecot runs without TLS")
    imap_server.append(message(1))
    port = imap_server.imaps_port if security == ImapSecurity.SSL else imap_server.imap_port
    mailbox = add_mailbox(session, clock, imap_server, security=security, port=port)
    monkeypatch.setenv("SSL_CERT_FILE", str(Path(imap_server.work) / "missing.pem"))
    monkeypatch.setenv("SSL_CERT_DIR", str(Path(imap_server.work) / "missing"))

    untrusted = poll_mailbox(session, mailbox.id, now=clock.now())
    assert untrusted.error and "certificate" in untrusted.error and untrusted.stored == 0

    monkeypatch.setenv("SSL_CERT_FILE", str(imap_server.cert_file))
    trusted = poll_mailbox(session, mailbox.id, now=clock.now())
    assert (trusted.stored, trusted.error) == (1, None)


def test_an_unreachable_server_is_a_readable_error(
    session: Session, clock: FixedClock, imap_server: ImapServer
) -> None:
    mailbox = add_mailbox(session, clock, imap_server)
    imap_server.stop()
    result = poll_mailbox(session, mailbox.id, now=clock.now())
    assert result.error == (
        f"{imap_server.host}:{imap_server.imap_port} refused the connection; "
        "check the host and the port"
    )
