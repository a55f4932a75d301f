"""The Root cause dashboard's shapes: counts, the tables (with drill-down links) and charts.

No queries here: services/causes.py reads the numbers, this module lays them out."""

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from markupsafe import Markup

from goodwill.insights.charts import bar_chart, line_chart
from goodwill.insights.filters import InsightFilter
from goodwill.insights.services.satisfaction_quality_view import (
    LinkedTable,
    TableBuilder,
    drill_href,
)

CAUSE_KEYS = ("service", "product", "policy", "none")  # none: unhappy, no cause found (yet)
CAUSE_LABELS = {
    "service": "Service",
    "product": "Product",
    "policy": "Policy",
    "none": "No cause found",
}
DETAILS: tuple[tuple[str, str, str], ...] = (
    ("service", "attitude", "Attitude"),
    ("service", "not_listened", "Did not listen"),
    ("service", "slow_or_ignored", "Slow or ignored"),
    ("service", "broken_promise", "Broken promise"),
    ("service", "lacking_knowledge", "Lacking knowledge"),
    ("service", "no_follow_up", "No follow-up"),
    ("product", "defect", "Defect"),
    ("product", "quality", "Quality"),
    ("product", "delivery_operations", "Delivery or operations"),
    ("product", "price_value", "Price or value"),
    ("policy", "policy", "Policy"),
)


@dataclass(slots=True)
class CauseCounts:
    """Counts of unhappy conversations (or low-rated reviews) by cause and by detail."""

    total: int = 0
    by_cause: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CAUSE_KEYS, 0))
    by_detail: dict[tuple[str, str], int] = field(default_factory=dict)

    def add(self, cause: str | None, detail: str | None, count: int) -> None:
        key = cause if cause in CAUSE_KEYS else "none"
        self.total += count
        self.by_cause[key] += count
        if key != "none" and detail:
            self.by_detail[(key, detail)] = self.by_detail.get((key, detail), 0) + count

    def share(self, cause: str) -> float | None:
        """Percent of the total, one decimal; None when there is nothing to share."""
        return None if self.total == 0 else round(100.0 * self.by_cause[cause] / self.total, 1)


@dataclass(frozen=True, slots=True)
class UnhappyConversation:
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


@dataclass(frozen=True, slots=True)
class CauseFigures:
    """Everything the Root cause dashboard shows."""

    insight_filter: InsightFilter
    current: CauseCounts
    previous: CauseCounts
    months: dict[date, CauseCounts]
    reviews: CauseCounts
    review_months: dict[date, CauseCounts]
    unhappy: list[UnhappyConversation]


@dataclass(frozen=True, slots=True)
class CausesDashboard:
    figures: CauseFigures
    tables: tuple[LinkedTable, ...]
    charts: dict[str, Markup]


def build_dashboard(figures: CauseFigures) -> CausesDashboard:
    months = month_starts(figures.insight_filter)
    tables = (
        summary_table(figures),
        detail_table(figures),
        month_table(figures, months),
        unhappy_table(figures),
    )
    return CausesDashboard(figures, tables, charts(figures, months))


