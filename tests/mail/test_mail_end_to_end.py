"""Email end to end: a customer writes with smtplib to our SMTP server, is acknowledged, an agent
replies through the API, and the customer's answers land in the same conversation.

Everything real but the outside world: the SMTP server on a loopback port, a committed database,
the worker draining its jobs, the HTTP API, and the capturing sender standing in for delivery."""

import smtplib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import select

import goodwill.jobs_index  # noqa: F401  (registers the job handlers)
from goodwill.agents import passwords
from goodwill.agents.roles import Role
from goodwill.agents.service import create_agent, create_api_token
from goodwill.channels.ports import OutboundMessage
from goodwill.channels.senders import capture_sender
from goodwill.conversations.enums import AuthorKind, MessageDirection
from goodwill.conversations.models import Conversation, Message
from goodwill.core.clock import FixedClock
from goodwill.core.db import Database
from goodwill.core.jobs.registry import find_handler
from goodwill.core.jobs.worker import Worker, drain_jobs
from goodwill.mail.models import InboundMail, InboundStatus
from goodwill.mail.services.accept import PROCESS_INBOUND_JOB
from goodwill.mail.smtpd import SmtpServer
from goodwill.main import create_app
from goodwill.settings import Settings

SUPPORT = "support@goodwill.example"


@dataclass
class HelpDesk:
    """The running desk and the customer's side of it."""

    smtp_port: int
    database: Database
    worker: Worker
    http: TestClient
    agent_headers: dict[str, str]
    clock: FixedClock
    customer: str

    def customer_writes(self, email: EmailMessage, *, to: str = SUPPORT) -> str:
        """Send as the customer's mail server would; returns the Message-ID (without <>)."""
        message_id = f"{uuid.uuid4().hex}@customer.example"
        email["From"] = f"Maria Lopez <{self.customer}>"
        email["To"] = to
        email["Date"] = format_datetime(self.clock.now())
        email["Message-ID"] = f"<{message_id}>"
        with smtplib.SMTP("127.0.0.1", self.smtp_port, timeout=30) as client:
            assert client.sendmail(self.customer, [to], email.as_bytes()) == {}
        return message_id

    def work(self) -> None:
        """The worker files what arrived and delivers what is queued."""
        self.clock.advance(timedelta(minutes=5))
        drain_jobs(self.worker)

    def filed(self, message_id: str) -> InboundMail:
        with self.database.reader() as session:
            query = select(InboundMail).where(InboundMail.message_id_header == message_id)
            inbound = session.scalar(query)
        assert inbound is not None, f"<{message_id}> was not stored"
        assert inbound.status == InboundStatus.STORED, inbound.reason
        return inbound

    def conversation(self, conversation_id: int | None) -> Conversation:
        with self.database.reader() as session:
            conversation = session.get(Conversation, conversation_id)
        assert conversation is not None
        return conversation

    def messages(self, conversation_id: int) -> list[Message]:
        with self.database.reader() as session:
            query = (
                select(Message)
                .where(Message.conversation_id == conversation_id)
                .order_by(Message.created_at, Message.id)
            )
            return list(session.scalars(query))

    def agent_replies(self, conversation_id: int, text: str) -> int:
        self.clock.advance(timedelta(minutes=10))
        answer = self.http.post(
            f"/api/v1/conversations/{conversation_id}/messages",
            json={"kind": "reply", "body_text": text},
            headers=self.agent_headers,
        )
        assert answer.status_code == 201, answer.text
        return int(answer.json()["id"])


def captured(reference: str) -> list[OutboundMessage]:
    return [sent for sent in capture_sender().sent if sent.reference == reference]


def new_mail(subject: str, body: str, **headers: str) -> EmailMessage:
    email = EmailMessage()
    email["Subject"] = subject
    for name, value in headers.items():
        email[name.replace("_", "-")] = value
    email.set_content(body)
    return email


