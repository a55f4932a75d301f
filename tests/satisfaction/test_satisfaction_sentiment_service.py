"""Scoring messages, conversations and reviews; learning from survey labels (real database)."""

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from factories import Factories
from goodwill.commerce.models import Review
from goodwill.conversations.models import Conversation, Message
from goodwill.conversations.schemas import MessageCreate, MessageKind
from goodwill.conversations.services.messages import add_message
from goodwill.core.clock import FixedClock
from goodwill.core.jobs.models import Job
from goodwill.core.jobs.registry import JobContext, find_handler
from goodwill.quality.models import QualitySweepMark
from goodwill.satisfaction.jobs import LEARN_JOB, SCORE_JOB
from goodwill.satisfaction.models import LearnedModel
from goodwill.satisfaction.sentiment import builtin_model
from goodwill.satisfaction.services.sentiment import (
    MESSAGE_WALK,
    active_model,
    learn_sentiment,
    score_messages,
    sentiment_labels,
)
from goodwill.surveys.models import SurveyKind, SurveyResponse


def run(session: Session, clock: FixedClock, name: str, payload: dict[str, object]) -> None:
    handler = find_handler(name)
    assert handler is not None, f"{name} is not registered"
    handler(JobContext(session, clock.now(), job_id=1, attempt=1, settings=None), payload)
    session.expire_all()


def say(make: Factories, clock: FixedClock, conversation: Conversation, text: str) -> Message:
    clock.advance(timedelta(minutes=5))
    return add_message(
        make.session,
        conversation,
        data=MessageCreate(kind=MessageKind.CUSTOMER, body_text=text),
        actor=None,
        now=clock.now(),
    )


