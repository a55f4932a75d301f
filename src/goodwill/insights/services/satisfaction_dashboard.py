"""The Satisfaction dashboard over conversation_facts: nine aggregate queries at any volume.

Conversations opened in the filter's period (and the previous period of the same length):
CSAT, NPS and CES (goodwill.surveys.rules), response rate, coverage, predicted and estimated CSAT,
sentiment start and end, repurchase, retention; by channel, team, agent and product; CSAT by
week. Definitions are in docs/insights.md ("Satisfaction dashboard")."""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, select
from sqlalchemy.orm import Session

from goodwill.agents.models import Agent, Team
from goodwill.commerce.models import Order, Product
from goodwill.insights import satisfaction_rules as rules
from goodwill.insights.filters import InsightFilter
from goodwill.insights.models import ConversationFact as F
from goodwill.insights.query import fact_conditions, period_bounds
from goodwill.insights.rollup import MeasureSource, measure_source
from goodwill.insights.services.satisfaction_quality_view import (
    LinkedTable,
    Rollup,
    largest_first,
)
from goodwill.insights.services.satisfaction_view import (
    BreakdownRow,
    SatisfactionFigures,
    breakdown_table,
    summary_table,
    weekly_table,
)
from goodwill.insights.tables import Table

# (filter field, label, the fact column, the table holding names, the name of "none")
DIMENSIONS: tuple[tuple[str, str, Any, Any, str], ...] = (
    ("channel", "Channel", F.channel, None, "(none)"),
    ("team_id", "Team", F.team_id, Team, "(no team)"),
    ("agent_id", "Agent", F.agent_id, Agent, "(unassigned)"),
    ("product_id", "Product", F.product_id, Product, "(no product)"),
)


@dataclass(frozen=True, slots=True)
class SatisfactionDashboard:
    insight_filter: InsightFilter
    current: SatisfactionFigures
    previous: SatisfactionFigures
    retention_complete: bool  # False while the 30 days after the period are still running
    weeks: list[rules.WeekMean]
    breakdowns: dict[str, list[BreakdownRow]]  # by filter field: channel, team_id, ...
    tables: tuple[LinkedTable, ...]


def satisfaction_dashboard(
    session: Session, insight_filter: InsightFilter, now: datetime, *, with_retention: bool = True
) -> SatisfactionDashboard:
    """Every figure; without retention (`with_retention=False`, the page: it loads the retention
    card separately, see `retention_table`) the summary leaves those rows out."""
    current, breakdowns, weeks = _current(session, insight_filter)
    previous = _figures(session, insight_filter.previous())
    if with_retention:
        current, previous = _with_retention(session, insight_filter, current, previous)
    rows = "all" if with_retention else "without_retention"
    tables = (
        summary_table(insight_filter, current, previous, rows=rows),
        *(
            breakdown_table(insight_filter, field, label, breakdowns[field])
            for field, label, *_ in DIMENSIONS
        ),
        weekly_table(insight_filter, weeks),
    )
    return SatisfactionDashboard(
        insight_filter=insight_filter,
        current=current,
        previous=previous,
        retention_complete=rules.retention_complete(insight_filter.end, now.date()),
        weeks=weeks,
        breakdowns=breakdowns,
        tables=tables,
    )


def dashboard_tables(
    session: Session, insight_filter: InsightFilter, now: datetime
) -> tuple[Table, ...]:
    """The tables the page shows, in its order (keys: summary, by_channel, by_team, by_agent,
    by_product, csat_by_week), for the CSV exports."""
    board = satisfaction_dashboard(session, insight_filter, now)
    retention = summary_table(insight_filter, board.current, board.previous, rows="retention")
    return (*(t.table for t in board.tables), retention.table)


# The rollup measures behind SatisfactionFigures (goodwill.insights.rollup.MEASURES); MEASURES
# first: breakdowns read a prefix of the headline.
MEASURES = (
    "conversations",
    "csat_answers",
    "csat_sum",
    "csat_satisfied",
    "csat_unhappy",
    "nps_answers",
    "promoters",
    "detractors",
    "ces_answers",
    "ces_sum",
    "ces_easy",
    "surveys_sent",
    "surveys_answered",
    "resolved",
    "rated",
    "rated_sum",
    "predicted",
    "predicted_sum",
    "repurchase_decided",
    "repurchased",
)
SENTIMENT = (
    "sentiment_pairs",
    "sentiment_start_sum",
    "sentiment_end_sum",
    "sentiment_improved",
    "sentiment_worsened",
)
HEADLINE_NAMES = [*MEASURES, *SENTIMENT]
_ROLLUP_NAMES = {"resolved": "resolved_conversations"}  # "resolved" there is by resolution time


def retention_table(session: Session, insight_filter: InsightFilter) -> LinkedTable:
    """Retention of the period and the one before: customers, those who came back, the rate.
    The costliest figure (it follows customers across periods), so the page loads it after."""
    current, previous = _with_retention(
        session, insight_filter, SatisfactionFigures(), SatisfactionFigures()
    )
    return summary_table(insight_filter, current, previous, rows="retention")


def _sums(source: MeasureSource, names: Sequence[str]) -> list[ColumnElement[Any]]:
    return [source.sum(_ROLLUP_NAMES.get(name, name)).label(name) for name in names]


_FLOATS = frozenset({"predicted_sum", "sentiment_start_sum", "sentiment_end_sum"})


