"""The acknowledgement of a new email conversation: one per conversation, never a response."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from factories import Factories
from goodwill.channels.kinds import ChannelKind
from goodwill.conversations.enums import AuthorKind, EventKind, MessageDirection
from goodwill.conversations.models import Conversation, ConversationEvent, Message
from goodwill.conversations.schemas import MessageCreate, MessageKind
from goodwill.conversations.services.messages import DELIVER_JOB, add_message
from goodwill.conversations.status import ConversationStatus
from goodwill.core.clock import FixedClock
from goodwill.core.jobs.models import Job
from goodwill.mail.services.acknowledge import (
    acknowledge_new_conversation,
    acknowledgement_text,
)
from goodwill.settings import Settings


@pytest.fixture
def conversation(make: Factories) -> Conversation:
    make.sla_policy(first_response=timedelta(hours=4))
    customer = make.customer(name="Maria Lopez", email="maria@customer.example")
    return make.conversation(customer=customer, channel=ChannelKind.EMAIL)


def system_messages(session: Session, conversation: Conversation) -> list[Message]:
    query = select(Message).where(
        Message.conversation_id == conversation.id, Message.author_kind == AuthorKind.SYSTEM
    )
    return list(session.scalars(query))


def events(
    session: Session, conversation: Conversation, kind: EventKind
) -> list[ConversationEvent]:
    query = select(ConversationEvent).where(
        ConversationEvent.conversation_id == conversation.id, ConversationEvent.kind == kind
    )
    return list(session.scalars(query.order_by(ConversationEvent.id)))


def deliver_jobs_for(session: Session, message: Message) -> int:
    jobs = session.scalars(select(Job).where(Job.name == DELIVER_JOB)).all()
    return sum(1 for job in jobs if job.payload.get("message_id") == message.id)


def test_acknowledgement_is_a_queued_system_message_not_a_response(
    session: Session, conversation: Conversation, settings: Settings, clock: FixedClock
) -> None:
    due = conversation.first_response_due_at
    assert due is not None
    count = conversation.message_count
    clock.advance(timedelta(seconds=30))
    ack = acknowledge_new_conversation(session, conversation, settings=settings, now=clock.now())
    session.flush()
    assert ack is not None
    assert (ack.author_kind, ack.direction) == (AuthorKind.SYSTEM, MessageDirection.OUTBOUND)
    assert ack.author_agent_id is None and ack.author_customer_id is None
    assert ack.channel == ChannelKind.EMAIL
    assert conversation.reference in ack.body_text
    assert ack.body_text.startswith("Hello Maria Lopez,")
    assert conversation.message_count == count + 1
    assert conversation.last_activity_at == clock.now()
    assert deliver_jobs_for(session, ack) == 1
    [added] = [
        e for e in events(session, conversation, EventKind.MESSAGE_ADDED) if e.message_id == ack.id
    ]
    assert added.data == {"direction": "outbound", "author_kind": "system"}
    assert added.actor_agent_id is None
    assert conversation.first_response_at is None
    assert conversation.last_agent_reply_at is None
    assert conversation.first_response_due_at == due
    assert conversation.status == ConversationStatus.NEW
    assert events(session, conversation, EventKind.FIRST_RESPONSE) == []


def test_a_conversation_is_acknowledged_once(
    session: Session, conversation: Conversation, settings: Settings, clock: FixedClock
) -> None:
    first = acknowledge_new_conversation(session, conversation, settings=settings, now=clock.now())
    again = acknowledge_new_conversation(session, conversation, settings=settings, now=clock.now())
    assert first is not None and again is None
    assert len(system_messages(session, conversation)) == 1
    total = session.scalar(select(func.count(Job.id)).where(Job.name == DELIVER_JOB))
    assert total == 1


def test_the_first_agent_reply_is_still_the_first_response(
    session: Session,
    conversation: Conversation,
    settings: Settings,
    clock: FixedClock,
    make: Factories,
) -> None:
    acknowledge_new_conversation(session, conversation, settings=settings, now=clock.now())
    clock.advance(timedelta(hours=1))
    data = MessageCreate(kind=MessageKind.REPLY, body_text="Here is the answer.")
    add_message(session, conversation, data=data, actor=make.agent(), now=clock.now())
    assert conversation.first_response_at == clock.now()
    assert len(events(session, conversation, EventKind.FIRST_RESPONSE)) == 1


def test_no_acknowledgement_when_turned_off(
    session: Session, conversation: Conversation, settings: Settings, clock: FixedClock
) -> None:
    off = settings.model_copy(update={"email_auto_acknowledge": False})
    assert (
        acknowledge_new_conversation(session, conversation, settings=off, now=clock.now()) is None
    )
    assert system_messages(session, conversation) == []


def test_no_acknowledgement_after_an_agent_already_replied(
    session: Session,
    conversation: Conversation,
    settings: Settings,
    clock: FixedClock,
    make: Factories,
) -> None:
    data = MessageCreate(kind=MessageKind.REPLY, body_text="Already on it.")
    add_message(session, conversation, data=data, actor=make.agent(), now=clock.now())
    assert (
        acknowledge_new_conversation(session, conversation, settings=settings, now=clock.now())
        is None
    )


def test_no_acknowledgement_for_other_channels_or_spam(
    session: Session, settings: Settings, clock: FixedClock, make: Factories
) -> None:
    chat = make.conversation(channel=ChannelKind.CHAT)
    assert acknowledge_new_conversation(session, chat, settings=settings, now=clock.now()) is None
    spam = make.conversation(channel=ChannelKind.EMAIL)
    spam.is_spam = True
    assert acknowledge_new_conversation(session, spam, settings=settings, now=clock.now()) is None


def test_acknowledgement_text_greets_without_repeating_an_address() -> None:
    text = acknowledgement_text("GW-7K2Q9MXA", "maria@customer.example")
    assert text.startswith("Hello,\n")
    assert text.count("GW-7K2Q9MXA") == 2
    assert "automatic" in text