@pytest.fixture
def desk(
    file_database_url: str, settings: Settings, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> Iterator[HelpDesk]:
    """The desk at the fixed test time: jobs other tests left in the shared database, queued
    at the real time (later), are not due for this worker."""
    assert find_handler(PROCESS_INBOUND_JOB) is not None, "mail.process_inbound is not registered"
    monkeypatch.setattr(
        passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    )
    config = settings.model_copy(
        update={"database_url": file_database_url, "email_backend": "capture"}
    )
    database = Database(file_database_url)
    with database.transaction() as session:
        agent = create_agent(
            session,
            email=f"agent-{uuid.uuid4().hex[:12]}@goodwill.example",
            password="end to end 1",
            role=Role.ADMIN,
            now=clock.now(),
        )
        token = create_api_token(session, agent=agent, name="e2e", now=clock.now())
    app = create_app(config, database=database, clock=clock)
    try:
        with (
            SmtpServer(database, config, clock=clock, host="127.0.0.1", port=0) as smtp,
            TestClient(app) as http,
        ):
            yield HelpDesk(
                smtp_port=smtp.port,
                database=database,
                worker=Worker(database, clock=clock, settings=config),
                http=http,
                agent_headers={"Authorization": f"Bearer {token}"},
                clock=clock,
                customer=f"maria-{uuid.uuid4().hex[:10]}@customer.example",
            )
    finally:
        database.dispose()


def test_a_customer_an_agent_and_the_customer_again_make_one_conversation(
    desk: HelpDesk,
) -> None:
    first_id = desk.customer_writes(
        new_mail("My kettle stopped working", "It switches itself off after two seconds.")
    )
    desk.work()
    first = desk.filed(first_id)
    conversation = desk.conversation(first.conversation_id)
    assert conversation.channel == "email"
    reference = conversation.reference

    [ack] = captured(reference)  # the acknowledgement, with headers that route replies back
    ack_email = capture_sender().email(ack.message_id)
    assert ack_email["Message-ID"] == f"<{ack.message_id_header}>"
    assert ack_email["In-Reply-To"] == f"<{first_id}>"
    assert (
        parseaddr(str(ack_email["Reply-To"]))[1].lower()
        == f"support+{reference}@goodwill.example".lower()
    )
    assert parseaddr(str(ack_email["To"]))[1] == desk.customer
    assert ack_email["Auto-Submitted"] == "auto-replied"

    reply_id = desk.agent_replies(conversation.id, "Sorry about that! A new kettle is on its way.")
    desk.work()
    [reply] = [sent for sent in captured(reference) if sent.message_id == reply_id]
    reply_email = capture_sender().email(reply_id)
    assert reply_email["In-Reply-To"] == f"<{first_id}>"
    assert f"<{first_id}>" in str(reply_email["References"])
    assert reference in str(reply_email["Subject"])
    assert desk.conversation(conversation.id).status == "pending"

    answer_id = desk.customer_writes(  # the customer presses "Reply" on the agent's email
        new_mail(
            f"Re: {reply_email['Subject']}",
            "Thank you, it arrived today.\n\n> Sorry about that! A new kettle is on its way.",
            In_Reply_To=str(reply_email["Message-ID"]),
            References=f"{reply_email['References']} {reply_email['Message-ID']}",
        ),
        to=parseaddr(str(reply_email["Reply-To"]))[1],
    )
    desk.work()
    assert desk.filed(answer_id).conversation_id == conversation.id
    messages = desk.messages(conversation.id)
    visible = [m for m in messages if m.author_kind != AuthorKind.SYSTEM]
    assert [m.direction for m in visible] == [
        MessageDirection.INBOUND,
        MessageDirection.OUTBOUND,
        MessageDirection.INBOUND,
    ]
    assert [m.id for m in messages if m.author_kind == AuthorKind.SYSTEM] == [ack.message_id]
    assert visible[1].id == reply.message_id
    assert desk.conversation(conversation.id).status == "open"
    assert len(captured(reference)) == 2  # no second acknowledgement for a reply


def test_the_subject_token_alone_or_the_plus_address_alone_still_find_the_conversation(
    desk: HelpDesk,
) -> None:
    first_id = desk.customer_writes(new_mail("Invoice 2291 is wrong", "The VAT is missing."))
    desk.work()
    conversation_id = desk.filed(first_id).conversation_id
    reference = desk.conversation(conversation_id).reference
    [ack] = captured(reference)
    reply_to = parseaddr(str(capture_sender().email(ack.message_id)["Reply-To"]))[1]

    # A mail client that drops In-Reply-To and References but keeps the subject.
    by_token = desk.customer_writes(
        new_mail(f"Re: Invoice 2291 is wrong [{reference}]", "Here is the order number: 2291.")
    )
    # One that keeps nothing but the address it replies to (support+GW-…@).
    by_plus = desk.customer_writes(
        new_mail("one more thing", "Also, my address changed."), to=reply_to
    )
    # The same subject without any of our keys is a new conversation: never merge on subject.
    unrelated = desk.customer_writes(new_mail("Invoice 2291 is wrong", "Different question."))
    desk.work()
    assert desk.filed(by_token).conversation_id == conversation_id
    assert desk.filed(by_plus).conversation_id == conversation_id
    assert desk.filed(unrelated).conversation_id != conversation_id
    inbound = [
        m for m in desk.messages(conversation_id or 0) if m.direction == MessageDirection.INBOUND
    ]
    assert [m.external_id for m in inbound] == [first_id, by_token, by_plus]
    assert len(captured(reference)) == 1  # replies are not acknowledged again