def _figures_of(names: list[str], values: Sequence[Any]) -> SatisfactionFigures:
    found: dict[str, Any] = {
        name: float(value or 0) if name in _FLOATS else int(value or 0)
        for name, value in zip(names, values, strict=True)
    }
    return SatisfactionFigures(**found)


def _figures(session: Session, insight_filter: InsightFilter) -> SatisfactionFigures:
    source = measure_source(insight_filter)
    query = select(*_sums(source, HEADLINE_NAMES)).select_from(source.table)
    return _figures_of(HEADLINE_NAMES, session.execute(query.where(*source.conditions)).one())


def _current(
    session: Session, insight_filter: InsightFilter
) -> tuple[SatisfactionFigures, dict[str, list[BreakdownRow]], list[rules.WeekMean]]:
    """The period's figures and its breakdowns by channel, team and agent from one scan grouped
    by the three together (at most agents x channels groups), added up here; products and the
    CSAT of each day (for the weeks) from a second scan grouped by product and day (products
    are many, and independent of agents); then the names."""
    scanned, products = DIMENSIONS[:3], DIMENSIONS[3]
    source = measure_source(insight_filter)
    slices = [source.key(dimension[0]) for dimension in scanned]
    query = select(*slices, *_sums(source, HEADLINE_NAMES)).select_from(source.table)
    rollup = Rollup(keys=len(slices), width=len(HEADLINE_NAMES))
    for row in session.execute(query.where(*source.conditions).group_by(*slices)):
        rollup.add(row)
    by_product = Rollup(keys=2, width=len(MEASURES))  # by product, and by day for the weeks
    keys = [source.key(products[0]), source.key("opened_on")]
    query = select(*keys, *_sums(source, MEASURES)).select_from(source.table)
    for row in session.execute(query.where(*source.conditions).group_by(*keys)):
        by_product.add(row)
    groups = [*rollup.by_key, by_product.by_key[0]]
    breakdowns = {
        dimension[0]: _rows(session, dimension, found)
        for dimension, found in zip(DIMENSIONS, groups, strict=True)
    }
    csat_sum, csat_answers = HEADLINE_NAMES.index("csat_sum"), HEADLINE_NAMES.index("csat_answers")
    daily = [
        (day, sums[csat_sum], int(sums[csat_answers])) for day, sums in by_product.by_key[1].items()
    ]
    weeks = rules.weekly_means(daily, insight_filter.start, insight_filter.end)
    return _figures_of(HEADLINE_NAMES, rollup.total), breakdowns, weeks


def _rows(
    session: Session, dimension: tuple[str, str, Any, Any, str], groups: dict[Any, list[float]]
) -> list[BreakdownRow]:
    _field, _label, _column, model, nobody = dimension
    known = _names(session, model, [key for key in groups if key is not None])
    width = len(next(iter(groups.values()), HEADLINE_NAMES))
    names = HEADLINE_NAMES[:width]
    return [
        BreakdownRow(
            key, nobody if key is None else known.get(key, str(key)), _figures_of(names, sums)
        )
        for key, sums in largest_first(groups)
    ]


def _names(session: Session, model: Any, ids: list[Any]) -> dict[Any, str]:
    """Display names of the teams, agents or products among `ids` (channels are their name)."""
    if model is None:
        return {key: str(key) for key in ids}
    rows = session.execute(select(model.id, model.name).where(model.id.in_(ids)))
    return {ident: str(name) for ident, name in rows}


def _with_retention(
    session: Session,
    insight_filter: InsightFilter,
    current: SatisfactionFigures,
    previous: SatisfactionFigures,
) -> tuple[SatisfactionFigures, SatisfactionFigures]:
    """Add retention to both periods: of the distinct customers with a conversation in the
    period and slices, those who opened another conversation (anywhere) or placed an order
    after their first conversation of the period and before RETENTION_DAYS after its last day.

    One range scan from the previous period's start to this period's horizon, grouped by
    customer: their first conversation in each period (and slices) and their last one anywhere
    before each horizon. A customer without a first conversation compares with NULL: not
    counted."""
    before = insight_filter.previous()
    window = timedelta(days=rules.RETENTION_DAYS)
    start, end = period_bounds(before)[0], period_bounds(insight_filter)[1] + window
    horizon_before = period_bounds(before)[1] + window
    customers = (
        select(
            F.customer_id.label("customer_id"),
            func.min(case((and_(*fact_conditions(insight_filter)), F.opened_at))).label("first"),
            func.max(F.opened_at).label("last"),
            func.min(case((and_(*fact_conditions(before)), F.opened_at))).label("first_before"),
            func.max(case((F.opened_at < horizon_before, F.opened_at))).label("last_before"),
        )
        .where(F.opened_at >= start, F.opened_at < end)
        .group_by(F.customer_id)
        .subquery()
    )
    c = customers.c

    def came_back(first: Any, last: Any, horizon: datetime) -> ColumnElement[int]:
        """A CASE, so orders are probed only for customers of the period who opened nothing
        later."""
        an_order = exists().where(
            Order.customer_id == c.customer_id, Order.ordered_at > first, Order.ordered_at < horizon
        )
        return func.count(case((first.is_(None), None), (last > first, 1), (an_order, 1)))

    query = select(
        func.count(c.first),
        came_back(c.first, c.last, end),
        func.count(c.first_before),
        came_back(c.first_before, c.last_before, horizon_before),
    )
    total, retained, total_before, retained_before = session.execute(query).one()
    return (
        replace(current, customers=int(total), retained=int(retained)),
        replace(previous, customers=int(total_before), retained=int(retained_before)),
    )
