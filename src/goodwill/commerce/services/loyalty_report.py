"""Loading orders and satisfaction signals for the loyalty overview (a fixed number of queries)."""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from goodwill.commerce.loyalty import (
    Cohort,
    RepeatRate,
    Signal,
    median_days_to_next_purchase,
    nps_group,
    repeat_purchase_rate,
    retention_cohorts,
    segment,
)
from goodwill.commerce.models import Order
from goodwill.conversations.models import Conversation
from goodwill.satisfaction.models import SatisfactionPrediction
from goodwill.surveys.models import SurveyKind, SurveyResponse

OrderDates = dict[int, list[datetime]]


@dataclass(frozen=True, slots=True)
class LoyaltyOverview:
    start: datetime
    end: datetime
    repeat: RepeatRate
    cohorts: list[Cohort]
    median_days_to_next_purchase: float | None
    nps_groups: dict[str, int]
    segments: dict[str, int]


def order_dates(session: Session, *, before: datetime | None = None) -> OrderDates:
    """Every customer's order times (before `before` when given)."""
    query = select(Order.customer_id, Order.ordered_at)
    if before is not None:
        query = query.where(Order.ordered_at < before)
    dates: OrderDates = defaultdict(list)
    for customer_id, ordered_at in session.execute(query):
        dates[customer_id].append(ordered_at)
    return dict(dates)


def latest_signals(
    session: Session, customer_ids: list[int] | None = None
) -> dict[int, list[Signal]]:
    """Per customer, the latest survey answer of each kind and the latest prediction."""
    latest: dict[tuple[int, str], Signal] = {}
    answers = select(
        SurveyResponse.customer_id,
        SurveyResponse.kind,
        SurveyResponse.score,
        SurveyResponse.answered_at,
    )
    predictions = select(
        Conversation.customer_id,
        SatisfactionPrediction.predicted_csat,
        SatisfactionPrediction.predicted_at,
    ).join(Conversation, Conversation.id == SatisfactionPrediction.conversation_id)
    if customer_ids is not None:
        answers = answers.where(SurveyResponse.customer_id.in_(customer_ids))
        predictions = predictions.where(Conversation.customer_id.in_(customer_ids))
    for customer_id, kind, score, at in session.execute(answers):
        _keep_latest(
            latest, customer_id, Signal(kind=SurveyKind(kind).value, score=float(score), at=at)
        )
    for customer_id, predicted, predicted_at in session.execute(predictions):
        signal = Signal(kind="predicted", score=float(predicted), at=predicted_at)
        _keep_latest(latest, customer_id, signal)
    signals: dict[int, list[Signal]] = defaultdict(list)
    for (customer_id, _), signal in latest.items():
        signals[customer_id].append(signal)
    return dict(signals)


def _keep_latest(latest: dict[tuple[int, str], Signal], customer_id: int, signal: Signal) -> None:
    key = (customer_id, signal.kind)
    if key not in latest or latest[key].at < signal.at:
        latest[key] = signal


def typical_gap_days(session: Session) -> float | None:
    """The median over repeat customers of their average days between orders."""
    rows = session.execute(
        select(func.min(Order.ordered_at), func.max(Order.ordered_at), func.count())
        .group_by(Order.customer_id)
        .having(func.count() >= 2)
    ).all()
    gaps = sorted((last - first).total_seconds() / 86_400 / (n - 1) for first, last, n in rows)
    return gaps[len(gaps) // 2] if gaps else None


def loyalty_overview(
    session: Session, *, start: datetime, end: datetime, months: int = 12
) -> LoyaltyOverview:
    """The manager's overview: repeat rate in [start, end), cohorts and segments up to `end`."""
    dates = order_dates(session, before=end)
    signals = latest_signals(session)
    groups = Counter(
        nps_group(int(s.score)) for found in signals.values() for s in found if s.kind == "nps"
    )
    segments = Counter(
        segment(signals.get(cid, []), dates.get(cid, [])) for cid in set(signals) | set(dates)
    )
    return LoyaltyOverview(
        start=start,
        end=end,
        repeat=repeat_purchase_rate(dates, start, end),
        cohorts=retention_cohorts(dates, now=end - timedelta(microseconds=1), months=months),
        median_days_to_next_purchase=median_days_to_next_purchase(dates),
        nps_groups={name: groups[name] for name in ("promoter", "passive", "detractor")},
        segments={
            name: segments[name] for name in ("loyal", "satisfied", "not satisfied", "unrated")
        },
    )