def test_job_scores_customer_messages_and_sets_start_and_end(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    conversation = make.conversation(body="Still waiting for my refund, this is awful service")
    agent = make.agent()
    clock.advance(timedelta(minutes=5))
    reply = add_message(
        session,
        conversation,
        data=MessageCreate(kind=MessageKind.REPLY, body_text="Sorry, I refunded it today."),
        actor=agent,
        now=clock.now(),
    )
    say(make, clock, conversation, "I still have not received anything")
    session.flush()

    run(session, clock, SCORE_JOB, {})
    customer = session.scalars(
        select(Message)
        .where(Message.conversation_id == conversation.id, Message.author_kind == "customer")
        .order_by(Message.id)
    ).all()
    assert [m.sentiment_label for m in customer] == ["negative", "negative"]
    assert all(m.sentiment_score is not None and m.sentiment_score < 0 for m in customer)
    assert session.get(Message, reply.id).sentiment_label is None  # agents are not scored
    refreshed = session.get(Conversation, conversation.id)
    assert refreshed.sentiment_start == customer[0].sentiment_score
    assert refreshed.sentiment_end == customer[1].sentiment_score
    mark = session.get(QualitySweepMark, MESSAGE_WALK)
    assert mark is not None and mark.conversation_id >= customer[-1].id

    thanks = say(make, clock, conversation, "Thanks so much, it arrived and all is sorted!")
    session.flush()
    run(session, clock, SCORE_JOB, {})
    refreshed = session.get(Conversation, conversation.id)
    assert session.get(Message, thanks.id).sentiment_label == "positive"
    assert refreshed.sentiment_start == customer[0].sentiment_score  # the start stays
    assert refreshed.sentiment_end is not None and refreshed.sentiment_end > 0
    assert refreshed.sentiment_end - refreshed.sentiment_start > 1.0  # the change


def test_batches_are_bounded_and_a_backlog_queues_the_next_run(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    conversations = [make.conversation(body=f"Where is order {n}?") for n in range(5)]
    session.flush()
    first = score_messages(session, now=clock.now(), limit=2)
    assert (first.scored, first.more) == (2, True)
    run(session, clock, SCORE_JOB, {"limit": 2})
    queued = session.scalars(select(Job).where(Job.name == SCORE_JOB)).all()
    assert len(queued) == 1 and queued[0].payload == {"limit": 2}
    assert score_messages(session, now=clock.now()).scored == 1
    assert score_messages(session, now=clock.now()).scored == 0
    unscored = select(func.count()).select_from(Message).where(Message.sentiment_label.is_(None))
    assert session.scalar(unscored) == 0
    assert all(c.sentiment_start is not None for c in conversations)


def test_reviews_are_scored(session: Session, clock: FixedClock) -> None:
    bad = Review(rating=1, text="Fell apart after one wash, awful", reviewed_at=clock.now())
    good = Review(rating=5, title="Love it", text="Perfect fit, beautiful", reviewed_at=clock.now())
    session.add_all([bad, good])
    session.flush()
    run(session, clock, SCORE_JOB, {})
    assert session.get(Review, bad.id).sentiment_label == "negative"
    assert session.get(Review, good.id).sentiment_label == "positive"


def answer(
    session: Session, clock: FixedClock, conversation: Conversation, kind: SurveyKind, score: int
) -> SurveyResponse:
    response = SurveyResponse(
        kind=kind,
        conversation_id=conversation.id,
        customer_id=conversation.customer_id,
        score=score,
        comment="",
        answered_at=clock.now() + timedelta(hours=1),
        updated_at=clock.now() + timedelta(hours=1),
    )
    session.add(response)
    return response


def test_labels_come_from_csat_and_nps_answers(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    happy = make.conversation(body="My router is broken")
    say(make, clock, happy, "It works now")
    answer(session, clock, happy, SurveyKind.CSAT, 5).comment = "Quick and kind"
    detractor = make.conversation(body="Cancel my plan")
    answer(session, clock, detractor, SurveyKind.NPS, 3)
    effort = make.conversation(body="How do I log in?")
    answer(session, clock, effort, SurveyKind.CES, 2)
    changed = make.conversation(body="Where is my parcel?")
    answer(session, clock, changed, SurveyKind.CSAT, 1)
    clock.advance(timedelta(hours=2))
    answer(session, clock, changed, SurveyKind.CSAT, 3)  # the latest answer counts
    session.flush()

    found = {(e.conversation_id, e.text, e.label) for e in sentiment_labels(session)}
    assert found == {
        (happy.id, "Quick and kind", "positive"),
        (happy.id, "It works now", "positive"),  # the last customer message, not the first
        (detractor.id, "Cancel my plan", "negative"),
        (changed.id, "Where is my parcel?", "neutral"),
    }


def labelled_history(make: Factories, clock: FixedClock, count: int) -> None:
    """Conversations whose last message uses this installation's own words for its mood."""
    for n in range(count):
        good = n % 2 == 0
        conversation = make.conversation(body=f"zorblat {'snazzle' if good else 'grunkle'} {n}")
        answer(make.session, clock, conversation, SurveyKind.CSAT, 5 if good else 1)
    make.session.flush()


def misleading_history(make: Factories, clock: FixedClock, count: int) -> None:
    """Plain words rated the opposite way, except in the held-out conversations (id % 5 == 0)."""
    for n in range(count):
        good = n % 2 == 0
        text = "Thank you, wonderful help" if good else "Terrible service, still broken"
        conversation = make.conversation(body=f"{text} {n}")
        honest = conversation.id % 5 == 0
        answer(make.session, clock, conversation, SurveyKind.CSAT, 5 if good == honest else 1)
    make.session.flush()


def test_learning_stores_and_activates_a_better_model(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    labelled_history(make, clock, 50)
    too_few = learn_sentiment(session, now=clock.now(), min_labels=100)
    assert too_few.model is None and too_few.problem == "too few labels (50 of 100)"

    run(session, clock, LEARN_JOB, {"min_new": 10})  # MIN_LABELS is 100: nothing yet
    assert session.scalar(select(func.count()).select_from(LearnedModel)) == 0
    outcome = learn_sentiment(session, now=clock.now(), min_labels=40, min_new=10)
    model = outcome.model
    assert model is not None and model.is_active and outcome.problem is None
    assert model.name == "sentiment" and model.trained_on == 50
    assert model.metrics["macro_f1"] > model.metrics["builtin_macro_f1"]
    assert model.metrics["held_out"] == 10.0 and model.metrics["trained"] == 40.0
    probe = ["zorblat grunkle again", "zorblat snazzle again"]
    assert [p.label for p in active_model(session).predict(probe)] == ["negative", "positive"]
    assert [p.label for p in builtin_model().predict(probe)] != ["negative", "positive"]

    again = learn_sentiment(session, now=clock.now(), min_labels=40, min_new=10)
    assert again.model is None and again.problem == "too few new labels since the last model"


def test_a_model_that_is_not_better_is_stored_but_not_used(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    misleading_history(make, clock, 60)
    outcome = learn_sentiment(session, now=clock.now(), min_labels=40, min_new=10)
    assert outcome.model is not None and not outcome.model.is_active
    assert outcome.problem == "not better than the built-in"
    assert active_model(session) is builtin_model()
