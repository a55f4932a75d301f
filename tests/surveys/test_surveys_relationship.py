"""Relationship NPS by email: who is invited, the dedupe key, the queued email job and the
standalone email itself (not in a thread), sent once."""

import re
from collections.abc import Iterator
from datetime import timedelta
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from factories import Factories
from goodwill.channels.ports import (
    CaptureSender,
    OutboundMessage,
    PermanentDeliveryError,
    SendReceipt,
)
from goodwill.channels.senders import capture_sender
from goodwill.conversations.models import Conversation
from goodwill.conversations.services.status_change import change_status
from goodwill.conversations.status import ConversationStatus
from goodwill.core.clock import FixedClock
from goodwill.core.jobs.models import Job
from goodwill.customers.models import Customer, CustomerIdentity, IdentityKind
from goodwill.settings import Settings
from goodwill.surveys.links import read_survey_token
from goodwill.surveys.models import SurveyInvitation
from goodwill.surveys.rules import relationship_dedupe_key, relationship_period
from goodwill.surveys.services import relationship_mail
from goodwill.surveys.services.relationship import (
    EMAIL_JOB,
    email_job_key,
    schedule_relationship,
)
from goodwill.surveys.services.relationship_mail import send_relationship_email
from goodwill.surveys.services.schedule import request_survey
from goodwill.surveys.services.templates import update_template

LINK = re.compile(r"(http\S+/s/([^?\s]+)\?score=(\d+))")
QUESTION = "How likely are you to recommend us to a friend or colleague?"


@pytest.fixture
def captured() -> Iterator[CaptureSender]:
    sender = capture_sender()
    sender.clear()
    yield sender
    sender.clear()


def active_customer(
    session: Session, make: Factories, clock: FixedClock, *, email: str | None = None
) -> Customer:
    """A customer with a conversation resolved now."""
    customer = make.customer(name="Maria Lopez", email=email)
    conversation = make.conversation(customer=customer)
    change_status(
        session, conversation, ConversationStatus.RESOLVED, now=clock.now(), actor_agent_id=None
    )
    session.flush()
    return customer


class FailingSender:
    """Refuses every message: permanently (like a 550) or for now (like a 451)."""

    def __init__(self, error: Exception) -> None:
        self.error = error
        self.tries = 0

    def send(self, message: OutboundMessage, *, now: object) -> SendReceipt:  # noqa: ARG002
        self.tries += 1
        raise self.error


def use_sender(monkeypatch: pytest.MonkeyPatch, sender: object) -> None:
    monkeypatch.setattr(relationship_mail, "sender_for", lambda *_args, **_kw: sender)


def relationship_invitations(session: Session) -> list[SurveyInvitation]:
    query = select(SurveyInvitation).where(SurveyInvitation.trigger == "relationship")
    return list(session.scalars(query.order_by(SurveyInvitation.id)))


def email_jobs(session: Session) -> list[Job]:
    return list(session.scalars(select(Job).where(Job.name == EMAIL_JOB).order_by(Job.id)))


def sent_emails(captured: CaptureSender, invitation: SurveyInvitation) -> list[EmailMessage]:
    parser = BytesParser(policy=policy.default)
    found = [parser.parsebytes(raw) for key, raw in captured.raw if key == invitation.id]
    return [email for email in found if str(email["Message-ID"]).startswith("<survey-")]


