"""GET /api/v1/insights/causes: why unhappy customers are unhappy - the service, the product or a
policy - with shares over time, details and the evidence. Managers and admins only."""

from datetime import date, datetime

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from goodwill.insights.api import BAD_QUERY, ServiceFilter
from goodwill.insights.services.causes import causes_dashboard
from goodwill.insights.services.causes_view import (
    CAUSE_KEYS,
    CAUSE_LABELS,
    DETAILS,
    CauseCounts,
    CausesDashboard,
    month_starts,
)
from goodwill.insights.services.satisfaction_quality_view import csv_href, drill_href
from goodwill.web.deps import ApiManager, ClockDep, DatabaseDep
from goodwill.web.schemas import error_responses
from goodwill.web.text_guard import reject_nul_characters

router = APIRouter(
    prefix="/insights", tags=["insights"], dependencies=[Depends(reject_nul_characters)]
)


class CauseShareOut(BaseModel):
    cause: str  # service | product | policy | none (unhappy, no cause found)
    label: str
    conversations: int
    share: float | None  # of unhappy conversations, 0..1
    previous_conversations: int
    previous_share: float | None
    reviews: int  # low-rated reviews
    reviews_share: float | None
    drill: str


class DetailOut(BaseModel):
    cause: str
    detail: str
    label: str
    conversations: int
    share: float | None
    previous_conversations: int
    reviews: int
    drill: str


class MonthOut(BaseModel):
    month: str  # YYYY-MM
    unhappy: int
    shares: dict[str, float | None]  # cause -> 0..1 of that month's unhappy conversations
    reviews: int
    review_shares: dict[str, float | None]


class UnhappyOut(BaseModel):
    conversation_id: int
    reference: str
    subject: str
    opened_at: datetime
    channel: str
    csat: int | None
    nps: int | None
    ces: int | None
    cause: str
    detail: str
    evidence: str


class CausesOut(BaseModel):
    start: date
    end: date
    previous_start: date
    previous_end: date
    unhappy: int
    previous_unhappy: int
    low_rated_reviews: int
    causes: list[CauseShareOut]
    details: list[DetailOut]
    months: list[MonthOut]
    conversations: list[UnhappyOut]
    tables: dict[str, str]  # table key -> its CSV download


def _share(counts: CauseCounts, cause: str) -> float | None:
    return None if counts.total == 0 else round(counts.by_cause[cause] / counts.total, 4)


def _shares(counts: CauseCounts) -> dict[str, float | None]:
    return {cause: _share(counts, cause) for cause in CAUSE_KEYS}


def causes_out(dashboard: CausesDashboard) -> CausesOut:
    figures = dashboard.figures
    f, current, previous, reviews = (
        figures.insight_filter,
        figures.current,
        figures.previous,
        figures.reviews,
    )
    causes = [
        CauseShareOut(
            cause=cause,
            label=CAUSE_LABELS[cause],
            conversations=current.by_cause[cause],
            share=_share(current, cause),
            previous_conversations=previous.by_cause[cause],
            previous_share=_share(previous, cause),
            reviews=reviews.by_cause[cause],
            reviews_share=_share(reviews, cause),
            drill=drill_href(f, "cause", "eq", cause),
        )
        for cause in CAUSE_KEYS
    ]
    details = [
        DetailOut(
            cause=cause,
            detail=detail,
            label=label,
            conversations=current.by_detail.get((cause, detail), 0),
            share=(
                round(current.by_detail.get((cause, detail), 0) / current.total, 4)
                if current.total
                else None
            ),
            previous_conversations=previous.by_detail.get((cause, detail), 0),
            reviews=reviews.by_detail.get((cause, detail), 0),
            drill=drill_href(f, "cause_detail", "eq", detail),
        )
        for cause, detail, label in DETAILS
    ]
    months = []
    for month in month_starts(f):
        counts = figures.months.get(month, CauseCounts())
        review_counts = figures.review_months.get(month, CauseCounts())
        months.append(
            MonthOut(
                month=month.strftime("%Y-%m"),
                unhappy=counts.total,
                shares=_shares(counts),
                reviews=review_counts.total,
                review_shares=_shares(review_counts),
            )
        )
    return CausesOut(
        start=f.start,
        end=f.end,
        previous_start=f.previous().start,
        previous_end=f.previous().end,
        unhappy=current.total,
        previous_unhappy=previous.total,
        low_rated_reviews=reviews.total,
        causes=causes,
        details=details,
        months=months,
        conversations=[
            UnhappyOut(
                conversation_id=row.conversation_id,
                reference=row.reference,
                subject=row.subject,
                opened_at=row.opened_at,
                channel=row.channel,
                csat=row.csat,
                nps=row.nps,
                ces=row.ces,
                cause=row.cause,
                detail=row.detail,
                evidence=row.evidence,
            )
            for row in figures.unhappy
        ],
        tables={t.table.key: csv_href("causes", t.table.key, f) for t in dashboard.tables},
    )


@router.get(
    "/causes",
    response_model=CausesOut,
    summary="Root cause: unhappy conversations and low-rated reviews by service, product, policy",
    description="For conversations opened in the period (and the previous one of the same "
    "length) that are unhappy (CSAT <= 2, NPS <= 6, CES <= 3, or unrated with a low predicted "
    "CSAT or a negative ending): counts and shares (0..1) by cause and by detail, by month, the "
    "low-rated reviews of the period (period and product filters only), the latest 50 unhappy "
    "conversations with their evidence, and the drill-down and CSV links. 400 for a bad filter.",
    responses=error_responses(403) | BAD_QUERY,
)
def get_causes(
    _manager: ApiManager, insight_filter: ServiceFilter, database: DatabaseDep, clock: ClockDep
) -> CausesOut:
    with database.reader() as session:
        dashboard = causes_dashboard(session, insight_filter, clock.now())
    return causes_out(dashboard)
