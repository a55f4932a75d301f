"""One customer's satisfaction and purchase history for their page (a fixed number of queries)."""

from dataclasses import dataclass
from datetime import datetime
from statistics import median

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from goodwill.commerce.loyalty import (
    ChurnRisk,
    Signal,
    churn_risk,
    nps_group,
    purchase_gaps_days,
    segment,
)
from goodwill.commerce.models import Order
from goodwill.commerce.schemas import OrderOut, ReviewOut
from goodwill.commerce.services.loyalty_report import typical_gap_days
from goodwill.commerce.services.records import (
    customer_orders,
    customer_reviews,
    orders_out,
    reviews_out,
)
from goodwill.conversations.models import Conversation
from goodwill.satisfaction.models import SatisfactionPrediction
from goodwill.surveys.models import SurveyKind, SurveyResponse

SHOWN = 50


@dataclass(frozen=True, slots=True)
class SentimentPoint:
    conversation_id: int
    subject: str
    created_at: datetime
    start: float | None
    end: float | None


@dataclass(frozen=True, slots=True)
class PredictedPoint:
    conversation_id: int
    subject: str
    predicted_csat: float
    confidence: float
    predicted_at: datetime


@dataclass(frozen=True, slots=True)
class PurchaseFacts:
    orders: int
    first_at: datetime | None
    last_at: datetime | None
    median_gap_days: float | None
    is_repeat: bool


@dataclass(frozen=True, slots=True)
class CustomerHistory:
    answers: list[SurveyResponse]
    nps_group: str | None
    sentiment: list[SentimentPoint]
    predictions: list[PredictedPoint]
    reviews: list[ReviewOut]
    orders: list[OrderOut]
    purchases: PurchaseFacts
    churn: ChurnRisk | None
    segment: str


def _answers(session: Session, customer_id: int) -> list[SurveyResponse]:
    query = select(SurveyResponse).where(SurveyResponse.customer_id == customer_id)
    query = query.order_by(SurveyResponse.answered_at.desc(), SurveyResponse.id.desc())
    return list(session.scalars(query.limit(SHOWN)))


def _sentiment(session: Session, customer_id: int) -> list[SentimentPoint]:
    query = (
        select(Conversation)
        .where(Conversation.customer_id == customer_id)
        .where(Conversation.sentiment_start.is_not(None) | Conversation.sentiment_end.is_not(None))
        .order_by(Conversation.created_at.desc(), Conversation.id.desc())
        .limit(SHOWN)
    )
    return [
        SentimentPoint(c.id, c.subject, c.created_at, c.sentiment_start, c.sentiment_end)
        for c in session.scalars(query)
    ]


def _predictions(session: Session, customer_id: int) -> list[PredictedPoint]:
    """Predictions of this customer's conversations that nobody rated."""
    rated = exists().where(SurveyResponse.conversation_id == Conversation.id)
    query = (
        select(SatisfactionPrediction, Conversation.subject)
        .join(Conversation, Conversation.id == SatisfactionPrediction.conversation_id)
        .where(Conversation.customer_id == customer_id, ~rated)
        .order_by(SatisfactionPrediction.predicted_at.desc())
        .limit(SHOWN)
    )
    return [
        PredictedPoint(p.conversation_id, subject, p.predicted_csat, p.confidence, p.predicted_at)
        for p, subject in session.execute(query)
    ]


def _order_dates(session: Session, customer_id: int) -> list[datetime]:
    query = select(Order.ordered_at).where(Order.customer_id == customer_id)
    return sorted(session.scalars(query))


def _signals(answers: list[SurveyResponse], predictions: list[PredictedPoint]) -> list[Signal]:
    latest: dict[str, Signal] = {}
    for answer in answers:  # newest first: keep the first of each kind
        kind = SurveyKind(answer.kind).value
        latest.setdefault(kind, Signal(kind=kind, score=answer.score, at=answer.answered_at))  # type: ignore[arg-type]
    if predictions:
        newest = predictions[0]
        latest["predicted"] = Signal("predicted", newest.predicted_csat, newest.predicted_at)
    return list(latest.values())


def _purchase_facts(dates: list[datetime]) -> PurchaseFacts:
    gaps = purchase_gaps_days(dates)
    return PurchaseFacts(
        orders=len(dates),
        first_at=dates[0] if dates else None,
        last_at=dates[-1] if dates else None,
        median_gap_days=median(gaps) if gaps else None,
        is_repeat=len(dates) >= 2,
    )


def customer_history(session: Session, customer_id: int, *, now: datetime) -> CustomerHistory:
    """Ratings, NPS group, sentiment, predictions, reviews, orders, churn risk and segment."""
    answers = _answers(session, customer_id)
    predictions = _predictions(session, customer_id)
    dates = _order_dates(session, customer_id)
    signals = _signals(answers, predictions)
    latest_nps = next((a.score for a in answers if a.kind == SurveyKind.NPS), None)
    return CustomerHistory(
        answers=answers,
        nps_group=nps_group(latest_nps) if latest_nps is not None else None,
        sentiment=_sentiment(session, customer_id),
        predictions=predictions,
        reviews=reviews_out(session, customer_reviews(session, customer_id, limit=SHOWN)),
        orders=orders_out(session, customer_orders(session, customer_id, limit=SHOWN)),
        purchases=_purchase_facts(dates),
        churn=churn_risk(
            dates,
            now=now,
            typical_gap_days=typical_gap_days(session) if dates else None,
            signals=signals,
        ),
        segment=segment(signals, dates),
    )
