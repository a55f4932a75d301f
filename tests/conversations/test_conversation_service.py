"""Conversation use-cases on a real database: facts, events, SLA, assignment, status."""

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories import Factories
from goodwill.conversations.access import scope_for
from goodwill.conversations.enums import EventKind
from goodwill.conversations.models import ConversationEvent
from goodwill.conversations.schemas import ConversationUpdate, MessageCreate, MessageKind
from goodwill.conversations.services.messages import add_message
from goodwill.conversations.services.sla import record_sla_breaches
from goodwill.conversations.services.update import update_conversation
from goodwill.conversations.status import ConversationStatus
from goodwill.core.clock import FixedClock
from goodwill.core.errors import Conflict
from goodwill.core.jobs.enqueue import count_jobs


def event_kinds(session: Session, conversation_id: int) -> list[str]:
    return list(
        session.scalars(
            select(ConversationEvent.kind)
            .where(ConversationEvent.conversation_id == conversation_id)
            .order_by(ConversationEvent.id)
        )
    )


def test_open_conversation_records_created_and_first_message(
    session: Session, make: Factories
) -> None:
    conversation = make.conversation()
    assert conversation.status == ConversationStatus.NEW
    assert conversation.message_count == 1
    assert conversation.last_customer_message_at == conversation.created_at
    assert event_kinds(session, conversation.id) == [EventKind.CREATED, EventKind.MESSAGE_ADDED]


def test_first_reply_sets_first_response_and_waits_on_customer(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    agent = make.agent()
    conversation = make.conversation(assignee=agent)
    clock.advance(timedelta(minutes=30))
    add_message(
        session,
        conversation,
        data=MessageCreate(kind=MessageKind.REPLY, body_text="Hi Ada"),
        actor=agent,
        now=clock.now(),
    )
    assert conversation.first_response_at == clock.now()
    assert conversation.status == ConversationStatus.PENDING
    assert count_jobs(session, name="conversations.deliver_message") == 1
    kinds = event_kinds(session, conversation.id)
    assert EventKind.FIRST_RESPONSE in kinds
    first = session.scalar(
        select(ConversationEvent).where(
            ConversationEvent.conversation_id == conversation.id,
            ConversationEvent.kind == EventKind.FIRST_RESPONSE,
        )
    )
    assert first is not None and first.data["seconds"] == 1800


def test_customer_reply_on_resolved_conversation_reopens_it(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    agent = make.agent()
    conversation = make.conversation(assignee=agent)
    scope = scope_for(session, agent)
    update_conversation(
        session,
        conversation.id,
        patch=ConversationUpdate(status=ConversationStatus.RESOLVED),
        actor=agent,
        scope=scope,
        now=clock.now(),
    )
    assert conversation.resolved_at == clock.now()
    clock.advance(timedelta(hours=2))
    add_message(
        session,
        conversation,
        data=MessageCreate(body_text="Still broken"),
        actor=None,
        now=clock.now(),
    )
    assert conversation.status == ConversationStatus.OPEN
    assert conversation.reopened_count == 1
    assert conversation.resolved_at is None
    assert EventKind.REOPENED in event_kinds(session, conversation.id)


def test_forbidden_transition_is_a_conflict(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    agent = make.agent()
    conversation = make.conversation(assignee=agent)
    scope = scope_for(session, agent)
    update_conversation(
        session,
        conversation.id,
        patch=ConversationUpdate(status=ConversationStatus.CLOSED),
        actor=agent,
        scope=scope,
        now=clock.now(),
    )
    with pytest.raises(Conflict):
        update_conversation(
            session,
            conversation.id,
            patch=ConversationUpdate(status=ConversationStatus.PENDING),
            actor=agent,
            scope=scope,
            now=clock.now(),
        )


def test_sla_due_in_business_hours_and_breach_recorded(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    hours = make.business_hours()  # Mon-Fri 09:00-17:00 UTC; clock starts Monday 09:00
    team = make.team(business_hours=hours)
    make.sla_policy(first_response=timedelta(hours=4), resolution=timedelta(hours=16))
    clock.advance(timedelta(hours=6))  # Monday 15:00
    conversation = make.conversation(team=team)
    assert conversation.first_response_due_at == clock.now() + timedelta(hours=20)  # Tue 11:00
    assert conversation.sla_due_at == conversation.first_response_due_at
    clock.advance(timedelta(hours=21))
    assert record_sla_breaches(session, now=clock.now()) == 1
    assert conversation.first_response_breached_at == clock.now()
    assert EventKind.SLA_BREACHED in event_kinds(session, conversation.id)


def test_round_robin_assignment_spreads_conversations(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    first, second = make.agent(), make.agent()
    team = make.team(members=(first, second), strategy="round_robin")
    assignees = []
    for _ in range(4):
        clock.advance(timedelta(minutes=1))
        assignees.append(make.conversation(team=team).assignee_id)
    assert sorted(assignees) == sorted([first.id, second.id] * 2)
    assert assignees[0] != assignees[1]


def test_least_loaded_respects_capacity(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    busy = make.agent(capacity=1)
    team = make.team(members=(busy,), strategy="least_loaded")
    assert make.conversation(team=team).assignee_id == busy.id
    assert make.conversation(team=team).assignee_id is None


def test_moving_to_another_team_counts_sla_in_its_hours(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    agent = make.agent()
    make.sla_policy(first_response=timedelta(hours=4))
    clock.advance(timedelta(hours=6))  # Monday 15:00 UTC
    conversation = make.conversation()  # no team: always open, due 19:00
    assert conversation.first_response_due_at == clock.now() + timedelta(hours=4)
    office = make.team(business_hours=make.business_hours())  # Mon-Fri 09-17
    update_conversation(
        session,
        conversation.id,
        patch=ConversationUpdate(team_id=office.id),
        actor=agent,
        scope=scope_for(session, agent),
        now=clock.now(),
    )
    assert conversation.first_response_due_at == clock.now() + timedelta(hours=20)  # Tue 11:00


def test_resolving_clears_the_next_response_target(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    agent = make.agent()
    make.sla_policy(next_response=timedelta(hours=2))
    conversation = make.conversation(assignee=agent)
    add_message(
        session,
        conversation,
        data=MessageCreate(kind=MessageKind.REPLY, body_text="Hi"),
        actor=agent,
        now=clock.now(),
    )
    clock.advance(timedelta(minutes=10))
    add_message(
        session,
        conversation,
        data=MessageCreate(body_text="Thanks, solved"),
        actor=None,
        now=clock.now(),
    )
    assert conversation.next_response_due_at is not None
    update_conversation(
        session,
        conversation.id,
        patch=ConversationUpdate(status=ConversationStatus.RESOLVED),
        actor=agent,
        scope=scope_for(session, agent),
        now=clock.now(),
    )
    assert conversation.next_response_due_at is None
    clock.advance(timedelta(days=1))
    assert record_sla_breaches(session, now=clock.now()) == 0
