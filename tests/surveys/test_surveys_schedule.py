"""Invitations after resolution and close, on an agent's request, and the relationship NPS."""

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories import Factories
from goodwill.conversations.models import Conversation, Message
from goodwill.conversations.services.status_change import change_status
from goodwill.conversations.status import ConversationStatus
from goodwill.core.clock import FixedClock
from goodwill.core.errors import Conflict
from goodwill.customers.models import Customer
from goodwill.surveys.models import SurveyInvitation
from goodwill.surveys.services.relationship import schedule_relationship
from goodwill.surveys.services.schedule import request_survey, schedule_finished
from goodwill.surveys.services.templates import get_template, update_template


def resolve(session: Session, conversation: Conversation, clock: FixedClock) -> None:
    change_status(
        session, conversation, ConversationStatus.RESOLVED, now=clock.now(), actor_agent_id=None
    )
    session.flush()


def invitations(session: Session) -> list[SurveyInvitation]:
    return list(session.scalars(select(SurveyInvitation).order_by(SurveyInvitation.id)))


def test_a_resolved_conversation_is_invited_after_the_delay_once(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    conversation = make.conversation()
    resolved_at = clock.now()
    resolve(session, conversation, clock)
    clock.advance(timedelta(minutes=1))
    assert schedule_finished(session, now=clock.now()) == 1
    assert schedule_finished(session, now=clock.now()) == 0
    [invite] = invitations(session)
    assert invite.kind == "csat" and invite.trigger == "resolved"
    assert invite.suppressed_reason is None
    assert invite.send_at == resolved_at + timedelta(minutes=120)
    assert invite.expires_at == invite.send_at + timedelta(days=7)
    assert invite.conversation_id == conversation.id and len(invite.nonce) == 32


def test_a_close_trigger_waits_for_the_close(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    update_template(session, "csat", {"trigger": "closed", "delay_minutes": 0}, now=clock.now())
    conversation = make.conversation()
    resolve(session, conversation, clock)
    assert schedule_finished(session, now=clock.now()) == 0
    change_status(
        session, conversation, ConversationStatus.CLOSED, now=clock.now(), actor_agent_id=None
    )
    assert schedule_finished(session, now=clock.now()) == 1
    assert invitations(session)[0].trigger == "closed"


def test_spam_and_the_cool_down_are_stored_as_suppressed(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    customer = make.customer()
    first = make.conversation(customer=customer)
    second = make.conversation(customer=customer)
    spam = make.conversation()
    spam.is_spam = True
    for conversation in (first, second, spam):
        resolve(session, conversation, clock)
    schedule_finished(session, now=clock.now())
    reasons = {row.conversation_id: row.suppressed_reason for row in invitations(session)}
    assert reasons == {first.id: None, second.id: "cool_down", spam.id: "spam"}


def test_a_conversation_with_only_automatic_customer_mail_is_never_surveyed(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    conversation = make.conversation()
    for message in session.scalars(
        select(Message).where(Message.conversation_id == conversation.id)
    ):
        message.is_auto_reply = True
    resolve(session, conversation, clock)
    schedule_finished(session, now=clock.now())
    assert invitations(session)[0].suppressed_reason == "auto_reply_only"


def test_sampling_and_a_disabled_template(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    update_template(session, "csat", {"sampling_rate": 0.0}, now=clock.now())
    resolve(session, make.conversation(), clock)
    schedule_finished(session, now=clock.now())
    assert invitations(session)[0].suppressed_reason == "sampled_out"
    update_template(session, "csat", {"is_enabled": False}, now=clock.now())
    resolve(session, make.conversation(), clock)
    assert schedule_finished(session, now=clock.now()) == 0


def test_resolutions_older_than_the_lookback_are_left_alone(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    resolve(session, make.conversation(), clock)
    clock.advance(timedelta(days=3))
    assert schedule_finished(session, now=clock.now()) == 0


def test_an_agent_asks_for_a_survey_of_a_resolved_conversation(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    agent = make.agent()
    conversation = make.conversation()
    with pytest.raises(Conflict, match="resolve or close the conversation first"):
        request_survey(session, conversation, "ces", agent_id=agent.id, now=clock.now())
    resolve(session, conversation, clock)
    invite = request_survey(session, conversation, "ces", agent_id=agent.id, now=clock.now())
    assert (invite.trigger, invite.requested_by_agent_id, invite.send_at) == (
        "agent",
        agent.id,
        clock.now(),
    )
    with pytest.raises(Conflict, match="already has a CES survey"):
        request_survey(session, conversation, "ces", agent_id=agent.id, now=clock.now())


def test_relationship_nps_goes_to_active_customers_once_per_window(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    active = make.conversation()
    make.conversation()  # never resolved: not active in the sense of the survey
    resolve(session, active, clock)
    assert schedule_relationship(session, now=clock.now()) == 1
    assert schedule_relationship(session, now=clock.now()) == 0
    [invite] = invitations(session)
    assert (invite.kind, invite.trigger, invite.conversation_id) == ("nps", "relationship", None)
    assert invite.customer_id == session.get(Customer, active.customer_id).id  # type: ignore[union-attr]
    clock.advance(timedelta(days=181))
    resolve_again = make.conversation(customer=session.get(Customer, active.customer_id))
    resolve(session, resolve_again, clock)
    assert schedule_relationship(session, now=clock.now()) == 1


def test_templates_are_created_with_the_defaults_on_first_use(
    session: Session, clock: FixedClock
) -> None:
    nps = get_template(session, "nps", now=clock.now())
    assert nps.question == "How likely are you to recommend us to a friend or colleague?"
    assert nps.comment_prompt == "What is the main reason for your score?"
    csat = get_template(session, "csat", now=clock.now())
    assert csat.labels["1"] == "Very dissatisfied" and csat.labels["5"] == "Very satisfied"
    groups = {reason["key"]: reason["group"] for reason in csat.reasons}
    assert groups["rude"] == "service" and groups["defect"] == "product"
    assert get_template(session, "ces", now=clock.now()).question.startswith("How easy")
