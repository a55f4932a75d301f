"""Keeping facts fresh: changes made through the services reach the row when the job runs,
a second run does nothing, spam has no row, and a batch costs a fixed number of queries."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from factories import Factories
from goodwill.commerce.models import Order
from goodwill.conversations.models import Conversation
from goodwill.conversations.schemas import MessageCreate, MessageKind
from goodwill.conversations.services.messages import add_message
from goodwill.conversations.services.sla import record_sla_breaches
from goodwill.conversations.services.status_change import change_status
from goodwill.conversations.status import ConversationStatus
from goodwill.core.clock import FixedClock
from goodwill.core.db import Database
from goodwill.core.jobs.registry import JobContext, find_handler, periodic_schedules
from goodwill.insights.facts_rules import REPURCHASE_WINDOW
from goodwill.insights.jobs import REFRESH_FACTS_JOB, refresh_facts_job
from goodwill.insights.models import ConversationFact, InsightMark
from goodwill.insights.services.facts import rebuild_all_facts, refresh_facts, sweep_facts
from goodwill.quality.services.score import score_conversations
from goodwill.settings import Settings
from goodwill.surveys.models import SurveyResponse
from goodwill.surveys.services.answer import record_answer
from goodwill.surveys.services.schedule import request_survey

FIRST_REPLY = "Hi Dana, thanks for getting in touch. Which model of the kettle do you have?"
SOLVING_REPLY = (
    "I have sent you a replacement today. Thanks for your patience, and let me know if "
    "there is anything else I can help with."
)


def run_job(session: Session, settings: Settings, now: datetime) -> None:
    refresh_facts_job(JobContext(session, now, 1, 1, settings), {})


def fact_of(session: Session, conversation: Conversation) -> ConversationFact | None:
    session.expire_all()
    return session.get(ConversationFact, conversation.id)


def reply(
    session: Session, conversation: Conversation, agent: Any, text: str, at: datetime
) -> None:
    add_message(
        session,
        conversation,
        data=MessageCreate(kind=MessageKind.REPLY, body_text=text),
        actor=agent,
        now=at,
    )
    session.flush()


def test_the_job_is_registered_and_runs_every_minute() -> None:
    import goodwill.jobs_index  # noqa: F401

    assert find_handler(REFRESH_FACTS_JOB) is refresh_facts_job
    schedule = {every.name: every.interval for every in periodic_schedules()}
    assert schedule[REFRESH_FACTS_JOB] == timedelta(minutes=1)


def test_reply_resolve_and_survey_reach_the_facts_and_a_second_run_does_nothing(
    session: Session, make: Factories, clock: FixedClock, settings: Settings
) -> None:
    t0 = clock.now()
    agent = make.agent()
    customer = make.customer(name="Dana Whitfield")
    conversation = make.conversation(customer=customer, assignee=agent)

    run_job(session, settings, t0 + timedelta(minutes=5))
    fact = fact_of(session, conversation)
    assert fact is not None
    assert (fact.status, fact.customer_messages, fact.agent_messages) == ("new", 1, 0)
    assert (fact.segment, fact.first_response_seconds, fact.greeted_by_name) == ("new", None, None)
    first_refresh = fact.refreshed_at

    run_job(session, settings, t0 + timedelta(minutes=7))  # nothing changed since
    fact = fact_of(session, conversation)
    assert fact is not None and fact.refreshed_at == first_refresh

    reply(session, conversation, agent, FIRST_REPLY, t0 + timedelta(minutes=11))
    run_job(session, settings, t0 + timedelta(minutes=15))
    fact = fact_of(session, conversation)
    assert fact is not None
    assert fact.agent_messages == 1 and fact.first_response_seconds == 11 * 60
    assert (fact.greeted_by_name, fact.asked_needs, fact.thanked) == (True, True, None)

    reply(session, conversation, agent, SOLVING_REPLY, t0 + timedelta(minutes=20))
    change_status(
        session,
        conversation,
        ConversationStatus.RESOLVED,
        now=t0 + timedelta(minutes=21),
        actor_agent_id=agent.id,
    )
    session.flush()
    run_job(session, settings, t0 + timedelta(minutes=25))
    fact = fact_of(session, conversation)
    assert fact is not None
    assert fact.status == "resolved" and fact.resolution_seconds == 21 * 60
    assert fact.thanked is True and fact.repurchased is None and fact.csat is None

    invitation = request_survey(session, conversation, "csat", agent_id=agent.id, now=t0)
    session.flush()
    record_answer(session, invitation, score=2, comment="The kettle is still broken.", now=t0)
    run_job(session, settings, t0 + timedelta(minutes=30))
    fact = fact_of(session, conversation)
    assert fact is not None
    assert (fact.csat, fact.survey_answered) == (2, True)
    assert fact.cause in ("service", "product", "policy", "none")
    refreshed = fact.refreshed_at

    result = sweep_facts(session, now=t0 + timedelta(minutes=40))
    assert (result.refreshed, result.more) == (0, False)
    fact = fact_of(session, conversation)
    assert fact is not None and fact.refreshed_at == refreshed


def test_a_run_too_soon_after_the_last_does_nothing(
    session: Session, make: Factories, clock: FixedClock, settings: Settings
) -> None:
    earlier = make.conversation()
    last_run = clock.now() + timedelta(minutes=5)
    sweep_facts(session, now=last_run)
    assert fact_of(session, earlier) is not None
    conversation = make.conversation()
    run_job(session, settings, last_run + timedelta(seconds=30))  # the interval is 60 s
    assert fact_of(session, conversation) is None
    run_job(session, settings, last_run + timedelta(seconds=60))
    assert fact_of(session, conversation) is not None


def test_quality_scores_and_relationship_answers_are_picked_up(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    t0 = clock.now()
    agent = make.agent()
    customer = make.customer(name="Dana Whitfield")
    conversation = make.conversation(customer=customer, assignee=agent)
    reply(session, conversation, agent, FIRST_REPLY, t0 + timedelta(minutes=1))
    change_status(
        session,
        conversation,
        ConversationStatus.RESOLVED,
        now=t0 + timedelta(minutes=2),
        actor_agent_id=agent.id,
    )
    session.flush()
    sweep_facts(session, now=t0 + timedelta(minutes=5))
    fact = fact_of(session, conversation)
    assert fact is not None and fact.step_acknowledgement is None and fact.nps is None

    score_conversations(session, [conversation.id], now=t0 + timedelta(minutes=6))
    session.add(
        SurveyResponse(
            kind="nps",
            conversation_id=None,
            customer_id=customer.id,
            score=3,
            comment="",
            reasons=[],
            answered_at=t0 + timedelta(minutes=7),
            updated_at=t0 + timedelta(minutes=7),
        )
    )
    session.flush()
    result = sweep_facts(session, now=t0 + timedelta(minutes=10))
    assert result.refreshed == 1
    fact = fact_of(session, conversation)
    assert fact is not None
    assert fact.step_acknowledgement == "done" and fact.quality_total is not None
    assert fact.nps == 3  # the relationship answer, attributed to the last resolved one


def test_bounded_runs_walk_every_change_without_missing_one(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    conversations = [make.conversation() for _ in range(7)]
    now = clock.now() + timedelta(minutes=5)
    runs = 0
    while True:
        runs += 1
        result = sweep_facts(session, now=now, limit=3)
        if not result.more:
            break
    assert runs >= 3
    for conversation in conversations:
        assert fact_of(session, conversation) is not None
    mark = session.get(InsightMark, "facts.conversations")
    assert mark is not None and mark.mark_id == conversations[-1].id


def test_spam_and_deleted_conversations_have_no_row(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    now = clock.now()
    spam, kept = make.conversation(), make.conversation()
    assert refresh_facts(session, [spam.id, kept.id, 999_999], now) == 2
    spam.is_spam = True
    session.flush()
    assert refresh_facts(session, [spam.id, kept.id], now) == 1
    assert fact_of(session, spam) is None
    assert fact_of(session, kept) is not None


@contextmanager
def counted_queries(session: Session) -> Iterator[list[str]]:
    statements: list[str] = []
    engine = session.get_bind()

    def count(*args: Any) -> None:
        statements.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_a_batch_costs_the_same_number_of_queries_whatever_its_size(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    agent = make.agent()
    small = [make.conversation(assignee=agent) for _ in range(2)]
    large = [make.conversation(assignee=agent) for _ in range(12)]
    for conversation in small + large:
        reply(session, conversation, agent, FIRST_REPLY, clock.now())
    refresh_facts(session, [small[0].id], clock.now())  # warm the calendar cache
    with counted_queries(session) as few:
        refresh_facts(session, [c.id for c in small], clock.now())
    with counted_queries(session) as many:
        refresh_facts(session, [c.id for c in large], clock.now())
    assert len(many) == len(few) <= 19  # 16 for the facts, 3 for the days of the rollup
    assert session.scalar(select(ConversationFact.agent_messages).limit(1)) == 1


def test_after_a_rebuild_the_job_goes_on_from_where_it_started(
    database: Database, session: Session, make: Factories, clock: FixedClock
) -> None:
    before = make.conversation()
    rebuilt_at = clock.now() + timedelta(minutes=10)
    assert rebuild_all_facts(database, rebuilt_at) >= 1
    assert sweep_facts(session, now=rebuilt_at + timedelta(minutes=1)).refreshed == 0
    change_status(
        session,
        before,
        ConversationStatus.OPEN,
        now=rebuilt_at + timedelta(minutes=2),
        actor_agent_id=None,
    )
    session.flush()
    result = sweep_facts(session, now=rebuilt_at + timedelta(minutes=5))
    assert result.refreshed == 1
    fact = fact_of(session, before)
    assert fact is not None and fact.status == "open"


def test_an_sla_breach_reaches_the_facts_through_its_event(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    """Recording a breach appends an event but does not touch the conversation."""
    make.sla_policy(first_response=timedelta(hours=1))
    conversation = make.conversation()
    t0 = clock.now()
    sweep_facts(session, now=t0 + timedelta(minutes=5))
    fact = fact_of(session, conversation)
    assert fact is not None and fact.sla_applies and not fact.sla_breached
    breach_at = t0 + timedelta(hours=2)
    assert record_sla_breaches(session, now=breach_at) >= 1
    assert session.get(Conversation, conversation.id).last_activity_at == t0  # type: ignore[union-attr]
    sweep_facts(session, now=breach_at + timedelta(minutes=1))  # not settled yet
    fact = fact_of(session, conversation)
    assert fact is not None and not fact.sla_breached
    sweep_facts(session, now=breach_at + timedelta(minutes=5))
    fact = fact_of(session, conversation)
    assert fact is not None and fact.sla_breached and fact.first_response_breached


def test_repurchase_turns_true_with_an_order_and_false_when_the_window_closes(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    t0 = clock.now()
    agent = make.agent()
    buyer, other = make.customer(), make.customer()
    bought = make.conversation(customer=buyer, assignee=agent)
    waited = make.conversation(customer=other, assignee=agent)
    for conversation in (bought, waited):
        reply(session, conversation, agent, SOLVING_REPLY, t0 + timedelta(minutes=1))
        change_status(
            session,
            conversation,
            ConversationStatus.RESOLVED,
            now=t0 + timedelta(minutes=2),
            actor_agent_id=agent.id,
        )
    session.flush()
    sweep_facts(session, now=t0 + timedelta(minutes=5))
    assert [fact_of(session, c).repurchased for c in (bought, waited)] == [None, None]  # type: ignore[union-attr]

    session.add(
        Order(
            customer_id=buyer.id,
            external_id="HW-1",
            ordered_at=t0 + timedelta(days=30),
            amount_cents=4900,
        )
    )
    session.flush()
    sweep_facts(session, now=t0 + timedelta(days=30, minutes=5))
    assert [fact_of(session, c).repurchased for c in (bought, waited)] == [True, None]  # type: ignore[union-attr]

    closed = t0 + REPURCHASE_WINDOW + timedelta(minutes=10)
    result = sweep_facts(session, now=closed)
    assert result.refreshed == 2  # both windows closed; the order keeps the first one true
    assert [fact_of(session, c).repurchased for c in (bought, waited)] == [True, False]  # type: ignore[union-attr]