def test_the_job_invites_once_per_cycle_with_a_dedupe_key_and_queues_the_email(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    customer = active_customer(session, make, clock)
    assert schedule_relationship(session, now=clock.now()) == 1
    assert schedule_relationship(session, now=clock.now()) == 0  # re-running adds nothing
    [invite] = relationship_invitations(session)
    period = relationship_period(clock.now(), 6)
    assert invite.dedupe_key == relationship_dedupe_key(customer.id, 6, period)
    assert invite.dedupe_key == f"nps:r{customer.id}:6m{period}"
    assert (invite.conversation_id, invite.suppressed_reason, invite.sent_at) == (None, None, None)
    assert invite.expires_at == clock.now() + timedelta(days=14)
    [job] = email_jobs(session)
    assert job.payload == {"invitation_id": invite.id}
    assert job.dedupe_key == email_job_key(invite.id) and job.run_after == clock.now()


def test_no_email_identity_cool_down_and_sampling_are_stored_as_suppressed(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    phone_only = active_customer(session, make, clock)
    session.execute(delete(CustomerIdentity).where(CustomerIdentity.customer_id == phone_only.id))
    session.add(
        CustomerIdentity(
            customer_id=phone_only.id,
            kind=IdentityKind.PHONE,
            value="+4912345",
            created_at=clock.now(),
        )
    )
    recently_asked = active_customer(session, make, clock)
    [conversation] = session.scalars(
        select(Conversation).where(Conversation.customer_id == recently_asked.id)
    )
    request_survey(session, conversation, "nps", agent_id=make.agent().id, now=clock.now())
    clock.advance(timedelta(days=30))  # within the 90-day NPS cool-down
    schedule_relationship(session, now=clock.now())
    reasons = {row.customer_id: row.suppressed_reason for row in relationship_invitations(session)}
    assert reasons == {phone_only.id: "no_email", recently_asked.id: "cool_down"}
    assert email_jobs(session) == []  # nothing to send

    clock.advance(timedelta(days=200))
    update_template(session, "nps", {"sampling_rate": 0.0}, now=clock.now())
    sampled = active_customer(session, make, clock)
    schedule_relationship(session, now=clock.now())
    latest = {row.customer_id: row.suppressed_reason for row in relationship_invitations(session)}
    assert latest[sampled.id] == "sampled_out" and email_jobs(session) == []


def test_the_email_is_standalone_from_support_with_a_link_per_rating_and_sent_once(
    session: Session,
    make: Factories,
    clock: FixedClock,
    settings: Settings,
    captured: CaptureSender,
) -> None:
    customer = active_customer(session, make, clock, email="maria@customer.example")
    schedule_relationship(session, now=clock.now())
    [invite] = relationship_invitations(session)
    assert send_relationship_email(session, invite.id, settings=settings, now=clock.now())
    assert invite.sent_at == clock.now()
    assert not send_relationship_email(session, invite.id, settings=settings, now=clock.now())
    [email] = sent_emails(captured, invite)
    assert email["To"].addresses[0].addr_spec == "maria@customer.example"
    assert email["To"].addresses[0].display_name == customer.name
    assert email["From"].addresses[0].addr_spec == settings.support_address
    assert email["From"].addresses[0].display_name == settings.support_name
    assert QUESTION in str(email["Subject"]) and "GW-" not in str(email["Subject"])
    assert email["In-Reply-To"] is None and email["References"] is None
    assert email["Auto-Submitted"] in ("auto-replied", "auto-generated")  # RFC 3834
    plain = email.get_body(preferencelist=("plain",))
    assert plain is not None
    text = plain.get_content()
    assert text.startswith(QUESTION)
    links = LINK.findall(text)
    assert [int(score) for _, _, score in links] == list(range(10, -1, -1))
    assert {read_survey_token(settings, token) for _, token, _ in links} == {invite.nonce}
    assert "10 - Extremely likely" in text and "0 - Not at all likely" in text


def test_a_retry_after_a_crash_carries_the_same_message_id(
    session: Session,
    make: Factories,
    clock: FixedClock,
    settings: Settings,
    captured: CaptureSender,
) -> None:
    active_customer(session, make, clock)
    schedule_relationship(session, now=clock.now())
    [invite] = relationship_invitations(session)
    send_relationship_email(session, invite.id, settings=settings, now=clock.now())
    invite.sent_at = None  # as if the transaction that recorded the send had been lost
    send_relationship_email(session, invite.id, settings=settings, now=clock.now())
    first, second = sent_emails(captured, invite)
    assert first["Message-ID"] == second["Message-ID"]


def test_expired_no_longer_reachable_and_refused_invitations_are_suppressed(
    monkeypatch: pytest.MonkeyPatch,
    session: Session,
    make: Factories,
    clock: FixedClock,
    settings: Settings,
    captured: CaptureSender,
) -> None:
    late = active_customer(session, make, clock)
    schedule_relationship(session, now=clock.now())
    [invite] = relationship_invitations(session)
    later = clock.now() + timedelta(days=15)
    assert not send_relationship_email(session, invite.id, settings=settings, now=later)
    assert invite.suppressed_reason == "expired"

    gone = active_customer(session, make, clock)
    refused = active_customer(session, make, clock, email="nobody@customer.example")
    schedule_relationship(session, now=clock.now())
    by_customer = {row.customer_id: row for row in relationship_invitations(session)}
    session.execute(delete(CustomerIdentity).where(CustomerIdentity.customer_id == gone.id))
    assert not send_relationship_email(
        session, by_customer[gone.id].id, settings=settings, now=clock.now()
    )
    assert by_customer[gone.id].suppressed_reason == "no_email"

    use_sender(monkeypatch, FailingSender(PermanentDeliveryError("550 No such user", code=550)))
    invite = by_customer[refused.id]
    assert not send_relationship_email(session, invite.id, settings=settings, now=clock.now())
    assert (invite.suppressed_reason, invite.sent_at) == ("email_refused", None)
    assert by_customer[late.id].sent_at is None and captured.raw == []


def test_a_temporary_failure_is_retried_and_the_last_attempt_gives_up(
    monkeypatch: pytest.MonkeyPatch,
    session: Session,
    make: Factories,
    clock: FixedClock,
    settings: Settings,
    captured: CaptureSender,
) -> None:
    active_customer(session, make, clock)
    schedule_relationship(session, now=clock.now())
    [invite] = relationship_invitations(session)
    failing = FailingSender(ConnectionError("451 try again later"))
    use_sender(monkeypatch, failing)
    with pytest.raises(ConnectionError, match="451"):
        send_relationship_email(session, invite.id, settings=settings, now=clock.now())
    assert (invite.suppressed_reason, invite.sent_at) == (None, None)  # the worker retries
    assert not send_relationship_email(
        session, invite.id, settings=settings, now=clock.now(), last_attempt=True
    )
    assert (invite.suppressed_reason, invite.sent_at, failing.tries) == ("email_refused", None, 2)
    use_sender(monkeypatch, captured)
    assert not send_relationship_email(session, invite.id, settings=settings, now=clock.now())
    assert captured.raw == []
