"""The deliver job end to end on the database: threading headers of real replies, the stored
Message-ID, retries of temporary refusals and failed messages for permanent ones."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from outbound_smtp_server import RecordingHandler, smtp_server
from sqlalchemy import select
from sqlalchemy.orm import Session

import goodwill.jobs_index  # noqa: F401  (registers the job handlers)
from factories import Factories
from goodwill.agents.models import Agent
from goodwill.channels.kinds import ChannelKind
from goodwill.channels.ports import CaptureSender
from goodwill.channels.senders import capture_sender
from goodwill.conversations.enums import EventKind
from goodwill.conversations.models import Conversation, ConversationEvent, Message
from goodwill.conversations.schemas import (
    ConversationCreate,
    CustomerRef,
    MessageCreate,
    MessageKind,
)
from goodwill.conversations.services.messages import DELIVER_JOB, add_message
from goodwill.conversations.services.open import open_conversation
from goodwill.core.clock import FixedClock
from goodwill.core.db import Database
from goodwill.core.jobs.models import Job, JobStatus
from goodwill.core.jobs.worker import Worker, drain_jobs
from goodwill.customers.models import Customer, IdentityKind
from goodwill.customers.schemas import CustomerCreate, IdentityIn
from goodwill.customers.service import create_customer
from goodwill.mail.message_ids import our_message_id, our_message_reference
from goodwill.mail.services.acknowledge import acknowledge_new_conversation
from goodwill.mail.services.outbound import send_outbound_message
from goodwill.mail.thread_rules import message_ids_in
from goodwill.settings import Settings

CUSTOMER = "maria@customer.example"
FIRST_ID = "m1@customer.example"


@pytest.fixture
def captured() -> Iterator[CaptureSender]:
    sender = capture_sender()
    sender.clear()
    yield sender
    sender.clear()


@pytest.fixture
def customer(make: Factories) -> Customer:
    return make.customer(name="Maria Lopez", email=CUSTOMER)


@pytest.fixture
def agent(make: Factories) -> Agent:
    return make.agent(name="Sam Agent")


@pytest.fixture
def conversation(session: Session, customer: Customer, clock: FixedClock) -> Conversation:
    """An email conversation opened by the customer's mail <m1@customer.example>."""
    data = ConversationCreate(
        subject="My kettle stopped working",
        customer=CustomerRef(id=customer.id),
        channel=ChannelKind.EMAIL,
        message=MessageCreate(body_text="It broke after two days.", external_id=FIRST_ID),
    )
    opened = open_conversation(session, data=data, actor=None, now=clock.now())
    session.flush()
    return opened


def reply(
    session: Session, conversation: Conversation, agent: Agent, clock: FixedClock, text: str
) -> Message:
    clock.advance(timedelta(minutes=10))
    data = MessageCreate(kind=MessageKind.REPLY, body_text=text)
    message = add_message(session, conversation, data=data, actor=agent, now=clock.now())
    session.flush()
    return message


def customer_writes(
    session: Session, conversation: Conversation, clock: FixedClock, external_id: str
) -> Message:
    clock.advance(timedelta(minutes=10))
    data = MessageCreate(body_text="Thanks, and when?", external_id=external_id)
    message = add_message(session, conversation, data=data, actor=None, now=clock.now())
    session.flush()
    return message


def run_jobs(database: Database, clock: FixedClock, settings: Settings, session: Session) -> int:
    ran = drain_jobs(Worker(database, clock=clock, settings=settings))
    session.expire_all()
    return ran


def deliver_job(session: Session, message: Message) -> Job:
    jobs = session.scalars(select(Job).where(Job.name == DELIVER_JOB).order_by(Job.id)).all()
    return next(j for j in jobs if j.payload.get("message_id") == message.id)


def failures(session: Session, conversation: Conversation) -> list[ConversationEvent]:
    query = select(ConversationEvent).where(
        ConversationEvent.conversation_id == conversation.id,
        ConversationEvent.kind == EventKind.DELIVERY_FAILED,
    )
    return list(session.scalars(query))


def test_agent_reply_continues_the_customers_thread(
    session: Session,
    database: Database,
    clock: FixedClock,
    settings: Settings,
    captured: CaptureSender,
    conversation: Conversation,
    agent: Agent,
) -> None:
    answer = reply(session, conversation, agent, clock, "A new kettle is on its way.")
    assert run_jobs(database, clock, settings, session) == 1
    email = captured.email(answer.id)
    expected_id = our_message_id(
        conversation.reference,
        answer.id,
        secret_key=settings.secret_key,
        support_address=settings.support_address,
    )
    assert answer.delivery_status == "sent"
    assert answer.external_id == expected_id
    assert email["Message-ID"] == f"<{answer.external_id}>"
    assert our_message_reference(email["Message-ID"], settings.secret_key) == conversation.reference
    assert email["In-Reply-To"] == f"<{FIRST_ID}>"
    assert message_ids_in(email["References"]) == (FIRST_ID,)
    assert email["Subject"] == f"Re: My kettle stopped working [{conversation.reference}]"
    assert str(email["To"]) == f"Maria Lopez <{CUSTOMER}>"
    local, domain = settings.support_address.split("@")
    assert str(email["Reply-To"]).endswith(f"<{local}+{conversation.reference}@{domain}>")
    assert email["Auto-Submitted"] is None


