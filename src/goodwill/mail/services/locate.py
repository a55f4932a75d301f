"""Finding the conversation an inbound email belongs to, in the order of trust of thread_rules."""

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.channels.kinds import ChannelKind
from goodwill.conversations.models import Conversation, Message
from goodwill.mail.thread_rules import ThreadKeys

OurReference = Callable[[str], str | None]  # one of our Message-IDs -> conversation reference


def conversations_by_message_ids(session: Session, message_ids: list[str]) -> dict[str, int]:
    """Message-ID -> conversation id, for every id we stored (ours and the customers')."""
    if not message_ids:
        return {}
    rows = session.execute(
        select(Message.external_id, Message.conversation_id).where(
            Message.channel == ChannelKind.EMAIL, Message.external_id.in_(message_ids)
        )
    )
    return {str(external_id): int(conversation_id) for external_id, conversation_id in rows}


def locate_conversation(
    session: Session,
    keys: ThreadKeys,
    *,
    our_reference: OurReference = lambda _: None,
) -> tuple[Conversation | None, str | None]:
    """The conversation and the rule that matched ("in-reply-to/references", "our message-id",
    "reference token"), or (None, None). Never by subject alone."""
    found = conversations_by_message_ids(session, list(keys.message_ids))
    for message_id in keys.message_ids:
        if message_id in found:
            return session.get(Conversation, found[message_id]), "in-reply-to/references"
    tokens = [ref for mid in keys.message_ids if (ref := our_reference(mid))]
    for reference, rule in [(t, "our message-id") for t in tokens] + [
        (t, "reference token") for t in keys.reference_tokens
    ]:
        conversation = session.scalar(
            select(Conversation).where(Conversation.reference == reference)
        )
        if conversation is not None:
            return conversation, rule
    return None, None
