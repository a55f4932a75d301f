"""Storing a message's attachments and finding one to download within an agent's scope."""

import hashlib
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from goodwill.conversations.access import ConversationScope, ensure_visible
from goodwill.conversations.models import Attachment, Message
from goodwill.conversations.repository import find_attachment
from goodwill.conversations.schemas import AttachmentIn
from goodwill.conversations.services.common import get_conversation
from goodwill.core.errors import NotFound


def store_attachments(
    session: Session, message: Message, attachments: Sequence[AttachmentIn], *, now: datetime
) -> None:
    """Add the files to a flushed message, in the caller's unit of work."""
    for attachment in attachments:
        content = attachment.content
        session.add(
            Attachment(
                message_id=message.id,
                filename=attachment.filename,
                content_type=attachment.content_type,
                size_bytes=len(content),
                sha256=hashlib.sha256(content).hexdigest(),
                content=content,
                created_at=now,
            )
        )
    if attachments:
        session.flush()


def get_visible_attachment(
    session: Session, attachment_id: int, *, scope: ConversationScope
) -> Attachment:
    """The attachment, or NotFound when it does not exist or its conversation is out of scope."""
    missing = NotFound(f"attachment {attachment_id} does not exist")
    found = find_attachment(session, attachment_id)
    if found is None:
        raise missing
    attachment, conversation_id = found
    try:
        ensure_visible(get_conversation(session, conversation_id), scope)
    except NotFound:
        raise missing from None
    return attachment