def test_second_reply_answers_the_customers_latest_mail(
    session: Session,
    database: Database,
    clock: FixedClock,
    settings: Settings,
    captured: CaptureSender,
    conversation: Conversation,
    agent: Agent,
) -> None:
    first = reply(session, conversation, agent, clock, "A new kettle is on its way.")
    run_jobs(database, clock, settings, session)
    customer_writes(session, conversation, clock, "m2@customer.example")
    second = reply(session, conversation, agent, clock, "It arrives tomorrow.")
    run_jobs(database, clock, settings, session)
    email = captured.email(second.id)
    assert email["In-Reply-To"] == "<m2@customer.example>"
    assert message_ids_in(email["References"]) == (
        FIRST_ID,
        first.external_id,
        "m2@customer.example",
    )
    assert email["Thread-Index"][:20] == captured.email(first.id)["Thread-Index"][:20]
    assert len(email["Thread-Index"]) > len(captured.email(first.id)["Thread-Index"])


def test_the_acknowledgement_is_delivered_as_an_automatic_reply(
    session: Session,
    database: Database,
    clock: FixedClock,
    settings: Settings,
    captured: CaptureSender,
    conversation: Conversation,
) -> None:
    ack = acknowledge_new_conversation(session, conversation, settings=settings, now=clock.now())
    assert ack is not None
    session.flush()
    run_jobs(database, clock, settings, session)
    email = captured.email(ack.id)
    assert email["Auto-Submitted"] == "auto-replied"
    assert email["X-Auto-Response-Suppress"] == "All"
    assert email["In-Reply-To"] == f"<{FIRST_ID}>"
    assert conversation.reference in email.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert ack.delivery_status == "sent"


def test_a_send_repeated_after_a_crash_reuses_the_message_id(
    session: Session,
    database: Database,
    clock: FixedClock,
    settings: Settings,
    captured: CaptureSender,
    conversation: Conversation,
    agent: Agent,
) -> None:
    answer = reply(session, conversation, agent, clock, "A new kettle is on its way.")

    def send_then_crash() -> None:
        with database.transaction() as crashing:
            send_outbound_message(crashing, answer.id, settings=settings, now=clock.now())
            raise RuntimeError("the process died before the commit")

    with pytest.raises(RuntimeError):
        send_then_crash()
    session.expire_all()
    assert answer.external_id is None and answer.delivery_status is None
    run_jobs(database, clock, settings, session)
    first_try, retry = captured.emails(answer.id)
    assert [m.message_id_header for m in captured.sent] == [answer.external_id] * 2
    assert first_try["Message-ID"] == retry["Message-ID"] == f"<{answer.external_id}>"
    run_jobs(database, clock, settings, session)
    send_outbound_message(session, answer.id, settings=settings, now=clock.now())
    assert len(captured.sent) == 2  # a sent message is never sent again


def test_other_channels_are_delivered_as_before(
    session: Session,
    database: Database,
    clock: FixedClock,
    settings: Settings,
    captured: CaptureSender,
    make: Factories,
    agent: Agent,
) -> None:
    conversation = make.conversation(channel=ChannelKind.API)
    answer = reply(session, conversation, agent, clock, "Done.")
    run_jobs(database, clock, settings, session)
    assert answer.delivery_status == "sent"
    assert [m.message_id for m in captured.sent] == [answer.id]
    assert captured.sent[0].subject.endswith(f"[{conversation.reference}]")
    assert answer.external_id == captured.sent[0].message_id_header
    assert captured.raw == []


def test_an_email_customer_without_an_address_gets_a_failed_message(
    session: Session,
    database: Database,
    clock: FixedClock,
    settings: Settings,
    captured: CaptureSender,
    agent: Agent,
) -> None:
    phone_only = create_customer(
        session,
        data=CustomerCreate(
            name="Pat", identities=[IdentityIn(kind=IdentityKind.PHONE, value="+441234567890")]
        ),
        now=clock.now(),
    )
    data = ConversationCreate(
        subject="Call me",
        customer=CustomerRef(id=phone_only.id),
        channel=ChannelKind.EMAIL,
        message=MessageCreate(body_text="Please call."),
    )
    conversation = open_conversation(session, data=data, actor=None, now=clock.now())
    answer = reply(session, conversation, agent, clock, "We will.")
    run_jobs(database, clock, settings, session)
    assert answer.delivery_status == "failed"
    assert [e.data["reason"] for e in failures(session, conversation)] == [
        "the customer has no email address"
    ]
    assert captured.sent == []


