"""Training on rated conversations and estimating the unrated resolved ones, on a real database."""

from datetime import timedelta

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from factories import Factories
from goodwill.conversations.models import Conversation
from goodwill.core.clock import FixedClock
from goodwill.core.jobs.models import Job
from goodwill.core.jobs.registry import JobContext
from goodwill.satisfaction.models import LearnedModel, SatisfactionPrediction
from goodwill.satisfaction.prediction_jobs import PREDICT_JOB, predict, train_prediction
from goodwill.satisfaction.services.prediction import (
    load_facts,
    predict_all,
    predict_batch,
    train,
)
from goodwill.settings import Settings
from support.satisfaction_history import rate, rated_history, resolved


def test_too_few_ratings_store_no_model_and_no_estimates(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    rated_history(make, clock, 8)
    resolved(make, clock, reopens=0, slow=False)
    outcome = train(session, now=clock.now(), min_ratings=40)
    assert outcome.model is None and outcome.ratings == 8
    assert outcome.problem == "too few ratings (8 of 40)"
    assert session.scalar(select(func.count()).select_from(LearnedModel)) == 0
    assert predict_batch(session, now=clock.now()) == (0, False)
    assert session.scalar(select(func.count()).select_from(SatisfactionPrediction)) == 0


def test_estimates_go_only_to_unrated_resolved_conversations_and_rerun_is_idempotent(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    rated_history(make, clock, 60)
    clean = resolved(make, clock, reopens=0, slow=False)
    troubled = resolved(make, clock, reopens=2, slow=True)
    still_open = resolved(make, clock, reopens=0, slow=False, status="open")
    session.flush()

    outcome = train(session, now=clock.now(), min_ratings=40)
    assert outcome.problem is None and outcome.model is not None
    assert outcome.metrics is not None and outcome.metrics.mae < outcome.metrics.baseline_mae
    assert outcome.model.metrics["n"] == 60 and outcome.model.metrics["trusted"] == 1.0
    assert predict_all(session, now=clock.now() + timedelta(days=1), batch=1) == 2

    rows = {row.conversation_id: row for row in session.scalars(select(SatisfactionPrediction))}
    assert set(rows) == {clean.id, troubled.id}
    assert still_open.id not in rows
    assert rows[troubled.id].predicted_csat < rows[clean.id].predicted_csat - 1.0
    assert 1 <= rows[troubled.id].low <= rows[troubled.id].predicted_csat <= rows[troubled.id].high
    assert {reason["feature"] for reason in rows[troubled.id].reasons} >= {"reopens", "first_reply"}
    assert all(row.model_id == outcome.model.id for row in rows.values())

    assert predict_all(session, now=clock.now() + timedelta(days=1)) == 0  # nothing new
    assert session.scalar(select(func.count()).select_from(SatisfactionPrediction)) == 2

    again = train(session, now=clock.now() + timedelta(days=2), min_ratings=40)
    assert again.model is not None
    active = session.scalars(select(LearnedModel).where(LearnedModel.is_active.is_(True))).all()
    assert [model.id for model in active] == [again.model.id]
    rate(make, clock, clean, 5)  # rated since: its estimate goes
    session.flush()
    assert predict_all(session, now=clock.now() + timedelta(days=2)) == 1
    rows = {row.conversation_id: row for row in session.scalars(select(SatisfactionPrediction))}
    assert set(rows) == {troubled.id}
    assert rows[troubled.id].model_id == again.model.id


def test_facts_are_read_with_a_fixed_number_of_queries(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    rated_history(make, clock, 12)
    ids = list(session.scalars(select(Conversation.id).order_by(Conversation.id)))
    statements: list[str] = []

    def record(*args: object) -> None:
        statements.append(str(args[2]))

    bind = session.connection()
    event.listen(bind, "before_cursor_execute", record)
    try:
        few = len(load_facts(session, ids[:2]))
        count_few = len(statements)
        statements.clear()
        many = load_facts(session, ids)
    finally:
        event.remove(bind, "before_cursor_execute", record)
    assert few == 2 and len(many) == 12
    assert len(statements) == count_few == 5
    assert many[0].first_reply_business_seconds in (1800, 6 * 3600)
    assert many[0].customer_messages == 1


def test_the_jobs_train_then_estimate_in_bounded_batches(
    session: Session, make: Factories, clock: FixedClock, settings: Settings
) -> None:
    settings.min_ratings_for_prediction = 40
    rated_history(make, clock, 60)
    waiting = [resolved(make, clock, reopens=0, slow=False) for _ in range(3)]
    session.flush()
    context = JobContext(session, clock.now(), job_id=7, attempt=1, settings=settings)
    train_prediction(context, {})
    queued = session.scalars(select(Job).where(Job.name == PREDICT_JOB)).all()
    assert len(queued) == 1
    later = clock.now() + timedelta(days=1)  # the conversations were resolved after now
    predict(JobContext(session, later, job_id=8, attempt=1, settings=settings), {"limit": 2})
    assert session.scalar(select(func.count()).select_from(SatisfactionPrediction)) == 2
    assert len(session.scalars(select(Job).where(Job.name == PREDICT_JOB)).all()) == 2
    predict(JobContext(session, later, job_id=9, attempt=1, settings=settings), {"limit": 2})
    stored = set(session.scalars(select(SatisfactionPrediction.conversation_id)))
    assert stored == {conversation.id for conversation in waiting}
    assert len(session.scalars(select(Job).where(Job.name == PREDICT_JOB)).all()) == 2


def test_the_train_job_queues_nothing_below_the_minimum(
    session: Session, make: Factories, clock: FixedClock, settings: Settings
) -> None:
    rated_history(make, clock, 10)
    train_prediction(JobContext(session, clock.now(), job_id=7, attempt=1, settings=settings), {})
    assert session.scalars(select(Job).where(Job.name == PREDICT_JOB)).all() == []
    assert session.scalar(select(func.count()).select_from(LearnedModel)) == 0
