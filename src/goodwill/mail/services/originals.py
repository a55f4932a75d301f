"""The original of a received email, for the agents allowed to see its conversation."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.conversations.access import ConversationScope, ensure_visible
from goodwill.conversations.models import Conversation, Message
from goodwill.core.errors import NotFound
from goodwill.mail.models import InboundMail
from goodwill.mail.parse import parse_mail
from goodwill.mail.quoting import split_quoted


@dataclass(frozen=True, slots=True)
class Original:
    message_id: int
    raw: bytes
    filename: str


@dataclass(frozen=True, slots=True)
class FullText:
    message_id: int
    visible: str
    quoted: str
    signature: str


def get_original(session: Session, message_id: int, *, scope: ConversationScope) -> Original:
    """The bytes exactly as received; NotFound outside the agent's scope or without a raw copy."""
    message = session.get(Message, message_id)
    conversation = session.get(Conversation, message.conversation_id) if message else None
    if message is None or conversation is None:
        raise NotFound(f"message {message_id} does not exist")
    ensure_visible(conversation, scope)
    raw = session.scalar(
        select(InboundMail.raw)
        .where(InboundMail.message_id == message_id)
        .order_by(InboundMail.id)
        .limit(1)
    )
    if raw is None:
        raise NotFound(f"message {message_id} has no original email (it did not arrive by email)")
    return Original(message_id, raw, f"message-{message_id}.eml")


def get_full_text(
    session: Session, message_id: int, *, scope: ConversationScope, max_attachment_bytes: int
) -> FullText:
    """The whole text of a received email, with the quoted history and signature we hide."""
    original = get_original(session, message_id, scope=scope)
    parsed = parse_mail(original.raw, max_attachment_bytes=max_attachment_bytes)
    split = split_quoted(parsed.text)
    return FullText(message_id, split.visible, split.quoted, split.signature)