@pytest.fixture
def smtp_handler() -> RecordingHandler:
    return RecordingHandler()


@pytest.fixture
def smtp_config(settings: Settings, smtp_handler: RecordingHandler) -> Iterator[Settings]:
    with smtp_server(smtp_handler) as port:
        yield settings.model_copy(
            update={
                "email_backend": "smtp",
                "smtp_host": "127.0.0.1",
                "smtp_port": port,
                "smtp_security": "none",
                "smtp_timeout_seconds": 5.0,
            }
        )


def test_a_temporary_refusal_is_retried_with_backoff_then_sent(
    session: Session,
    database: Database,
    clock: FixedClock,
    smtp_config: Settings,
    smtp_handler: RecordingHandler,
    conversation: Conversation,
    agent: Agent,
) -> None:
    smtp_handler.refusals[CUSTOMER] = "450 4.2.1 Mailbox busy, try later"
    answer = reply(session, conversation, agent, clock, "A new kettle is on its way.")
    run_jobs(database, clock, smtp_config, session)
    job = deliver_job(session, answer)
    assert (job.status, job.attempts) == (JobStatus.QUEUED, 1)
    assert job.run_after == clock.now() + timedelta(seconds=5)
    assert "450 4.2.1 Mailbox busy" in (job.last_error or "")
    assert answer.delivery_status is None
    assert failures(session, conversation) == []
    del smtp_handler.refusals[CUSTOMER]
    clock.advance(timedelta(seconds=5))
    run_jobs(database, clock, smtp_config, session)
    assert (deliver_job(session, answer).status, answer.delivery_status) == (JobStatus.DONE, "sent")
    received = smtp_handler.received[0].original_content or b""
    assert f"Message-ID: <{answer.external_id}>".encode() in received
    assert f"In-Reply-To: <{FIRST_ID}>".encode() in received


def test_a_permanent_refusal_fails_the_message_without_retrying(
    session: Session,
    database: Database,
    clock: FixedClock,
    smtp_config: Settings,
    smtp_handler: RecordingHandler,
    conversation: Conversation,
    agent: Agent,
) -> None:
    smtp_handler.refusals[CUSTOMER] = "550 5.1.1 <maria@customer.example>: user unknown"
    answer = reply(session, conversation, agent, clock, "A new kettle is on its way.")
    run_jobs(database, clock, smtp_config, session)
    job = deliver_job(session, answer)
    assert (job.status, job.attempts) == (JobStatus.DONE, 1)
    assert answer.delivery_status == "failed"
    [event] = failures(session, conversation)
    assert event.message_id == answer.id
    assert event.data["smtp_code"] == 550
    assert event.data["recipients"] == [CUSTOMER]
    assert "user unknown" in str(event.data["reason"])
    clock.advance(timedelta(hours=2))
    assert run_jobs(database, clock, smtp_config, session) == 0
    assert smtp_handler.received == []


def test_the_last_failed_attempt_marks_the_message_failed(
    session: Session,
    database: Database,
    clock: FixedClock,
    smtp_config: Settings,
    smtp_handler: RecordingHandler,
    conversation: Conversation,
    agent: Agent,
) -> None:
    smtp_handler.refusals[CUSTOMER] = "451 4.3.0 Try again later"
    answer = reply(session, conversation, agent, clock, "A new kettle is on its way.")
    deliver_job(session, answer).max_attempts = 2
    session.flush()
    run_jobs(database, clock, smtp_config, session)
    assert answer.delivery_status is None
    clock.advance(timedelta(seconds=5))
    run_jobs(database, clock, smtp_config, session)
    assert deliver_job(session, answer).status == JobStatus.DONE
    assert answer.delivery_status == "failed"
    [event] = failures(session, conversation)
    assert "gave up after the last attempt" in str(event.data["reason"])
    assert "451" in str(event.data["reason"])


def test_notes_and_customer_messages_are_never_sent(
    session: Session,
    clock: FixedClock,
    settings: Settings,
    captured: CaptureSender,
    conversation: Conversation,
    agent: Agent,
) -> None:
    note = add_message(
        session,
        conversation,
        data=MessageCreate(kind=MessageKind.NOTE, body_text="Internal: check the stock."),
        actor=agent,
        now=clock.now(),
    )
    first = session.scalars(select(Message).where(Message.external_id == FIRST_ID)).one()
    for message in (note, first):
        send_outbound_message(session, message.id, settings=settings, now=clock.now())
    assert captured.sent == []
    assert note.delivery_status is None
