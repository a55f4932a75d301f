"""The scoring service on a real database: transcripts and facts read in a fixed number of
queries, the pure scorer's verdicts saved as one row per conversation, replaced on re-scoring."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from factories import Factories
from goodwill.agents.roles import Role
from goodwill.conversations.access import scope_for
from goodwill.conversations.models import Conversation
from goodwill.conversations.schemas import ConversationUpdate
from goodwill.conversations.services.update import update_conversation
from goodwill.core.clock import FixedClock
from goodwill.proactive.models import Promise
from goodwill.quality.models import QualityRubric, QualityScore
from goodwill.quality.scoring import SCORER_VERSION
from goodwill.quality.services.score import (
    credited_agent,
    insert_or_replace,
    load_inputs,
    prepare_scores,
    score_conversations,
)
from goodwill.quality.transcript import TranscriptMessage
from support.quality_threads import (
    CURT_THREAD,
    GOOD_THREAD,
    cheap_password_hashing,  # noqa: F401  (autouse)
    thread,
)


@contextmanager
def counting(session: Session) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    engine = session.get_bind().engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def saved(session: Session, conversation: Conversation) -> QualityScore:
    score = session.scalar(
        select(QualityScore).where(QualityScore.conversation_id == conversation.id)
    )
    assert score is not None
    return score


def test_a_good_thread_is_saved_with_steps_evidence_and_whom_it_belongs_to(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    agent = make.agent(name="Priya Shah")
    team = make.team(members=(agent,))
    conversation = thread(make, session, agent=agent, lines=GOOD_THREAD, team=team)

    assert score_conversations(session, [conversation.id], now=clock.now()) == 1

    score = saved(session, conversation)
    assert (score.agent_id, score.team_id) == (agent.id, team.id)
    assert score.acknowledgement == "done"
    assert score.needs == "done"
    assert score.solution == "done"
    assert score.gratitude == "done"
    assert score.evidence["acknowledgement"].startswith("Hi Ada")
    assert "batch number" in score.evidence["needs"]
    assert score.strengths["acknowledgement"] == 1.0  # greeted by name
    assert not any((score.not_listening, score.ignored, score.promise_broken, score.no_follow_up))
    assert score.total >= 80
    assert score.scorer_version == SCORER_VERSION
    assert score.conversation_updated_at == conversation.updated_at
    assert score.scored_at == clock.now()


def test_a_curt_thread_misses_steps_and_says_why(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    agent = make.agent()
    conversation = thread(make, session, agent=agent, lines=CURT_THREAD)
    score_conversations(session, [conversation.id], now=clock.now())
    score = saved(session, conversation)
    assert score.acknowledgement == "missed"
    assert score.gratitude == "missed"
    assert score.evidence["acknowledgement"] == "first reply does not greet"
    assert score.total < 50


def test_rescoring_replaces_the_row_with_the_conversation_as_it_is_now(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    agent = make.agent()
    conversation = thread(make, session, agent=agent, lines=GOOD_THREAD, resolve=False)
    score_conversations(session, [conversation.id], now=clock.now())
    assert saved(session, conversation).gratitude == "na"  # not closed yet

    clock.advance(timedelta(hours=1))
    patch = ConversationUpdate(status="resolved")  # type: ignore[arg-type]
    scope = scope_for(session, agent)
    update_conversation(
        session, conversation.id, patch=patch, actor=agent, scope=scope, now=clock.now()
    )
    score_conversations(session, [conversation.id], now=clock.now())

    rows = session.scalar(
        select(func.count(QualityScore.id)).where(QualityScore.conversation_id == conversation.id)
    )
    assert rows == 1
    score = saved(session, conversation)
    assert score.gratitude == "done"
    assert score.conversation_updated_at == conversation.updated_at == clock.now()


def test_internal_notes_are_not_part_of_the_transcript(session: Session, make: Factories) -> None:
    agent = make.agent()
    lines = (*GOOD_THREAD[:1], ("note", "Customer sounds cross; be careful."), *GOOD_THREAD[1:])
    conversation = thread(make, session, agent=agent, lines=lines)
    (item,) = load_inputs(session, [conversation.id])
    assert [m.author for m in item.messages] == ["customer", "agent", "customer", "agent"]
    assert all("be careful" not in m.text for m in item.messages)
    assert item.facts.customer_first_name == "Ada"
    assert item.facts.status == "resolved"


def test_facts_come_from_columns_events_and_promises(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    agent = make.agent(role=Role.MANAGER)
    first, second = make.team(members=(agent,)), make.team(members=(agent,))
    conversation = thread(make, session, agent=agent, lines=GOOD_THREAD, team=first)
    scope = scope_for(session, agent)
    update_conversation(
        session,
        conversation.id,
        patch=ConversationUpdate(team_id=second.id),
        actor=agent,
        scope=scope,
        now=clock.now(),
    )
    session.add(
        Promise(
            conversation_id=conversation.id,
            agent_id=agent.id,
            description="Call back by 3pm",
            made_at=clock.now() - timedelta(days=2),
            due_at=clock.now() - timedelta(days=1),
            broken_at=clock.now() - timedelta(days=1),
        )
    )
    session.flush()
    (item,) = load_inputs(session, [conversation.id])
    assert item.facts.team_changes == 1
    assert (item.facts.promises_broken, item.facts.promises_tracked) == (1, True)
    assert item.team_id == second.id

    score_conversations(session, [conversation.id], now=clock.now())
    score = saved(session, conversation)
    assert score.promise_broken is True
    assert score.lacking_knowledge is True  # moved between teams
    assert score.solution == "missed"
    assert "promise_broken" in score.evidence


def test_the_rubric_in_use_weighs_the_total(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    agent = make.agent()
    conversation = thread(make, session, agent=agent, lines=CURT_THREAD)
    session.add(
        QualityRubric(
            name="Greeting is critical",
            weights={"acknowledgement": 1, "rapport": 1, "needs": 1, "solution": 1, "gratitude": 1},
            critical=["acknowledgement"],
            is_active=True,
            created_at=clock.now(),
            updated_at=clock.now(),
        )
    )
    session.flush()
    score_conversations(session, [conversation.id], now=clock.now())
    assert saved(session, conversation).total == 0


def test_the_agent_who_wrote_most_replies_gets_the_score() -> None:
    at = FixedClock().now()

    def reply(agent_id: int) -> TranscriptMessage:
        return TranscriptMessage(author="agent", text="Hi", at=at, agent_id=agent_id)

    customer = TranscriptMessage(author="customer", text="Hello", at=at)
    assert credited_agent([customer, reply(1), reply(2), reply(2)], fallback=9) == 2
    assert credited_agent([customer, reply(1), reply(2)], fallback=9) == 2  # tie: the last
    assert credited_agent([customer], fallback=9) == 9


def test_a_batch_costs_the_same_queries_for_3_or_30_conversations(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    agent = make.agent()

    def conversations(count: int) -> list[int]:
        return [thread(make, session, agent=agent, lines=GOOD_THREAD).id for _ in range(count)]

    few, many = conversations(3), conversations(30)
    with counting(session) as for_few:
        score_conversations(session, few, now=clock.now())
    with counting(session) as for_many:
        score_conversations(session, many, now=clock.now())
    assert len(for_few) == len(for_many) <= 10
    with counting(session) as rescoring:  # updates instead of inserts: still one statement
        score_conversations(session, many, now=clock.now())
    assert len(rescoring) <= len(for_many)


def test_a_score_inserted_meanwhile_by_another_worker_is_replaced_not_an_error(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    agent = make.agent()
    conversation = thread(make, session, agent=agent, lines=GOOD_THREAD)
    score_conversations(session, [conversation.id], now=clock.now())
    (row,) = prepare_scores(session, [conversation.id], now=clock.now())
    # As if this worker had not seen the row another one inserted: insert, conflict, replace.
    insert_or_replace(session, [row | {"total": 1}])
    assert saved(session, conversation).total == 1
