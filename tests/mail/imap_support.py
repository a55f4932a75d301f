"""Helpers for the IMAP tests: a dovecot per test, test messages, a mailbox pointing at it."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.core.clock import FixedClock
from goodwill.mail.imap import ImapSecurity
from goodwill.mail.mailbox_schemas import MailboxCreate
from goodwill.mail.models import InboundMail, Mailbox
from goodwill.mail.services.mailboxes import create_mailbox
from support.imap_server import ImapServer, dovecot_missing_reason, running_imap_server


def started_imap_server(tmp_path: Path) -> Iterator[ImapServer]:
    """For a fixture: a running dovecot, or a skip saying why there is none."""
    if reason := dovecot_missing_reason():
        pytest.skip(reason)
    with running_imap_server(tmp_path) as server:
        yield server


def message(number: int, *, message_id: bool = True, body: bytes = b"") -> bytes:
    """A CRLF message with 8-bit body bytes (Latin-1), so byte identity is really tested."""
    headers = [
        b"From: Ada <ada@customer.example>",
        b"To: support@example.test",
        b"Subject: Order %d" % number,
        b"Date: Mon, 02 Mar 2026 08:00:00 +0000",
        b"MIME-Version: 1.0",
        b"Content-Type: text/plain; charset=iso-8859-1",
        b"Content-Transfer-Encoding: 8bit",
    ]
    if message_id:
        headers.append(b"Message-ID: <order-%d@customer.example>" % number)
    text = body or b"Caf\xe9 order %d has not arrived.\r\n-- \r\nAda" % number
    return b"\r\n".join(headers) + b"\r\n\r\n" + text + b"\r\n"


def add_mailbox(session: Session, clock: FixedClock, server: ImapServer, **fields: Any) -> Mailbox:
    values: dict[str, Any] = {
        "name": "Support",
        "host": server.host,
        "port": server.imap_port,
        "security": ImapSecurity.NONE,
        "username": server.username,
        "password": server.password,
    } | fields
    return create_mailbox(session, data=MailboxCreate(**values), now=clock.now())


def inbound_rows(session: Session) -> list[InboundMail]:
    session.expire_all()
    return list(session.scalars(select(InboundMail).order_by(InboundMail.id)))


def fresh(session: Session, mailbox: Mailbox) -> Mailbox:
    session.expire_all()
    found = session.get(Mailbox, mailbox.id)
    assert found is not None
    return found
