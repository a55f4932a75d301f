"""Full-text search over conversation subjects and messages, scoped to what the agent may see."""

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from goodwill.agents.models import Agent
from goodwill.conversations.access import ConversationScope
from goodwill.conversations.models import Conversation, Message
from goodwill.conversations.repository import ConversationRow, attach_tags
from goodwill.core.sql import full_text_ids
from goodwill.customers.models import Customer

CANDIDATES = 300  # newest matching messages considered; enough for a page of distinct conversations


def search_conversations(
    session: Session, *, query: str, scope: ConversationScope, limit: int = 25
) -> list[ConversationRow]:
    """Conversations whose subject or any message matches, most recently active first."""
    message_ids = full_text_ids(session, table="messages", query=query, limit=CANDIDATES)
    subject_ids = full_text_ids(session, table="conversations", query=query, limit=CANDIDATES)
    from_messages: list[int] = (
        list(session.scalars(select(Message.conversation_id).where(Message.id.in_(message_ids))))
        if message_ids
        else []
    )
    conversation_ids = set(subject_ids) | set(from_messages)
    if not conversation_ids:
        return []
    assignee = aliased(Agent)
    rows = session.execute(
        select(Conversation, Customer.name, assignee.name)
        .join(Customer, Customer.id == Conversation.customer_id)
        .outerjoin(assignee, assignee.id == Conversation.assignee_id)
        .where(Conversation.id.in_(sorted(conversation_ids)), scope.condition())
        .order_by(Conversation.last_activity_at.desc(), Conversation.id.desc())
        .limit(limit)
    )
    result = [ConversationRow(c, name, assignee_name) for c, name, assignee_name in rows]
    attach_tags(session, result)
    return result
