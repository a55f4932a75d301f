"""All the conversation page and API show of one conversation, in a fixed set of queries."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.agents.models import Agent, Team
from goodwill.conversations.access import ConversationScope, ensure_visible
from goodwill.conversations.models import Conversation, ConversationEvent, Message
from goodwill.conversations.repository import (
    AttachmentInfo,
    list_all_messages,
    list_attachment_infos,
    list_conversation_tags,
    list_events,
)
from goodwill.conversations.services.common import get_conversation
from goodwill.customers.service import CustomerView, get_customer_view


@dataclass(frozen=True, slots=True)
class ConversationDetail:
    conversation: Conversation
    customer: CustomerView
    messages: list[Message]
    attachments: dict[int, list[AttachmentInfo]]  # by message id
    events: list[ConversationEvent]
    tags: list[str]
    agent_names: dict[int, str]
    team_name: str | None


def get_visible_conversation(
    session: Session, conversation_id: int, *, scope: ConversationScope
) -> Conversation:
    conversation = get_conversation(session, conversation_id)
    ensure_visible(conversation, scope)
    return conversation


def get_conversation_detail(
    session: Session, conversation_id: int, *, scope: ConversationScope
) -> ConversationDetail:
    conversation = get_visible_conversation(session, conversation_id, scope=scope)
    team = session.get(Team, conversation.team_id) if conversation.team_id else None
    messages = list_all_messages(session, conversation_id=conversation.id)
    return ConversationDetail(
        conversation=conversation,
        customer=get_customer_view(session, conversation.customer_id),
        messages=messages,
        attachments=list_attachment_infos(session, message_ids=[m.id for m in messages]),
        events=list_events(session, conversation_id=conversation.id),
        tags=list_conversation_tags(session, conversation_id=conversation.id),
        agent_names=dict(session.execute(select(Agent.id, Agent.name)).all()),
        team_name=team.name if team else None,
    )
