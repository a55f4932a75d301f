"""Sending one outbound message: build it, store its Message-ID, send, record the outcome.

For email the Message-ID is stored in Message.external_id before the sender is called, in the
job's transaction; it is derived from the message, so a send repeated after a crash carries the
same one. A permanent refusal marks the message failed with a delivery_failed event; anything
else raises so the worker retries, except on the last attempt, which records the failure too."""

from datetime import datetime
from functools import partial

from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.channels.kinds import ChannelKind
from goodwill.channels.ports import OutboundMessage, PermanentDeliveryError
from goodwill.channels.senders import sender_for
from goodwill.conversations.enums import AuthorKind, EventKind, MessageDirection
from goodwill.conversations.models import Conversation, Message
from goodwill.conversations.services.common import record_event
from goodwill.customers.models import Customer, CustomerIdentity, IdentityKind
from goodwill.mail.compose import ThreadEntry, reply_subject, thread_context, thread_topic
from goodwill.mail.message_ids import our_message_id
from goodwill.mail.thread_index import thread_index
from goodwill.mail.thread_rules import reply_address
from goodwill.settings import Settings

DEFAULT_SENDER_NAME = "Support"
FINISHED = frozenset({"sent", "failed", "imported", "bounced", "deferred"})


def sender_name(settings: Settings) -> str:
    """The display name of our From (GOODWILL_SUPPORT_NAME)."""
    return settings.support_name or DEFAULT_SENDER_NAME


def _address_of(session: Session, customer: Customer, *, email_only: bool) -> str:
    query = select(CustomerIdentity.value).where(CustomerIdentity.customer_id == customer.id)
    if email_only:
        query = query.where(CustomerIdentity.kind == IdentityKind.EMAIL)
    query = query.order_by(CustomerIdentity.is_primary.desc(), CustomerIdentity.id).limit(1)
    return session.scalar(query) or ""


def _thread_entries(session: Session, conversation: Conversation) -> list[ThreadEntry]:
    rows = session.execute(
        select(Message.id, Message.external_id, Message.direction, Message.created_at)
        .where(
            Message.conversation_id == conversation.id,
            Message.channel == ChannelKind.EMAIL,
            Message.direction != MessageDirection.NOTE,
        )
        .order_by(Message.created_at, Message.id)
    ).all()
    return [
        ThreadEntry(
            row.id, row.external_id, row.direction == MessageDirection.INBOUND, row.created_at
        )
        for row in rows
    ]


def build_outbound(
    session: Session,
    message: Message,
    conversation: Conversation,
    customer: Customer,
    *,
    settings: Settings,
) -> OutboundMessage:
    """The OutboundMessage for `message`, with threading headers when it is an email."""
    is_email = message.channel == ChannelKind.EMAIL
    reference = conversation.reference
    stored = message.external_id if is_email else None
    entries = _thread_entries(session, conversation) if is_email else []
    context = thread_context(entries, message.id)
    return OutboundMessage(
        channel=message.channel,
        message_id=message.id,
        to_address=_address_of(session, customer, email_only=is_email),
        to_name=customer.name,
        subject=reply_subject(conversation.subject, reference),
        body_text=message.body_text,
        body_html=message.body_html,
        reference=reference,
        sent_from=settings.support_address,
        sent_from_name=sender_name(settings),
        message_id_header=stored
        or our_message_id(
            reference,
            message.id,
            secret_key=settings.secret_key,
            support_address=settings.support_address,
        ),
        in_reply_to=context.in_reply_to,
        references=context.references,
        reply_to=reply_address(settings.support_address, reference),
        thread_topic=thread_topic(conversation.subject, reference),
        thread_index=thread_index(reference, conversation.created_at, context.reply_times),
        is_automatic=message.author_kind == AuthorKind.SYSTEM,
    )


def mark_delivery_failed(
    session: Session,
    conversation: Conversation,
    message: Message,
    *,
    recipient: str,
    reason: str,
    code: int | None,
    now: datetime,
) -> None:
    """The message will not reach the customer: say so on it and in the conversation's log."""
    message.delivery_status = "failed"
    record_event(
        session,
        conversation,
        EventKind.DELIVERY_FAILED,
        now=now,
        message_id=message.id,
        data={
            "source": "send",
            "recipients": [recipient] if recipient else [],
            "reason": reason[:500],
            "smtp_code": code,
        },
    )


def _sendable(session: Session, message_id: int) -> tuple[Message, Conversation, Customer] | None:
    message = session.get(Message, message_id)
    if message is None or message.delivery_status in FINISHED:
        return None
    if message.direction != MessageDirection.OUTBOUND:
        return None
    conversation = session.get(Conversation, message.conversation_id)
    customer = session.get(Customer, conversation.customer_id) if conversation else None
    if conversation is None or customer is None:
        return None
    return message, conversation, customer


def send_outbound_message(
    session: Session,
    message_id: int,
    *,
    settings: Settings,
    now: datetime,
    last_attempt: bool = False,
) -> None:
    """Send message `message_id` once; skips messages already sent, failed or imported, and
    anything that is not outbound (a note is never sent to a customer)."""
    loaded = _sendable(session, message_id)
    if loaded is None:
        return
    message, conversation, customer = loaded
    outbound = build_outbound(session, message, conversation, customer, settings=settings)
    failed = partial(mark_delivery_failed, session, conversation, message, now=now)
    if message.channel == ChannelKind.EMAIL:
        if not outbound.to_address:
            failed(recipient="", reason="the customer has no email address", code=None)
            return
        if message.external_id is None:
            message.external_id = outbound.message_id_header
            session.flush()
    sender = sender_for(settings.email_backend, settings=settings)
    try:
        receipt = sender.send(outbound, now=now)
    except PermanentDeliveryError as error:
        failed(recipient=outbound.to_address, reason=error.reason, code=error.code)
        return
    except ValueError as error:  # compose_email: an address no email header can carry
        failed(recipient=outbound.to_address, reason=str(error), code=None)
        return
    except Exception as error:
        if not last_attempt:
            raise
        reason = f"gave up after the last attempt: {error}"
        failed(recipient=outbound.to_address, reason=reason, code=None)
        return
    message.delivery_status = "sent"
    if message.external_id is None:
        message.external_id = receipt.external_id
