"""Training the satisfaction model on rated conversations and estimating the unrated ones.

Facts are read in batches with a fixed number of queries per batch (conversations, first
responses, team changes, message counts, quality scores). Services flush; the caller commits."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, case, delete, exists, func, select, update
from sqlalchemy.orm import Session

from goodwill.commerce.models import Product
from goodwill.conversations.enums import AuthorKind, EventKind
from goodwill.conversations.models import Conversation, ConversationEvent, Message
from goodwill.conversations.status import ConversationStatus
from goodwill.quality.models import QualityScore
from goodwill.satisfaction import prediction
from goodwill.satisfaction.models import LearnedModel, SatisfactionPrediction
from goodwill.satisfaction.prediction import ConversationFacts, QualityFacts, SatisfactionModel
from goodwill.surveys.models import SurveyKind, SurveyResponse

MODEL_NAME = "satisfaction"
FACTS_BATCH = 500
PREDICT_BATCH = 500
STEPS = ("acknowledgement", "rapport", "needs", "solution", "gratitude")
FAILURES = ("not_listening", "ignored", "promise_broken", "lacking_knowledge", "no_follow_up")
RESOLVED = (ConversationStatus.RESOLVED.value, ConversationStatus.CLOSED.value)


@dataclass(frozen=True, slots=True)
class TrainingOutcome:
    ratings: int
    min_ratings: int
    model: LearnedModel | None  # None when there were too few ratings
    metrics: prediction.Metrics | None
    problem: str | None  # why the estimates are not to be trusted, None when they are


@dataclass(frozen=True, slots=True)
class ActiveModel:
    row: LearnedModel
    model: SatisfactionModel

    @property
    def trusted(self) -> bool:
        return self.model.metrics.beats_baseline


def is_resolved() -> ColumnElement[bool]:
    return (
        Conversation.status.in_(RESOLVED)
        & Conversation.resolved_at.is_not(None)
        & Conversation.is_spam.is_(False)
    )


def has_csat() -> ColumnElement[bool]:
    return exists().where(
        SurveyResponse.conversation_id == Conversation.id, SurveyResponse.kind == SurveyKind.CSAT
    )


def count_ratings(session: Session) -> int:
    """Rated resolved conversations (several answers to one conversation count once)."""
    query = select(func.count(func.distinct(SurveyResponse.conversation_id))).join(
        Conversation, Conversation.id == SurveyResponse.conversation_id
    )
    return int(
        session.scalar(query.where(SurveyResponse.kind == SurveyKind.CSAT, is_resolved())) or 0
    )


def latest_ratings(session: Session) -> dict[int, int]:
    """conversation id -> its latest CSAT score, for resolved conversations."""
    query = (
        select(SurveyResponse.conversation_id, SurveyResponse.score)
        .join(Conversation, Conversation.id == SurveyResponse.conversation_id)
        .where(SurveyResponse.kind == SurveyKind.CSAT, is_resolved())
        .order_by(SurveyResponse.conversation_id, SurveyResponse.answered_at, SurveyResponse.id)
    )
    return {int(cid): int(score) for cid, score in session.execute(query) if cid is not None}


def load_facts(session: Session, ids: Sequence[int]) -> list[ConversationFacts]:
    """The facts of these conversations in five queries, in the order of `ids`."""
    if not ids:
        return []
    first_replies = _first_reply_seconds(session, ids)
    team_changes = _team_changes(session, ids)
    messages = _message_counts(session, ids)
    quality = _quality(session, ids)
    query = (
        select(Conversation, Product.slug)
        .outerjoin(Product, Product.id == Conversation.product_id)
        .where(Conversation.id.in_(ids))
    )
    facts = {
        conversation.id: _facts(
            conversation,
            slug,
            first_reply=first_replies.get(conversation.id),
            team_changes=team_changes.get(conversation.id, 0),
            messages=messages.get(conversation.id, (0, 0)),
            quality=quality.get(conversation.id),
        )
        for conversation, slug in session.execute(query)
    }
    return [facts[cid] for cid in ids if cid in facts]


def _facts(
    conversation: Conversation,
    product: str | None,
    *,
    first_reply: int | None,
    team_changes: int,
    messages: tuple[int, int],
    quality: QualityFacts | None,
) -> ConversationFacts:
    if first_reply is None and conversation.first_response_at is not None:
        first_reply = int(
            (conversation.first_response_at - conversation.created_at).total_seconds()
        )
    resolved = conversation.resolved_at or conversation.closed_at
    return ConversationFacts(
        conversation_id=conversation.id,
        channel=str(conversation.channel),
        priority=str(conversation.priority),
        product=product,
        topic=conversation.topic,
        first_reply_business_seconds=first_reply,
        resolution_seconds=int((resolved - conversation.created_at).total_seconds())
        if resolved
        else None,
        reopened_count=conversation.reopened_count,
        transfers=max(0, conversation.assignment_count - 1),
        team_changes=team_changes,
        first_response_breached=conversation.first_response_breached_at is not None,
        resolution_breached=conversation.resolution_breached_at is not None,
        customer_messages=messages[0],
        agent_messages=messages[1],
        sentiment_start=conversation.sentiment_start,
        sentiment_end=conversation.sentiment_end,
        quality=quality,
    )


def _first_reply_seconds(session: Session, ids: Sequence[int]) -> dict[int, int]:
    """Business seconds to the first reply, as the first_response event recorded them."""
    query = select(ConversationEvent.conversation_id, ConversationEvent.data).where(
        ConversationEvent.conversation_id.in_(ids),
        ConversationEvent.kind == EventKind.FIRST_RESPONSE,
    )
    result: dict[int, int] = {}
    for cid, data in session.execute(query):
        value = (data or {}).get("business_seconds")
        if isinstance(value, int | float):
            result.setdefault(int(cid), int(value))
    return result


def _team_changes(session: Session, ids: Sequence[int]) -> dict[int, int]:
    query = (
        select(ConversationEvent.conversation_id, func.count())
        .where(
            ConversationEvent.conversation_id.in_(ids),
            ConversationEvent.kind == EventKind.TEAM_CHANGED,
        )
        .group_by(ConversationEvent.conversation_id)
    )
    return {int(cid): int(count) for cid, count in session.execute(query)}


def _message_counts(session: Session, ids: Sequence[int]) -> dict[int, tuple[int, int]]:
    """conversation id -> (customer messages, agent messages)."""
    customer = func.sum(case((Message.author_kind == AuthorKind.CUSTOMER, 1), else_=0))
    agent = func.sum(
        case(
            ((Message.author_kind == AuthorKind.AGENT) & (Message.direction == "outbound"), 1),
            else_=0,
        )
    )
    query = (
        select(Message.conversation_id, customer, agent)
        .where(Message.conversation_id.in_(ids))
        .group_by(Message.conversation_id)
    )
    return {int(cid): (int(c or 0), int(a or 0)) for cid, c, a in session.execute(query)}


def _quality(session: Session, ids: Sequence[int]) -> dict[int, QualityFacts]:
    query = select(QualityScore).where(QualityScore.conversation_id.in_(ids))
    return {
        score.conversation_id: QualityFacts(
            missed_steps=frozenset(step for step in STEPS if getattr(score, step) == "missed"),
            failures=frozenset(mode for mode in FAILURES if getattr(score, mode)),
        )
        for score in session.scalars(query)
    }


def training_rows(session: Session) -> tuple[list[ConversationFacts], list[float]]:
    ratings = latest_ratings(session)
    ids = sorted(ratings)
    rows: list[ConversationFacts] = []
    for start in range(0, len(ids), FACTS_BATCH):
        rows.extend(load_facts(session, ids[start : start + FACTS_BATCH]))
    return rows, [float(ratings[facts.conversation_id]) for facts in rows]


def train(session: Session, *, now: datetime, min_ratings: int, seed: int = 0) -> TrainingOutcome:
    """Learn from every rated resolved conversation; store the model when there are enough.

    Below `min_ratings` nothing is stored and earlier estimates are removed. A model no better
    than the mean rating is stored (its figures are worth seeing) but estimates nothing."""
    rows, ratings = training_rows(session)
    if len(rows) < min_ratings:
        session.execute(delete(SatisfactionPrediction))
        problem = prediction.trust_problem(None, ratings=len(rows), min_ratings=min_ratings)
        return TrainingOutcome(len(rows), min_ratings, None, None, problem)
    model = prediction.fit(rows, ratings, seed=seed)
    session.execute(
        update(LearnedModel).where(LearnedModel.name == MODEL_NAME).values(is_active=False)
    )
    row = LearnedModel(
        name=MODEL_NAME,
        version=f"ridge-{prediction.FORMAT_VERSION}-{now:%Y%m%d%H%M%S}",
        trained_at=now,
        trained_on=len(rows),
        metrics=model.metrics.as_dict() | {"trusted": float(model.metrics.beats_baseline)},
        parameters=prediction.dumps(model),
        is_active=True,
    )
    session.add(row)
    session.flush()
    problem = prediction.trust_problem(model.metrics, ratings=len(rows), min_ratings=min_ratings)
    if problem is not None:
        session.execute(delete(SatisfactionPrediction))
    return TrainingOutcome(len(rows), min_ratings, row, model.metrics, problem)


def active_model(session: Session) -> ActiveModel | None:
    query = (
        select(LearnedModel)
        .where(LearnedModel.name == MODEL_NAME, LearnedModel.is_active.is_(True))
        .order_by(LearnedModel.id.desc())
        .limit(1)
    )
    row = session.scalar(query)
    return ActiveModel(row, prediction.loads(row.parameters)) if row is not None else None


def forget_stale(session: Session) -> None:
    """Estimates of conversations since rated, reopened or marked as spam are removed."""
    stale = (
        select(Conversation.id)
        .join(SatisfactionPrediction, SatisfactionPrediction.conversation_id == Conversation.id)
        .where(~is_resolved() | has_csat())
    )
    session.execute(
        delete(SatisfactionPrediction).where(SatisfactionPrediction.conversation_id.in_(stale))
    )


def waiting_ids(session: Session, active: ActiveModel, *, limit: int) -> list[int]:
    """Unrated resolved conversations with no estimate from the active model since resolution."""
    current = (
        select(SatisfactionPrediction.conversation_id)
        .where(
            SatisfactionPrediction.conversation_id == Conversation.id,
            SatisfactionPrediction.model_id == active.row.id,
            SatisfactionPrediction.predicted_at >= Conversation.resolved_at,
        )
        .exists()
    )
    query = select(Conversation.id).where(is_resolved(), ~has_csat(), ~current)
    return list(session.scalars(query.order_by(Conversation.id).limit(limit)))


def predict_batch(
    session: Session, *, now: datetime, limit: int = PREDICT_BATCH
) -> tuple[int, bool]:
    """Estimate up to `limit` waiting conversations; (estimated, more waiting)."""
    active = active_model(session)
    if active is None or not active.trusted:
        return 0, False
    forget_stale(session)
    ids = waiting_ids(session, active, limit=limit + 1)
    more = len(ids) > limit
    facts = load_facts(session, ids[:limit])
    save_estimates(session, active, facts, now=now)
    return len(facts), more


def save_estimates(
    session: Session, active: ActiveModel, rows: Sequence[ConversationFacts], *, now: datetime
) -> None:
    ids = [facts.conversation_id for facts in rows]
    existing = {
        row.conversation_id: row
        for row in session.scalars(
            select(SatisfactionPrediction).where(SatisfactionPrediction.conversation_id.in_(ids))
        )
    }
    for facts in rows:
        estimate = prediction.predict(active.model, facts)
        row = existing.get(facts.conversation_id) or SatisfactionPrediction(
            conversation_id=facts.conversation_id
        )
        row.model_id = active.row.id
        row.predicted_csat = round(estimate.predicted, 2)
        row.low = round(estimate.low, 2)
        row.high = round(estimate.high, 2)
        row.confidence = round(estimate.confidence, 3)
        row.reasons = [reason.as_dict() for reason in estimate.reasons]
        row.predicted_at = now
        if facts.conversation_id not in existing:
            session.add(row)
    session.flush()


def predict_all(session: Session, *, now: datetime, batch: int = PREDICT_BATCH) -> int:
    """Estimate every waiting conversation, batch after batch (the CLI after training)."""
    total, more = predict_batch(session, now=now, limit=batch)
    while more:
        done, more = predict_batch(session, now=now, limit=batch)
        total += done
        more = more and done > 0
    return total


def unresolved_or_rated(session: Session, conversation_id: int) -> str | None:
    """Why this conversation has no estimate of its own, when the reason is the conversation."""
    conversation = session.get(Conversation, conversation_id)
    if conversation is None:
        return None
    rated = session.scalar(
        select(SurveyResponse.score)
        .where(
            SurveyResponse.conversation_id == conversation_id,
            SurveyResponse.kind == SurveyKind.CSAT,
        )
        .order_by(SurveyResponse.answered_at.desc())
        .limit(1)
    )
    if rated is not None:
        return f"the customer rated it {rated} of 5"
    if conversation.status not in RESOLVED or conversation.resolved_at is None:
        return "not resolved yet"
    if conversation.is_spam:
        return "marked as spam"
    return None
