"""Sending a due invitation: a system message in the thread with one signed link per rating."""

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories import Factories
from goodwill.channels.ports import CaptureSender
from goodwill.channels.senders import capture_sender
from goodwill.conversations.enums import AuthorKind, MessageDirection
from goodwill.conversations.models import Conversation, Message
from goodwill.conversations.services.messages import DELIVER_JOB
from goodwill.conversations.services.status_change import change_status
from goodwill.conversations.status import ConversationStatus
from goodwill.core.clock import FixedClock
from goodwill.core.db import Database
from goodwill.core.jobs.enqueue import enqueue
from goodwill.core.jobs.models import Job
from goodwill.core.jobs.worker import Worker, drain_jobs
from goodwill.mail.services.outbound import send_outbound_message
from goodwill.settings import Settings
from goodwill.surveys.jobs import SCHEDULE_JOB, SEND_DUE_JOB
from goodwill.surveys.links import read_survey_token
from goodwill.surveys.models import SurveyInvitation
from goodwill.surveys.services.schedule import request_survey, schedule_finished
from goodwill.surveys.services.send import send_due

LINK = re.compile(r"(http\S+/s/([^?\s]+)\?score=(\d+))")


@pytest.fixture
def captured() -> Iterator[CaptureSender]:
    sender = capture_sender()
    sender.clear()
    yield sender
    sender.clear()


def resolved(session: Session, make: Factories, clock: FixedClock) -> Conversation:
    conversation = make.conversation()
    change_status(
        session, conversation, ConversationStatus.RESOLVED, now=clock.now(), actor_agent_id=None
    )
    session.flush()
    return conversation


def test_a_due_invitation_is_sent_in_the_thread_without_touching_status_or_sla(
    session: Session,
    make: Factories,
    clock: FixedClock,
    settings: Settings,
    captured: CaptureSender,
) -> None:
    conversation = resolved(session, make, clock)
    first = session.scalars(select(Message).where(Message.conversation_id == conversation.id)).one()
    first.external_id = "m1@customer.example"
    schedule_finished(session, now=clock.now())
    assert send_due(session, settings=settings, now=clock.now()) == 0  # not due for 2 hours
    before = (conversation.status, conversation.first_response_at, conversation.sla_due_at)
    activity = conversation.last_activity_at
    clock.advance(timedelta(hours=2))
    assert send_due(session, settings=settings, now=clock.now()) == 1
    invite = session.scalars(select(SurveyInvitation)).one()
    message = session.get(Message, invite.message_id)
    assert message is not None and invite.sent_at == clock.now()
    assert (message.author_kind, message.direction) == (
        AuthorKind.SYSTEM,
        MessageDirection.OUTBOUND,
    )
    assert message.body_text.startswith("How satisfied are you with the help you received?")
    links = LINK.findall(message.body_text)
    assert [int(score) for _, _, score in links] == [5, 4, 3, 2, 1]
    assert all(url.startswith(settings.base_url) for url, _, _ in links)
    assert {read_survey_token(settings, token) for _, token, _ in links} == {invite.nonce}
    assert "5 - Very satisfied" in message.body_text
    assert (conversation.status, conversation.first_response_at, conversation.sla_due_at) == before
    assert conversation.last_activity_at == activity
    job = session.scalars(select(Job).where(Job.name == DELIVER_JOB)).all()[-1]
    assert job.payload == {"message_id": message.id}
    assert send_due(session, settings=settings, now=clock.now()) == 0  # sent once

    send_outbound_message(
        session, message.id, settings=settings, now=clock.now(), last_attempt=False
    )
    email = captured.email(message.id)
    assert conversation.reference in str(email["Subject"])
    assert email["In-Reply-To"] == "<m1@customer.example>"  # in the customer's thread


def test_an_nps_invitation_offers_eleven_links(
    session: Session, make: Factories, clock: FixedClock, settings: Settings
) -> None:
    conversation = resolved(session, make, clock)
    invite = request_survey(session, conversation, "nps", agent_id=make.agent().id, now=clock.now())
    send_due(session, settings=settings, now=clock.now())
    message = session.get(Message, invite.message_id)
    assert message is not None
    assert [int(score) for _, _, score in LINK.findall(message.body_text)] == list(
        range(10, -1, -1)
    )


def test_a_conversation_reopened_before_the_send_is_cancelled_with_a_reason(
    session: Session, make: Factories, clock: FixedClock, settings: Settings
) -> None:
    conversation = resolved(session, make, clock)
    schedule_finished(session, now=clock.now())
    change_status(
        session, conversation, ConversationStatus.OPEN, now=clock.now(), actor_agent_id=None
    )
    clock.advance(timedelta(hours=3))
    assert send_due(session, settings=settings, now=clock.now()) == 0
    invite = session.scalars(select(SurveyInvitation)).one()
    assert (invite.suppressed_reason, invite.sent_at, invite.message_id) == ("reopened", None, None)
    assert conversation.message_count == 1


def test_an_invitation_past_its_expiry_is_not_sent(
    session: Session, make: Factories, clock: FixedClock, settings: Settings
) -> None:
    resolved(session, make, clock)
    schedule_finished(session, now=clock.now())
    clock.advance(timedelta(days=8))
    assert send_due(session, settings=settings, now=clock.now()) == 0
    assert session.scalars(select(SurveyInvitation)).one().suppressed_reason == "expired"


def test_send_due_leaves_relationship_nps_to_its_own_email_job(
    session: Session, make: Factories, clock: FixedClock, settings: Settings
) -> None:
    customer = make.customer()
    invite = SurveyInvitation(
        kind="nps",
        conversation_id=None,
        customer_id=customer.id,
        nonce="a" * 32,
        created_at=clock.now(),
        send_at=clock.now(),
        expires_at=clock.now() + timedelta(days=14),
        trigger="relationship",
    )
    session.add(invite)
    session.flush()
    assert send_due(session, settings=settings, now=clock.now()) == 0
    assert (invite.suppressed_reason, invite.sent_at, invite.message_id) == (None, None, None)


def test_the_worker_schedules_sends_and_delivers_a_survey(
    session: Session,
    make: Factories,
    clock: FixedClock,
    settings: Settings,
    database: Database,
    captured: CaptureSender,
) -> None:
    conversation = resolved(session, make, clock)
    enqueue(session, SCHEDULE_JOB, {}, now=clock.now())
    session.flush()
    worker = Worker(database, clock=clock, settings=settings)
    drain_jobs(worker)
    clock.advance(timedelta(hours=2))
    enqueue(session, SEND_DUE_JOB, {}, now=clock.now())
    session.flush()
    drain_jobs(worker)
    session.expire_all()
    invite = session.scalars(select(SurveyInvitation)).one()
    assert invite.sent_at == clock.now() and invite.message_id is not None
    email = captured.email(invite.message_id)
    assert conversation.reference in str(email["Subject"])
    plain = email.get_body(preferencelist=("plain",))
    assert plain is not None and plain.get_content().count("/s/") == 5
