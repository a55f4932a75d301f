"""Orders, survey answers and predictions for the loyalty tests."""

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from goodwill.commerce.models import Order
from goodwill.customers.models import Customer
from goodwill.satisfaction.models import SatisfactionPrediction
from goodwill.surveys.models import SurveyKind, SurveyResponse


def at(month: int, day: int = 1, year: int = 2026) -> datetime:
    return datetime(year, month, day, 12, tzinfo=UTC)


def order(
    session: Session, customer: Customer, when: datetime, number: str, cents: int = 1000
) -> Order:
    row = Order(
        customer_id=customer.id,
        external_id=number,
        ordered_at=when,
        amount_cents=cents,
        currency="EUR",
    )
    session.add(row)
    session.flush()
    return row


def answer(
    session: Session,
    customer: Customer,
    kind: SurveyKind,
    score: int,
    when: datetime,
    *,
    conversation_id: int | None = None,
    comment: str = "",
) -> SurveyResponse:
    row = SurveyResponse(
        kind=kind,
        customer_id=customer.id,
        conversation_id=conversation_id,
        score=score,
        comment=comment,
        reasons=[],
        answered_at=when,
        updated_at=when,
        source="email",
    )
    session.add(row)
    session.flush()
    return row


def prediction(session: Session, conversation_id: int, csat: float, when: datetime) -> None:
    session.add(
        SatisfactionPrediction(
            conversation_id=conversation_id,
            predicted_csat=csat,
            low=csat - 0.5,
            high=csat + 0.5,
            confidence=0.6,
            reasons=[{"feature": "waits", "effect": -0.2}],
            predicted_at=when,
        )
    )
    session.flush()
