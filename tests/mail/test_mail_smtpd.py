"""The built-in SMTP server: a real smtplib client on a loopback port, a committed database."""

import logging
import smtplib
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from goodwill.core.db import Database
from goodwill.core.jobs.models import Job
from goodwill.mail import smtpd as smtpd_module
from goodwill.mail.models import InboundMail, InboundStatus
from goodwill.mail.services.accept import PROCESS_INBOUND_JOB, accept_raw_mail
from goodwill.mail.smtpd import SmtpdStartError, SmtpServer
from goodwill.settings import Settings

MAX_BYTES = 64 * 1024
CUSTOMER = "maria@customer.example"


@pytest.fixture
def committed(file_database_url: str) -> Iterator[Database]:
    database = Database(file_database_url)
    yield database
    database.dispose()


@pytest.fixture
def smtp_settings(settings: Settings, file_database_url: str) -> Settings:
    return settings.model_copy(
        update={
            "database_url": file_database_url,
            "inbound_addresses": ["help@shop.example"],
            "smtpd_max_message_bytes": MAX_BYTES,
        }
    )


@pytest.fixture
def server(committed: Database, smtp_settings: Settings) -> Iterator[SmtpServer]:
    with SmtpServer(committed, smtp_settings, host="127.0.0.1", port=0) as running:
        yield running


def connect(server: SmtpServer) -> smtplib.SMTP:
    client = smtplib.SMTP("127.0.0.1", server.port, timeout=30)
    client.ehlo("client.customer.example")
    return client


def mail_bytes(message_id: str, *, subject: str = "Kettle", body: str = "It broke.") -> bytes:
    """A message with CRLF line ends, as it travels over SMTP."""
    return (
        f"From: Maria <{CUSTOMER}>\r\nTo: support@goodwill.example\r\n"
        f"Subject: {subject}\r\nMessage-ID: <{message_id}>\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
        f"Content-Transfer-Encoding: 8bit\r\n\r\n{body}\r\n"
    ).encode()


def new_id() -> str:
    return f"{uuid.uuid4().hex}@customer.example"


def stored(database: Database, message_id: str) -> list[InboundMail]:
    with database.reader() as session:
        query = select(InboundMail).where(InboundMail.message_id_header == message_id)
        return list(session.scalars(query))


def process_job_for(session: Session, inbound_id: int) -> Job | None:
    return session.scalar(select(Job).where(Job.dedupe_key == f"inbound-mail:{inbound_id}"))


def test_accepted_message_is_committed_byte_for_byte(
    server: SmtpServer, committed: Database
) -> None:
    message_id = new_id()
    long_line = "x" * 3000  # longer than RFC 5321's 1,000: real HTML mail has such lines
    body = f"Ça ne marche plus — 壊れた.\r\n.a line starting with a dot\r\n..two\r\n{long_line}"
    raw = mail_bytes(message_id, body=body)
    with connect(server) as client:
        assert client.has_extn("8bitmime") and client.has_extn("smtputf8")
        assert client.mail(CUSTOMER, ["BODY=8BITMIME"])[0] == 250
        assert client.rcpt("Support+Orders@GOODWILL.example")[0] == 250
        code, text = client.data(raw)
    assert (code, text) == (250, b"2.0.0 Message accepted for delivery")
    [row] = stored(committed, message_id)  # read at once, from another connection
    assert row.raw == raw and row.size_bytes == len(raw)
    assert row.source == "smtp" and row.status == InboundStatus.PENDING
    assert row.envelope_from == CUSTOMER
    assert row.envelope_to == ["Support+Orders@GOODWILL.example"]
    with committed.reader() as session:
        job = process_job_for(session, row.id)
        assert job is not None and job.name == PROCESS_INBOUND_JOB
        assert job.payload == {"inbound_mail_id": row.id}


def test_unknown_recipients_get_550_and_known_ones_still_receive(
    server: SmtpServer, committed: Database
) -> None:
    message_id = new_id()
    with connect(server) as client:
        client.mail(CUSTOMER)
        code, text = client.rcpt("someone@elsewhere.example")
        assert code == 550
        assert text.startswith(b"5.1.1 <someone@elsewhere.example>: no such mailbox here")
        assert client.rcpt("support@goodwill.example.evil.example")[0] == 550
        client.rset()
        refused = client.sendmail(
            CUSTOMER, ["nobody@elsewhere.example", "help@shop.example"], mail_bytes(message_id)
        )
        assert set(refused) == {"nobody@elsewhere.example"}
        with pytest.raises(smtplib.SMTPRecipientsRefused):
            client.sendmail(CUSTOMER, ["nobody@elsewhere.example"], mail_bytes(new_id()))
    [row] = stored(committed, message_id)
    assert row.envelope_to == ["help@shop.example"]


def test_too_big_is_552_whether_announced_or_not(server: SmtpServer, committed: Database) -> None:
    message_id = new_id()
    raw = mail_bytes(message_id, body="y" * 900 + "\r\n" + ("z" * 998 + "\r\n") * 70)
    assert len(raw) > MAX_BYTES
    with connect(server) as client:
        assert client.esmtp_features["size"] == str(MAX_BYTES)
        assert client.mail(CUSTOMER, [f"SIZE={len(raw)}"])[0] == 552
        client.rset()
        client.mail(CUSTOMER)  # a client that does not announce the size
        client.rcpt("support@goodwill.example")
        assert client.data(raw)[0] == 552
        client.rset()  # the session goes on
        assert client.sendmail(CUSTOMER, ["support@goodwill.example"], mail_bytes(new_id())) == {}
    assert stored(committed, message_id) == []