def month_starts(insight_filter: InsightFilter) -> list[date]:
    """The first day of every month the period touches, in order."""
    months, month = [], insight_filter.start.replace(day=1)
    while month <= insight_filter.end:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def _month_filter(insight_filter: InsightFilter, month: date) -> InsightFilter:
    last = (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return replace(
        insight_filter, start=max(month, insight_filter.start), end=min(last, insight_filter.end)
    )


def _cause_link(insight_filter: InsightFilter, cause: str) -> str:
    """The facts builder sets a cause (service, product, policy, none) on unhappy ones only."""
    return drill_href(insight_filter, "cause", "eq", cause)


def summary_table(figures: CauseFigures) -> LinkedTable:
    f, current, previous, reviews = (
        figures.insight_filter,
        figures.current,
        figures.previous,
        figures.reviews,
    )
    builder = TableBuilder(
        "summary",
        "Unhappy conversations and low-rated reviews by cause",
        (
            "Cause",
            "Unhappy conversations",
            "Share %",
            "Previous period",
            "Previous share %",
            "Low-rated reviews",
            "Reviews share %",
        ),
    )
    for cause in CAUSE_KEYS:
        builder.add(
            (CAUSE_LABELS[cause], None),
            (current.by_cause[cause], _cause_link(f, cause)),
            (current.share(cause), None),
            (previous.by_cause[cause], _cause_link(f.previous(), cause)),
            (previous.share(cause), None),
            (reviews.by_cause[cause], None),
            (reviews.share(cause), None),
        )
    builder.add(
        ("Total", None),
        (current.total, drill_href(f, "cause", "notnull")),
        (100.0 if current.total else None, None),
        (previous.total, drill_href(f.previous(), "cause", "notnull")),
        (100.0 if previous.total else None, None),
        (reviews.total, None),
        (100.0 if reviews.total else None, None),
    )
    return builder.build()


def detail_table(figures: CauseFigures) -> LinkedTable:
    f, current = figures.insight_filter, figures.current
    builder = TableBuilder(
        "by_detail",
        "What exactly: unhappy conversations and low-rated reviews by detail",
        ("Cause", "Detail", "Unhappy conversations", "Share %", "Previous period", "Reviews"),
    )
    for cause, detail, label in DETAILS:
        count = current.by_detail.get((cause, detail), 0)
        share = round(100.0 * count / current.total, 1) if current.total else None
        builder.add(
            (CAUSE_LABELS[cause], None),
            (label, None),
            (count, drill_href(f, "cause_detail", "eq", detail)),
            (share, None),
            (
                figures.previous.by_detail.get((cause, detail), 0),
                drill_href(f.previous(), "cause_detail", "eq", detail),
            ),
            (figures.reviews.by_detail.get((cause, detail), 0), None),
        )
    return builder.build()


def month_table(figures: CauseFigures, months: list[date]) -> LinkedTable:
    builder = TableBuilder(
        "by_month",
        "Shares over time, by month",
        (
            "Month",
            "Unhappy conversations",
            "Service %",
            "Product %",
            "Policy %",
            "No cause %",
            "Low-rated reviews",
            "Reviews service %",
            "Reviews product %",
            "Reviews policy %",
        ),
    )
    for month in months:
        counts = figures.months.get(month, CauseCounts())
        reviews = figures.review_months.get(month, CauseCounts())
        scoped = _month_filter(figures.insight_filter, month)
        builder.add(
            (month.strftime("%Y-%m"), None),
            (counts.total, None),
            *((counts.share(cause), _cause_link(scoped, cause)) for cause in CAUSE_KEYS),
            (reviews.total, None),
            *((reviews.share(cause), None) for cause in CAUSE_KEYS[:3]),
        )
    return builder.build()


def _score(row: UnhappyConversation) -> str:
    parts = [
        f"{name} {value}"
        for name, value in (("CSAT", row.csat), ("NPS", row.nps), ("CES", row.ces))
        if value is not None
    ]
    return ", ".join(parts) or "unrated"


def unhappy_table(figures: CauseFigures) -> LinkedTable:
    labels = {detail: label for _, detail, label in DETAILS}
    builder = TableBuilder(
        "unhappy_conversations",
        "Latest unhappy conversations (up to 50), with the evidence",
        ("Conversation", "Subject", "Opened", "Channel", "Rating", "Cause", "Detail", "Evidence"),
    )
    for row in figures.unhappy:
        builder.add(
            (row.reference, f"/conversations/{row.conversation_id}"),
            (row.subject, None),
            (row.opened_at.strftime("%Y-%m-%d %H:%M"), None),
            (row.channel, None),
            (_score(row), None),
            (CAUSE_LABELS[row.cause], None),
            (labels.get(row.detail, row.detail), None),
            (row.evidence, None),
        )
    return builder.build()


# Short enough for the chart's axis (the tables carry the full labels).
CHART_LABELS = {
    "attitude": "Attitude",
    "not_listened": "Unheard",
    "slow_or_ignored": "Slow",
    "broken_promise": "Promise",
    "lacking_knowledge": "Knowledge",
    "no_follow_up": "Follow-up",
    "defect": "Defect",
    "quality": "Quality",
    "delivery_operations": "Delivery",
    "price_value": "Price",
    "policy": "Policy",
}


def charts(figures: CauseFigures, months: list[date]) -> dict[str, Markup]:
    counts = [float(figures.current.by_detail.get((c, d), 0)) for c, d, _ in DETAILS]
    by_detail = bar_chart(
        [CHART_LABELS[detail] for _, detail, _ in DETAILS],
        counts,
        title="Unhappy conversations by detail",
    )
    if len(months) == 1:  # one point draws no line: the month's shares as bars
        month = figures.months.get(months[0], CauseCounts())
        by_month = bar_chart(
            [CAUSE_LABELS[cause] for cause in CAUSE_KEYS[:3]],
            [month.share(cause) for cause in CAUSE_KEYS[:3]],
            title=f"Share of unhappy conversations by cause, {months[0].strftime('%Y-%m')}",
            unit="%",
        )
    else:
        shares: dict[str, Sequence[float | None]] = {
            CAUSE_LABELS[cause]: [figures.months.get(m, CauseCounts()).share(cause) for m in months]
            for cause in CAUSE_KEYS[:3]
        }
        by_month = line_chart(
            [month.strftime("%Y-%m") for month in months],
            shares,
            title="Share of unhappy conversations by cause, by month",
            unit="%",
        )
    return {"by_detail": by_detail, "by_month": by_month}
