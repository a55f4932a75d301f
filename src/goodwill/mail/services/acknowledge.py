"""The acknowledgement of a new email conversation: one automatic message, sent like a reply.

It is a system message, not a response: first_response_at, SLA clocks and the status stay as
they are. The caller (the inbound-mail service) decides that the mail deserves one (normal mail
that opened a conversation); this makes sure there is never more than one per conversation."""

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from goodwill.channels.kinds import ChannelKind
from goodwill.conversations.enums import AuthorKind, EventKind, MessageDirection
from goodwill.conversations.models import Conversation, Message
from goodwill.conversations.services.common import record_event, touch
from goodwill.conversations.services.messages import DELIVER_ATTEMPTS, DELIVER_JOB
from goodwill.core.jobs.enqueue import enqueue
from goodwill.customers.models import Customer
from goodwill.settings import Settings


def acknowledgement_text(reference: str, customer_name: str) -> str:
    """A short, friendly note that names the reference and says what happens next."""
    name = " ".join(customer_name.split())
    greeting = f"Hello {name}," if name and "@" not in name else "Hello,"
    return (
        f"{greeting}\n\n"
        f"Thank you for writing to us. We have received your message and opened request "
        f"{reference} for it.\n\n"
        "Someone from our team will read it and answer by replying to this email. If you want "
        f"to add anything in the meantime, just reply and keep {reference} in the subject: "
        "it will reach the same request.\n\n"
        "This is an automatic message."
    )


def _already_answered(session: Session, conversation: Conversation) -> bool:
    """True once the conversation has a system message or any outbound message."""
    found = session.scalar(
        select(Message.id)
        .where(
            Message.conversation_id == conversation.id,
            or_(
                Message.author_kind == AuthorKind.SYSTEM,
                Message.direction == MessageDirection.OUTBOUND,
            ),
        )
        .limit(1)
    )
    return found is not None


def acknowledge_new_conversation(
    session: Session, conversation: Conversation, *, settings: Settings, now: datetime
) -> Message | None:
    """Add and queue the acknowledgement of `conversation`; None when acknowledgements are
    off, the conversation is not an email one or spam, or it already has one (idempotent)."""
    if not settings.email_auto_acknowledge:
        return None
    if conversation.channel != ChannelKind.EMAIL or conversation.is_spam:
        return None
    if _already_answered(session, conversation):
        return None
    customer = session.get(Customer, conversation.customer_id)
    at = max(now, conversation.last_activity_at)  # never before the mail it acknowledges
    message = Message(
        conversation_id=conversation.id,
        channel=ChannelKind.EMAIL,
        direction=MessageDirection.OUTBOUND,
        author_kind=AuthorKind.SYSTEM,
        author_agent_id=None,
        author_customer_id=None,
        body_text=acknowledgement_text(conversation.reference, customer.name if customer else ""),
        body_html=None,
        external_id=None,
        is_auto_reply=False,
        created_at=at,
    )
    session.add(message)
    session.flush()
    conversation.message_count += 1
    touch(conversation, now=at)
    record_event(
        session,
        conversation,
        EventKind.MESSAGE_ADDED,
        now=at,
        message_id=message.id,
        data={"direction": message.direction, "author_kind": message.author_kind},
    )
    enqueue(
        session, DELIVER_JOB, {"message_id": message.id}, now=now, max_attempts=DELIVER_ATTEMPTS
    )
    return message
