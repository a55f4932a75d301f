"""Opening a conversation with its first message."""

from datetime import datetime

from sqlalchemy.orm import Session

from goodwill.agents.models import Agent, Team
from goodwill.commerce.models import Product
from goodwill.conversations.enums import EventKind
from goodwill.conversations.models import Conversation, ConversationTag
from goodwill.conversations.references import new_reference
from goodwill.conversations.schemas import ConversationCreate, CustomerRef
from goodwill.conversations.services.assign import assign_conversation, auto_assign_conversation
from goodwill.conversations.services.common import record_event
from goodwill.conversations.services.messages import add_message
from goodwill.conversations.services.sla import apply_sla_policy
from goodwill.conversations.status import ConversationStatus
from goodwill.core.errors import Invalid
from goodwill.customers.models import Customer
from goodwill.customers.service import find_or_create_customer, get_customer
from goodwill.tags.service import ensure_tags


def resolve_customer(session: Session, ref: CustomerRef, *, now: datetime) -> Customer:
    if ref.id is not None:
        customer = session.get(Customer, ref.id)
        if customer is None:
            raise Invalid(f"customer.id {ref.id} does not exist")
        if customer.merged_into_id is not None:
            return get_customer(session, customer.merged_into_id)
        return customer
    assert ref.value is not None  # guaranteed by CustomerRef's validator
    return find_or_create_customer(session, kind=ref.kind, value=ref.value, name=ref.name, now=now)


def _check_references(session: Session, data: ConversationCreate) -> None:
    if data.team_id is not None and session.get(Team, data.team_id) is None:
        raise Invalid(f"team_id {data.team_id} does not exist")
    if data.assignee_id is not None and session.get(Agent, data.assignee_id) is None:
        raise Invalid(f"assignee_id {data.assignee_id} does not exist")
    if data.product_id is not None and session.get(Product, data.product_id) is None:
        raise Invalid(f"product_id {data.product_id} does not exist")


def open_conversation(
    session: Session, *, data: ConversationCreate, actor: Agent | None, now: datetime
) -> Conversation:
    """Create the conversation, its first message, events and SLA; assign per the team's rule."""
    _check_references(session, data)
    customer = resolve_customer(session, data.customer, now=now)
    started_at = data.message.created_at or now
    conversation = Conversation(
        reference=new_reference(),
        subject=data.subject.strip(),
        customer_id=customer.id,
        channel=data.channel,
        status=ConversationStatus.NEW,
        priority=data.priority,
        team_id=data.team_id,
        product_id=data.product_id,
        topic=data.topic,
        message_count=0,
        reopened_count=0,
        assignment_count=0,
        created_at=started_at,
        updated_at=started_at,
        last_activity_at=started_at,
    )
    session.add(conversation)
    session.flush()
    actor_id = actor.id if actor else None
    record_event(
        session,
        conversation,
        EventKind.CREATED,
        now=started_at,
        actor_agent_id=actor_id,
        data={"channel": conversation.channel, "subject": conversation.subject},
    )
    for tag in ensure_tags(session, data.tags):
        session.add(ConversationTag(conversation_id=conversation.id, tag_id=tag.id))
    apply_sla_policy(session, conversation)
    if data.assignee_id is not None:
        assign_conversation(
            session,
            conversation,
            agent_id=data.assignee_id,
            now=started_at,
            actor_agent_id=actor_id,
        )
    else:
        auto_assign_conversation(session, conversation, now=started_at)
    add_message(session, conversation, data=data.message, actor=actor, now=now)
    return conversation
