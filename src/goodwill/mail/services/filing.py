"""Turning a parsed email into a conversation message: a new conversation or one more message."""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.channels.html import sanitise_html
from goodwill.channels.kinds import ChannelKind
from goodwill.conversations.enums import AuthorKind, EventKind, MessageDirection
from goodwill.conversations.models import (
    Attachment,
    Conversation,
    ConversationParticipant,
    Message,
)
from goodwill.conversations.schemas import ConversationCreate, CustomerRef, MessageCreate
from goodwill.conversations.services.common import record_event, touch
from goodwill.conversations.services.messages import add_message
from goodwill.conversations.services.open import open_conversation
from goodwill.core.errors import Invalid
from goodwill.customers.models import Customer, IdentityKind
from goodwill.customers.service import find_or_create_customer
from goodwill.mail.parsed import MailKind, ParsedMail
from goodwill.mail.subjects import conversation_subject
from goodwill.mail.thread_rules import is_our_address

MAX_BODY_TEXT = 200_000
MAX_BODY_HTML = 1_000_000
MAX_PARTICIPANTS_PER_MESSAGE = 10
EMPTY_BODY = "(no text)"


@dataclass(frozen=True, slots=True)
class MailFacts:
    parsed: ParsedMail
    message_id: str
    address: str  # the customer's address (From, or Reply-To for no-reply senders)
    name: str
    ours: list[str]
    max_attachment_bytes: int

    @property
    def automatic(self) -> bool:
        return self.parsed.kind in (MailKind.AUTO_REPLY, MailKind.BULK)


def message_create(facts: MailFacts) -> MessageCreate:
    parsed = facts.parsed
    text = (parsed.visible_text or parsed.text).strip()
    skipped = [a for a in parsed.attachments if a.skipped_reason]
    notes = [f"[Attachment “{a.filename}” was not stored: {a.skipped_reason}]" for a in skipped]
    body = "\n\n".join([text, *notes]) if notes else text
    if len(body) > MAX_BODY_TEXT:
        body = body[: MAX_BODY_TEXT - 60] + "\n\n[Text shortened: open the original to see all]"
    html = parsed.html if parsed.html and len(parsed.html) <= MAX_BODY_HTML else None
    return MessageCreate(
        body_text=body or EMPTY_BODY,
        body_html=html,
        channel=ChannelKind.EMAIL,
        external_id=facts.message_id,
    )


def open_from_mail(
    session: Session, facts: MailFacts, *, now: datetime, linked_from: Conversation | None
) -> tuple[Conversation, Message]:
    data = ConversationCreate(
        subject=conversation_subject(facts.parsed.subject),
        customer=CustomerRef(kind=IdentityKind.EMAIL, value=facts.address, name=facts.name[:200]),
        channel=ChannelKind.EMAIL,
        message=message_create(facts),
    )
    conversation = open_conversation(session, data=data, actor=None, now=now)
    if linked_from is not None:
        conversation.linked_conversation_id = linked_from.id
    message = _last_message(session, conversation)
    _finish_message(session, conversation, message, facts, now=now)
    return conversation, message


def append_to_conversation(
    session: Session, conversation: Conversation, facts: MailFacts, *, now: datetime
) -> Message:
    """A reply on a known thread. Auto-replies are kept but change no status or SLA clock."""
    author = _author(session, conversation, facts, now=now)
    if facts.automatic:
        message = _automatic_message(session, conversation, facts, now=now)
    else:
        message = add_message(
            session, conversation, data=message_create(facts), actor=None, now=now
        )
    message.author_customer_id = author.id
    _finish_message(session, conversation, message, facts, now=now)
    return message


def _finish_message(
    session: Session,
    conversation: Conversation,
    message: Message,
    facts: MailFacts,
    *,
    now: datetime,
) -> None:
    message.is_auto_reply = facts.automatic
    _store_attachments(session, message, facts, now=now)
    if not facts.automatic:
        _add_copied_people(session, conversation, facts, now=now)


def _author(
    session: Session, conversation: Conversation, facts: MailFacts, *, now: datetime
) -> Customer:
    """The writer: the conversation's customer, or someone else who joins as a participant."""
    customer = find_or_create_customer(
        session, kind=IdentityKind.EMAIL, value=facts.address, name=facts.name[:200], now=now
    )
    if customer.id != conversation.customer_id:
        _add_participant(session, conversation, customer, now=now)
    return customer


def _add_copied_people(
    session: Session, conversation: Conversation, facts: MailFacts, *, now: datetime
) -> None:
    seen = {facts.address.lower()}
    for person in [*facts.parsed.to, *facts.parsed.cc][: MAX_PARTICIPANTS_PER_MESSAGE * 2]:
        address = person.address.strip()
        if "@" not in address or address.lower() in seen or is_our_address(address, facts.ours):
            continue
        seen.add(address.lower())
        if len(seen) > MAX_PARTICIPANTS_PER_MESSAGE:
            return
        try:
            customer = find_or_create_customer(
                session, kind=IdentityKind.EMAIL, value=address, name=person.name[:200], now=now
            )
        except Invalid:  # an unusable Cc address (e.g. "bob@extern") costs only that person
            continue
        if customer.id != conversation.customer_id:
            _add_participant(session, conversation, customer, now=now)


def _add_participant(
    session: Session, conversation: Conversation, customer: Customer, *, now: datetime
) -> None:
    exists = session.get(ConversationParticipant, (conversation.id, customer.id))
    if exists is not None:
        return
    session.add(
        ConversationParticipant(conversation_id=conversation.id, customer_id=customer.id, role="cc")
    )
    record_event(
        session,
        conversation,
        EventKind.PARTICIPANT_ADDED,
        now=now,
        data={"customer_id": customer.id, "role": "cc"},
    )
    session.flush()


def _automatic_message(
    session: Session, conversation: Conversation, facts: MailFacts, *, now: datetime
) -> Message:
    data = message_create(facts)
    message = Message(
        conversation_id=conversation.id,
        channel=ChannelKind.EMAIL,
        direction=MessageDirection.INBOUND,
        author_kind=AuthorKind.CUSTOMER,
        author_customer_id=conversation.customer_id,
        body_text=data.body_text,
        body_html=sanitise_html(data.body_html) if data.body_html else None,
        external_id=facts.message_id,
        is_auto_reply=True,
        created_at=now,
    )
    session.add(message)
    session.flush()
    conversation.message_count += 1
    touch(conversation, now=now)
    record_event(
        session,
        conversation,
        EventKind.MESSAGE_ADDED,
        now=now,
        message_id=message.id,
        data={
            "direction": message.direction,
            "author_kind": message.author_kind,
            "automatic": facts.parsed.kind.value,
        },
    )
    return message


def _store_attachments(
    session: Session, message: Message, facts: MailFacts, *, now: datetime
) -> None:
    for attachment in facts.parsed.attachments:
        if attachment.skipped_reason or not attachment.content:
            continue
        session.add(
            Attachment(
                message_id=message.id,
                filename=attachment.filename[:255],
                content_type=attachment.content_type[:127],
                size_bytes=len(attachment.content),
                sha256=hashlib.sha256(attachment.content).hexdigest(),
                content_id=attachment.content_id[:255] if attachment.content_id else None,
                content=attachment.content,
                created_at=now,
            )
        )
    session.flush()


def _last_message(session: Session, conversation: Conversation) -> Message:
    message = session.scalar(
        select(Message)
        .where(Message.conversation_id == conversation.id)
        .order_by(Message.id.desc())
        .limit(1)
    )
    assert message is not None  # open_conversation always adds the first message
    return message
