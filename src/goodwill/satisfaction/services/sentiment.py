"""Sentiment of customer messages and imported reviews, and learning it from survey answers.

Scoring walks the table by id from a saved mark (a `quality_sweep_marks` row per walk; the
primary key is the index), re-reading the last `OVERLAP` ids for rows committed late, and at most
`SPAN` ids per run, so each run is short however large the table. A conversation keeps the score
of its first customer message (`sentiment_start`) and of its latest (`sentiment_end`).

Labels come from survey answers: CSAT 1-2 negative, 3 neutral, 4-5 positive; NPS 0-6, 7-8,
9-10. Each answered conversation gives two examples at most: the survey comment (the
customer's own words about the service) and the last customer message before the answer (the
first one states the problem, and is negative even when the case ends well)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from goodwill.commerce.models import Review
from goodwill.conversations.enums import AuthorKind
from goodwill.conversations.models import Conversation, Message
from goodwill.quality.models import QualitySweepMark
from goodwill.satisfaction.models import LearnedModel
from goodwill.satisfaction.sentiment import (
    Prediction,
    SentimentModel,
    builtin_model,
    csat_label,
    from_bytes,
    learn,
    macro_f1,
    nps_label,
)
from goodwill.surveys.models import SurveyKind, SurveyResponse

MODEL_NAME = "sentiment"
MESSAGE_WALK = "sentiment_messages"
REVIEW_WALK = "sentiment_reviews"
OVERLAP = 1000
SPAN = 20_000
BATCH = 2000
MIN_LABELS = 100  # labelled examples before a first adaptation
MIN_NEW_LABELS = 100  # new examples since the last adaptation before another
MAX_LABELS = 50_000  # the most recent answers
HELD_OUT_EVERY = 5  # conversations with id % 5 == 0 are held out to compare the models


@dataclass(frozen=True, slots=True)
class ScoreResult:
    scored: int
    more: bool  # stopped at a limit: run again soon


_loaded: dict[tuple[int, str], SentimentModel] = {}


def active_model(session: Session) -> SentimentModel:
    """The installation's adapted model when one is active (it beat the built-in one on held-out
    labels), else the built-in one. Its parameters are read once per process."""
    active = session.execute(
        select(LearnedModel.id, LearnedModel.version)
        .where(LearnedModel.name == MODEL_NAME, LearnedModel.is_active.is_(True))
        .order_by(LearnedModel.id.desc())
        .limit(1)
    ).first()
    if active is None:
        return builtin_model()
    key = (active.id, active.version)
    if key not in _loaded:
        data = session.scalar(select(LearnedModel.parameters).where(LearnedModel.id == active.id))
        _loaded.clear()  # one adapted model in memory at a time
        _loaded[key] = from_bytes(data or b"")
    return _loaded[key]


def _mark(session: Session, name: str, now: datetime) -> QualitySweepMark:
    mark = session.get(QualitySweepMark, name)
    if mark is None:
        mark = QualitySweepMark(name=name, conversation_id=0, updated_at=now)
        session.add(mark)
    return mark


def score_messages(session: Session, *, now: datetime, limit: int = BATCH) -> ScoreResult:
    """Score unscored customer messages after the mark and refresh their conversations."""
    mark = _mark(session, MESSAGE_WALK, now)
    start, end = max(0, mark.conversation_id - OVERLAP), mark.conversation_id + SPAN
    rows = session.execute(
        select(Message.id, Message.conversation_id, Message.body_text)
        .where(
            Message.id > start,
            Message.id <= end,
            Message.sentiment_label.is_(None),
            Message.author_kind == AuthorKind.CUSTOMER,
        )
        .order_by(Message.id)
        .limit(limit)
    ).all()
    predictions = active_model(session).predict([row.body_text or "" for row in rows])
    _save(session, Message, [row.id for row in rows], predictions)
    refresh_conversations(session, {row.conversation_id for row in rows})
    more = len(rows) == limit
    newest = session.scalar(select(func.max(Message.id))) or 0
    reached = rows[-1].id if more else min(end, newest)
    mark.conversation_id, mark.updated_at = max(mark.conversation_id, reached), now
    session.flush()
    return ScoreResult(len(rows), more or reached < newest)


def _save(
    session: Session, entity: type[Message] | type[Review], ids: list[int], found: list[Prediction]
) -> None:
    """One bulk UPDATE by primary key (executemany) for the whole batch."""
    if ids:
        session.execute(
            update(entity),
            [
                {"id": key, "sentiment_label": p.label, "sentiment_score": p.score}
                for key, p in zip(ids, found, strict=True)
            ],
        )


def refresh_conversations(session: Session, conversation_ids: set[int]) -> None:
    """Set start (first customer message) and end (latest) sentiment of these conversations."""
    if not conversation_ids:
        return
    scores: dict[int, list[float]] = {}
    for conversation_id, score in session.execute(
        select(Message.conversation_id, Message.sentiment_score)
        .where(
            Message.conversation_id.in_(conversation_ids),
            Message.author_kind == AuthorKind.CUSTOMER,
            Message.sentiment_score.is_not(None),
        )
        .order_by(Message.conversation_id, Message.created_at, Message.id)
    ):
        scores.setdefault(conversation_id, []).append(score or 0.0)  # never None: filtered
    if scores:
        session.execute(
            update(Conversation),
            [
                {"id": key, "sentiment_start": found[0], "sentiment_end": found[-1]}
                for key, found in scores.items()
            ],
        )


def score_reviews(session: Session, *, now: datetime, limit: int = BATCH) -> ScoreResult:
    """Score imported reviews (title and text) after the mark."""
    mark = _mark(session, REVIEW_WALK, now)
    start, end = max(0, mark.conversation_id - OVERLAP), mark.conversation_id + SPAN
    rows = session.execute(
        select(Review.id, Review.title, Review.text)
        .where(Review.id > start, Review.id <= end, Review.sentiment_label.is_(None))
        .order_by(Review.id)
        .limit(limit)
    ).all()
    texts = [f"{row.title or ''} {row.text or ''}".strip() for row in rows]
    _save(session, Review, [row.id for row in rows], active_model(session).predict(texts))
    more = len(rows) == limit
    newest = session.scalar(select(func.max(Review.id))) or 0
    reached = rows[-1].id if more else min(end, newest)
    mark.conversation_id, mark.updated_at = max(mark.conversation_id, reached), now
    session.flush()
    return ScoreResult(len(rows), more or reached < newest)


@dataclass(frozen=True, slots=True)
class LabelledExample:
    conversation_id: int
    text: str
    label: str


def survey_label(kind: str, score: int) -> str | None:
    if kind == SurveyKind.CSAT:
        return csat_label(score)
    if kind == SurveyKind.NPS:
        return nps_label(score)
    return None  # CES measures effort, not mood


def sentiment_labels(session: Session, *, limit: int = MAX_LABELS) -> list[LabelledExample]:
    """Examples from the latest CSAT/NPS answer of each answered conversation (see above)."""
    answers = session.execute(
        select(SurveyResponse)
        .where(
            SurveyResponse.conversation_id.is_not(None),
            SurveyResponse.kind.in_((SurveyKind.CSAT, SurveyKind.NPS)),
        )
        .order_by(SurveyResponse.updated_at.desc(), SurveyResponse.id.desc())
        .limit(limit)
    ).scalars()
    latest: dict[int, SurveyResponse] = {}
    for answer in answers:
        if answer.conversation_id is not None:
            latest.setdefault(answer.conversation_id, answer)
    examples = []
    for conversation_id, answer in sorted(latest.items()):
        label = survey_label(answer.kind, answer.score)
        if label is None:
            continue
        if answer.comment.strip():
            examples.append(LabelledExample(conversation_id, answer.comment.strip(), label))
        last = _last_customer_message(session, conversation_id, answer.answered_at)
        if last:
            examples.append(LabelledExample(conversation_id, last, label))
    return examples


def _last_customer_message(session: Session, conversation_id: int, before: datetime) -> str:
    text = session.scalar(
        select(Message.body_text)
        .where(
            Message.conversation_id == conversation_id,
            Message.author_kind == AuthorKind.CUSTOMER,
            Message.created_at <= before,
        )
        .order_by(Message.created_at.desc(), Message.id.desc())
        .limit(1)
    )
    return (text or "").strip()


@dataclass(frozen=True, slots=True)
class LearnOutcome:
    model: LearnedModel | None
    labels: int
    problem: str | None = None  # why nothing was learned


def learn_sentiment(
    session: Session,
    *,
    now: datetime,
    min_labels: int = MIN_LABELS,
    min_new: int = MIN_NEW_LABELS,
) -> LearnOutcome:
    """Adapt the built-in model to the survey labels when there are enough new ones; store it
    with both models' macro-F1 on held-out conversations; activate it only if it is better."""
    examples = sentiment_labels(session)
    previous = session.scalar(
        select(func.max(LearnedModel.trained_on)).where(LearnedModel.name == MODEL_NAME)
    )
    if len(examples) < min_labels:
        return LearnOutcome(
            None, len(examples), f"too few labels ({len(examples)} of {min_labels})"
        )
    if previous is not None and len(examples) - previous < min_new:
        return LearnOutcome(None, len(examples), "too few new labels since the last model")
    train = [(e.text, e.label) for e in examples if e.conversation_id % HELD_OUT_EVERY]
    held_out = [e for e in examples if not e.conversation_id % HELD_OUT_EVERY]
    base = builtin_model()
    adapted = learn(base, train, version=f"adapted-{now:%Y%m%d%H%M}")
    metrics = {
        "builtin_macro_f1": _score(base, held_out),
        "macro_f1": _score(adapted, held_out),
        "trained": float(len(train)),
        "held_out": float(len(held_out)),
    }
    better = bool(held_out) and metrics["macro_f1"] > metrics["builtin_macro_f1"]
    if better:
        session.execute(
            update(LearnedModel).where(LearnedModel.name == MODEL_NAME).values(is_active=False)
        )
    model = LearnedModel(
        name=MODEL_NAME,
        version=adapted.version,
        trained_at=now,
        trained_on=len(examples),
        metrics=metrics,
        parameters=adapted.to_bytes(),
        is_active=better,
    )
    session.add(model)
    session.flush()
    return LearnOutcome(model, len(examples), None if better else "not better than the built-in")


def _score(model: SentimentModel, examples: Sequence[LabelledExample]) -> float:
    if not examples:
        return 0.0
    predicted = [prediction.label for prediction in model.predict([e.text for e in examples])]
    return round(macro_f1([e.label for e in examples], predicted), 4)