def test_a_database_failure_answers_451_and_stores_nothing(
    server: SmtpServer,
    committed: Database,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    real_accept = accept_raw_mail

    def accept_then_fail(session: Session, raw: bytes, **fields: Any) -> InboundMail:
        real_accept(session, raw, **fields)  # the row is flushed, then the transaction fails
        raise OperationalError("INSERT INTO inbound_mails", {"raw": raw}, Exception("disk full"))

    failing_id, retried_id = new_id(), new_id()
    with connect(server) as client:
        monkeypatch.setattr(smtpd_module, "accept_raw_mail", accept_then_fail)
        with pytest.raises(smtplib.SMTPDataError) as refused:
            client.sendmail(CUSTOMER, ["support@goodwill.example"], mail_bytes(failing_id))
        assert refused.value.smtp_code == 451
        assert refused.value.smtp_error == b"4.3.0 Temporary failure, please retry"
        monkeypatch.setattr(smtpd_module, "accept_raw_mail", real_accept)
        client.sendmail(CUSTOMER, ["support@goodwill.example"], mail_bytes(retried_id))
    assert stored(committed, failing_id) == []
    assert len(stored(committed, retried_id)) == 1
    [logged] = [r.getMessage() for r in caplog.records if "answered 451" in r.getMessage()]
    assert logged.endswith(": OperationalError: disk full")  # not the SQL parameters (the mail)


def test_one_message_for_several_recipients_is_stored_once(
    server: SmtpServer, committed: Database
) -> None:
    message_id = new_id()
    recipients = [
        "support@goodwill.example",
        "HELP@shop.example",
        "support+GW-7K2Q9MXA@goodwill.example",
    ]
    with connect(server) as client:
        assert client.sendmail(CUSTOMER, recipients, mail_bytes(message_id)) == {}
    [row] = stored(committed, message_id)
    assert row.envelope_to == recipients


def test_null_sender_and_international_addresses_are_accepted(
    server: SmtpServer, committed: Database
) -> None:
    bounce_id, utf8_id = new_id(), new_id()
    with connect(server) as client:
        client.sendmail("<>", ["support@goodwill.example"], mail_bytes(bounce_id))
        client.sendmail(
            "josé@exämple.example",
            ["support@goodwill.example"],
            mail_bytes(utf8_id, subject="Grüße"),
            mail_options=["SMTPUTF8"],
        )
    assert stored(committed, bounce_id)[0].envelope_from == "<>"
    assert stored(committed, utf8_id)[0].envelope_from == "josé@exämple.example"


def test_concurrent_senders_reusing_their_sessions_are_all_stored(
    server: SmtpServer, committed: Database
) -> None:
    senders, per_sender = 8, 10
    start = threading.Barrier(senders, timeout=30)

    def send_batch(sender: int) -> list[str]:
        ids = [new_id() for _ in range(per_sender)]
        with connect(server) as client:
            start.wait()
            for number, message_id in enumerate(ids):
                raw = mail_bytes(message_id, subject=f"sender {sender} mail {number}")
                assert (
                    client.sendmail(
                        f"s{sender}@customer.example", ["support@goodwill.example"], raw
                    )
                    == {}
                )
        return ids

    with ThreadPoolExecutor(senders) as pool:
        batches = list(pool.map(send_batch, range(senders)))
    for sender, ids in enumerate(batches):
        for number, message_id in enumerate(ids):
            [row] = stored(committed, message_id)
            assert row.raw == mail_bytes(message_id, subject=f"sender {sender} mail {number}")
            assert row.envelope_from == f"s{sender}@customer.example"


def test_stopping_lets_a_message_being_stored_finish_and_acknowledges_it(
    committed: Database, smtp_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_accept = accept_raw_mail
    storing = threading.Event()

    def slow_accept(session: Session, raw: bytes, **fields: Any) -> InboundMail:
        storing.set()
        time.sleep(0.5)
        return real_accept(session, raw, **fields)

    monkeypatch.setattr(smtpd_module, "accept_raw_mail", slow_accept)
    server = SmtpServer(committed, smtp_settings, host="127.0.0.1", port=0)
    server.start()
    message_id = new_id()
    with ThreadPoolExecutor(1) as pool, connect(server) as client:
        sent = pool.submit(
            client.sendmail, CUSTOMER, ["support@goodwill.example"], mail_bytes(message_id)
        )
        assert storing.wait(10)
        server.stop()
        assert sent.result(timeout=10) == {}
    assert len(stored(committed, message_id)) == 1
    with pytest.raises(ConnectionRefusedError):
        smtplib.SMTP("127.0.0.1", server.port, timeout=2)


def test_a_busy_port_is_a_sentence(committed: Database, smtp_settings: Settings) -> None:
    with SmtpServer(committed, smtp_settings, host="127.0.0.1", port=0) as first:
        second = SmtpServer(committed, smtp_settings, host="127.0.0.1", port=first.port)
        with pytest.raises(
            SmtpdStartError, match=f"Port {first.port} on 127.0.0.1 is already in use"
        ):
            second.start()


def test_one_log_line_per_message_without_body_or_addresses(
    server: SmtpServer, committed: Database, caplog: pytest.LogCaptureFixture
) -> None:
    secret_route = "support+GW-7K2Q9MXA@goodwill.example"
    message_id = new_id()
    with caplog.at_level(logging.INFO), connect(server) as client:
        client.sendmail(CUSTOMER, [secret_route], mail_bytes(message_id, body="my PIN is 4321"))
    [row] = stored(committed, message_id)
    lines = [record.getMessage() for record in caplog.records]
    assert [line for line in lines if "smtp accepted" in line] == [
        next(line for line in lines if f"inbound_mail={row.id} " in line)
    ]
    logged = "\n".join(lines)
    assert "4321" not in logged and "GW-7K2Q9MXA" not in logged and CUSTOMER not in logged
