"""Filing one received email: parse, recognise, dedupe, thread, and store it as a message.

Runs in the worker (job mail.process_inbound) on an InboundMail committed by an intake. The
filing happens inside a savepoint, so a message that cannot be filed is marked rejected with
the reason and never blocks the next one."""

import hashlib
import logging
from datetime import datetime
from functools import partial

from pydantic import ValidationError
from sqlalchemy.orm import Session

from goodwill.conversations.enums import EventKind
from goodwill.conversations.models import Conversation, Message
from goodwill.conversations.services.common import record_event
from goodwill.conversations.status import ConversationStatus
from goodwill.core.errors import DomainError
from goodwill.mail.message_ids import our_message_reference
from goodwill.mail.models import InboundMail, InboundStatus
from goodwill.mail.parse import parse_mail
from goodwill.mail.parsed import MailKind, ParsedMail
from goodwill.mail.services.acknowledge import acknowledge_new_conversation
from goodwill.mail.services.bounces import file_bounce
from goodwill.mail.services.filing import MailFacts, append_to_conversation, open_from_mail
from goodwill.mail.services.locate import conversations_by_message_ids, locate_conversation
from goodwill.mail.thread_rules import is_our_address, thread_keys
from goodwill.settings import Settings

log = logging.getLogger("goodwill.mail.intake")
_NO_REPLY = ("noreply", "no-reply", "donotreply", "do-not-reply", "mailer-daemon")


def our_addresses(settings: Settings) -> list[str]:
    return [settings.support_address, *settings.inbound_addresses]


def synthetic_message_id(raw: bytes) -> str:
    """For mail without a Message-ID: the same bytes always get the same id (idempotent)."""
    return f"sha256.{hashlib.sha256(raw).hexdigest()}@goodwill.invalid"


def process_inbound_mail(
    session: Session, inbound: InboundMail, *, settings: Settings, now: datetime
) -> None:
    """File a pending InboundMail; a no-op for one already processed (jobs may run twice)."""
    if inbound.status != InboundStatus.PENDING:
        return
    parsed = parse_mail(inbound.raw, max_attachment_bytes=settings.max_attachment_bytes)
    our_reference = partial(our_message_reference, secret_key=settings.secret_key)
    if parsed.kind == MailKind.BOUNCE:
        file_bounce(session, inbound, parsed, our_reference=our_reference, now=now)
        return
    reason = rejection_reason(parsed, our_addresses(settings))
    if reason is not None:
        _finish(inbound, InboundStatus.REJECTED, now=now, reason=reason)
        return
    message_id = parsed.message_id or synthetic_message_id(inbound.raw)
    known = conversations_by_message_ids(session, [message_id])
    if known:
        _finish(inbound, InboundStatus.DUPLICATE, now=now, conversation_id=known[message_id])
        return
    try:
        with session.begin_nested():  # a failure undoes this message's changes only
            conversation, message = _file(session, inbound, parsed, message_id, settings, now)
    except (DomainError, ValidationError) as error:
        log.info("inbound mail %s rejected: %s", inbound.id, error)
        _finish(inbound, InboundStatus.REJECTED, now=now, reason=_reason(error))
        return
    _finish(
        inbound,
        InboundStatus.STORED,
        now=now,
        conversation_id=conversation.id,
        message_id=message.id,
    )


def rejection_reason(parsed: ParsedMail, ours: list[str]) -> str | None:
    if parsed.sender is None or "@" not in parsed.sender.address:
        return "no sender address (the From header is missing or unreadable)"
    if is_our_address(parsed.sender.address, ours):
        return "sent from our own support address (a mail loop or a copy of our own reply)"
    return None


def customer_address(parsed: ParsedMail) -> tuple[str, str]:
    """Who wrote: the From, or the Reply-To when the From is a no-reply robot (web forms)."""
    assert parsed.sender is not None
    sender = parsed.sender
    local = sender.address.rpartition("@")[0].lower()
    if parsed.reply_to and any(local.startswith(robot) for robot in _NO_REPLY):
        sender = parsed.reply_to[0]
    return sender.address.strip(), sender.name.strip()


def _file(
    session: Session,
    inbound: InboundMail,
    parsed: ParsedMail,
    message_id: str,
    settings: Settings,
    now: datetime,
) -> tuple[Conversation, Message]:
    address, name = customer_address(parsed)
    facts = MailFacts(
        parsed=parsed,
        message_id=message_id,
        address=address,
        name=name,
        ours=our_addresses(settings),
        max_attachment_bytes=settings.max_attachment_bytes,
    )
    our_reference = partial(our_message_reference, secret_key=settings.secret_key)
    keys = thread_keys(parsed, inbound.envelope_to)
    conversation, _rule = locate_conversation(session, keys, our_reference=our_reference)
    linked_from = None
    if (
        conversation is not None
        and conversation.status == ConversationStatus.CLOSED
        and settings.email_reply_to_closed == "new_linked"
    ):
        linked_from, conversation = conversation, None
    if conversation is not None:
        return conversation, append_to_conversation(session, conversation, facts, now=now)
    conversation, message = open_from_mail(session, facts, now=now, linked_from=linked_from)
    if linked_from is not None:
        record_event(
            session,
            linked_from,
            EventKind.LINKED,
            now=now,
            data={"conversation_id": conversation.id, "reference": conversation.reference},
        )
    if parsed.kind == MailKind.NORMAL:
        acknowledge_new_conversation(session, conversation, settings=settings, now=now)
    return conversation, message


def _finish(
    inbound: InboundMail,
    status: str,
    *,
    now: datetime,
    reason: str | None = None,
    conversation_id: int | None = None,
    message_id: int | None = None,
) -> None:
    inbound.status = status
    inbound.reason = reason
    inbound.processed_at = now
    inbound.conversation_id = conversation_id
    inbound.message_id = message_id


def _reason(error: Exception) -> str:
    if isinstance(error, ValidationError):
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        return f"cannot be stored: {where}: {first['msg']}"
    return str(error)
