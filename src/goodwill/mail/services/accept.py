"""Accepting raw mail: store the bytes and queue their processing, in the caller's transaction.

This is all an SMTP or IMAP intake does before it acknowledges a message: the commit that
follows makes the message durable, and the worker turns it into a conversation message."""

import re
from datetime import datetime

from sqlalchemy.orm import Session

from goodwill.core.jobs.enqueue import enqueue
from goodwill.mail.models import InboundMail, InboundStatus
from goodwill.mail.thread_rules import normalise_message_id

PROCESS_INBOUND_JOB = "mail.process_inbound"
_HEADER_END = re.compile(rb"\r?\n\r?\n")
_MESSAGE_ID_HEADER = re.compile(rb"^message-id:[ \t]*(.*(?:\r?\n[ \t].*)*)", re.I | re.M)


def sniff_message_id(raw: bytes) -> str | None:
    """The Message-ID header read from the raw header block, without a full parse."""
    end = _HEADER_END.search(raw)
    header_block = raw[: end.start()] if end else raw[:65536]
    found = _MESSAGE_ID_HEADER.search(header_block)
    if not found:
        return None
    return normalise_message_id(found.group(1).decode("ascii", "replace"))


def accept_raw_mail(
    session: Session,
    raw: bytes,
    *,
    source: str,
    now: datetime,
    envelope_from: str | None = None,
    envelope_to: list[str] | None = None,
    mailbox_id: int | None = None,
    process: bool = True,
) -> InboundMail:
    """Store one raw message and (unless `process` is False) queue the job that files it."""
    inbound = InboundMail(
        source=source,
        mailbox_id=mailbox_id,
        envelope_from=envelope_from,
        envelope_to=list(envelope_to or []),
        message_id_header=sniff_message_id(raw),
        raw=raw,
        size_bytes=len(raw),
        status=InboundStatus.PENDING,
        received_at=now,
    )
    session.add(inbound)
    session.flush()
    if process:
        enqueue(
            session,
            PROCESS_INBOUND_JOB,
            {"inbound_mail_id": inbound.id},
            now=now,
            dedupe_key=f"inbound-mail:{inbound.id}",
        )
    return inbound
