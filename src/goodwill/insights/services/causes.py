"""Root cause of dissatisfaction: attribute imported reviews, and the Root cause dashboard data.

Unhappy conversations are those `cause_rules.is_unhappy` calls unhappy (CSAT <= 2, NPS <= 6,
CES <= 3, or unrated with a predicted CSAT <= 2.5 or an ending sentiment <= -0.2), written as
one SQL condition; their `cause`/`cause_detail` were set by the facts builder. Low-rated
reviews are those rated at most 2 of 5 (4 of 10): `attribute_reviews` fills their cause from
the title and text. The dashboard runs five aggregate queries at any volume (see
docs/insights.md "Root cause")."""

from collections import defaultdict
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from goodwill.commerce.models import Review
from goodwill.conversations.models import Conversation
from goodwill.core.sql import day_bucket
from goodwill.insights import cause_rules as rules
from goodwill.insights.filters import InsightFilter
from goodwill.insights.models import ConversationFact as F
from goodwill.insights.query import fact_conditions, period_bounds
from goodwill.insights.services.causes_view import (
    CAUSE_KEYS,
    CauseCounts,
    CauseFigures,
    CausesDashboard,
    UnhappyConversation,
    build_dashboard,
)
from goodwill.insights.tables import Table

REVIEW_BATCH = 500
LIST_LIMIT = 50


def unhappy_condition() -> ColumnElement[bool]:
    """cause_rules.is_unhappy as SQL on conversation_facts."""
    unrated = and_(F.csat.is_(None), F.nps.is_(None), F.ces.is_(None))
    return or_(
        F.csat <= rules.LOW_CSAT,
        F.nps <= rules.LOW_NPS,
        F.ces <= rules.LOW_CES,
        and_(
            unrated,
            or_(
                F.predicted_csat <= rules.LOW_PREDICTED_CSAT,
                F.sentiment_end <= rules.NEGATIVE_END_SENTIMENT,
            ),
        ),
    )


def low_rating_condition() -> ColumnElement[bool]:
    """A review rated at most 2 of 5 (4 of 10): rating / scale <= 0.4."""
    return Review.rating * 5 <= Review.rating_scale * 2


def attribute_reviews(session: Session, limit: int = REVIEW_BATCH) -> tuple[int, bool]:
    """Fill cause/cause_detail of up to `limit` low-rated reviews that have none (oldest id
    first); a review once attributed is never read again. Returns (done, more waiting)."""
    reviews = session.scalars(
        select(Review)
        .where(Review.cause.is_(None), low_rating_condition())
        .order_by(Review.id)
        .limit(limit + 1)
    ).all()
    for review in reviews[:limit]:
        found = rules.attribute_text(
            f"{review.title}. {review.text}" if review.title else review.text
        )
        review.cause, review.cause_detail = found.cause, found.detail
    session.flush()
    return min(len(reviews), limit), len(reviews) > limit


def cause_figures(session: Session, insight_filter: InsightFilter) -> CauseFigures:
    """The dashboard's numbers: five queries whatever the number of conversations."""
    current, months = _conversation_counts(session, insight_filter, by_month=True)
    previous, _ = _conversation_counts(session, insight_filter.previous(), by_month=False)
    reviews, review_months = _review_counts(session, insight_filter)
    unhappy = _unhappy_list(session, insight_filter)
    return CauseFigures(insight_filter, current, previous, months, reviews, review_months, unhappy)


def _month_of(day: date) -> date:
    return day.replace(day=1)


def _conversation_counts(
    session: Session, insight_filter: InsightFilter, *, by_month: bool
) -> tuple[CauseCounts, dict[date, CauseCounts]]:
    day = F.opened_on if by_month else func.min(F.opened_on)
    group = (F.cause, F.cause_detail, F.opened_on) if by_month else (F.cause, F.cause_detail)
    rows = session.execute(
        select(F.cause, F.cause_detail, day, func.count())
        .where(*fact_conditions(insight_filter), unhappy_condition())
        .group_by(*group)
    ).all()
    total = CauseCounts()
    months: dict[date, CauseCounts] = defaultdict(CauseCounts)
    for cause, detail, opened_on, count in rows:
        total.add(cause, detail, int(count))
        if by_month:
            months[_month_of(opened_on)].add(cause, detail, int(count))
    return total, dict(months)


def _review_counts(
    session: Session, insight_filter: InsightFilter
) -> tuple[CauseCounts, dict[date, CauseCounts]]:
    """Low-rated reviews of the period (and product, the one slice a review has)."""
    start, end = period_bounds(insight_filter)
    reviewed_at: ColumnElement[object] = Review.__table__.c.reviewed_at
    day = day_bucket(session, reviewed_at)
    conditions = [Review.reviewed_at >= start, Review.reviewed_at < end, low_rating_condition()]
    if insight_filter.product_id is not None:
        conditions.append(Review.product_id == insight_filter.product_id)
    rows = session.execute(
        select(Review.cause, Review.cause_detail, day, func.count())
        .where(*conditions)
        .group_by(Review.cause, Review.cause_detail, day)
    ).all()
    total = CauseCounts()
    months: dict[date, CauseCounts] = defaultdict(CauseCounts)
    for cause, detail, day_text, count in rows:
        total.add(cause, detail, int(count))
        months[_month_of(date.fromisoformat(str(day_text)[:10]))].add(cause, detail, int(count))
    return total, dict(months)


def _unhappy_list(session: Session, insight_filter: InsightFilter) -> list[UnhappyConversation]:
    rows = session.execute(
        select(
            F.conversation_id,
            Conversation.reference,
            Conversation.subject,
            F.opened_at,
            F.channel,
            F.csat,
            F.nps,
            F.ces,
            F.cause,
            F.cause_detail,
            F.cause_evidence,
        )
        .outerjoin(Conversation, Conversation.id == F.conversation_id)
        .where(*fact_conditions(insight_filter), unhappy_condition())
        .order_by(F.opened_at.desc(), F.conversation_id.desc())
        .limit(LIST_LIMIT)
    ).all()
    return [
        UnhappyConversation(
            row[0],
            row[1] or "",
            row[2] or "",
            row[3],
            row[4],
            row[5],
            row[6],
            row[7],
            row[8] if row[8] in CAUSE_KEYS else "none",
            row[9] or "",
            row[10] or "",
        )
        for row in rows
    ]


def dashboard_tables(
    session: Session, insight_filter: InsightFilter, now: datetime
) -> tuple[Table, ...]:
    """The tables the page shows, in its order (keys: summary, by_detail, by_month,
    unhappy_conversations), for the CSV exports."""
    return tuple(t.table for t in causes_dashboard(session, insight_filter, now).tables)


def causes_dashboard(
    session: Session,
    insight_filter: InsightFilter,
    now: datetime,  # noqa: ARG001  (the same signature as every dashboard)
) -> CausesDashboard:
    return build_dashboard(cause_figures(session, insight_filter))
