"""The daily rollup of conversation_facts, and one way to ask for sums over either.

`fact_daily` holds, per UTC day opened and (channel, team, agent, product), every additive
measure the dashboards show: counts and sums, never averages or percentiles. A dashboard asks a
`MeasureSource` for `sum("csat_sum")`; when its filter slices only by period, channel, team, agent
or product that reads the rollup (tens of times fewer rows than the facts at a million
conversations), otherwise (topic, segment, tag) the same measure is aggregated from the facts.
Both give the same number: tests compare them, and the facts with the event log.

Missing team, agent or product ids are stored as 0 so the grain is a plain unique key (two
workers refreshing one day cannot both insert it); `key()` turns 0 back into NULL."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    ColumnElement,
    Date,
    Float,
    FromClause,
    Integer,
    String,
    Table,
    UniqueConstraint,
    and_,
    case,
    cast,
    func,
)

from goodwill.core.db import Base
from goodwill.insights import satisfaction_rules as rules
from goodwill.insights.filters import InsightFilter
from goodwill.insights.models import ConversationFact as F
from goodwill.insights.query import fact_conditions
from goodwill.quality.rubric import FAILURE_MODES, STEPS

GRAIN = ("opened_on", "channel", "team_id", "agent_id", "product_id")
ID_KEYS = frozenset({"team_id", "agent_id", "product_id"})
STEP_STATES = ("done", "missed", "na")
CAUSES = ("service", "product", "policy")


def _count(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.count(case((condition, 1)))


def _sum(value: Any, condition: ColumnElement[bool] | None = None) -> ColumnElement[Any]:
    return func.coalesce(func.sum(value if condition is None else case((condition, value))), 0)


def _service() -> dict[str, ColumnElement[Any]]:
    return {
        "conversations": func.count(),
        "resolved": func.count(F.resolution_seconds),
        "fcr": _count(F.first_contact_resolution.is_(True)),
        "reopened": _count(F.reopens > 0),
        "reopens_sum": _sum(F.reopens),
        "transferred": _count(F.transfers > 0),
        "sla_applies": _count(F.sla_applies.is_(True)),
        "sla_breached": _count(F.sla_breached.is_(True)),
        "first_response_breached": _count(F.first_response_breached.is_(True)),
        "resolution_breached": _count(F.resolution_breached.is_(True)),
        "first_responded": func.count(F.first_response_business_seconds),
        "first_response_business_sum": _sum(F.first_response_business_seconds),
        "resolution_business_sum": _sum(F.resolution_business_seconds),
        "promises_made": _sum(F.promises_made),
        "promises_kept": _sum(F.promises_kept),
        "promises_broken": _sum(F.promises_broken),
    }


def _satisfaction() -> dict[str, ColumnElement[Any]]:
    resolved = F.resolved_at.is_not(None)
    rated = and_(resolved, F.csat.is_not(None))
    predicted = and_(resolved, F.csat.is_(None), F.predicted_csat.is_not(None))
    paired = and_(F.sentiment_start.is_not(None), F.sentiment_end.is_not(None))
    moved = F.sentiment_end - F.sentiment_start
    return {
        "csat_answers": func.count(F.csat),
        "csat_sum": _sum(F.csat),
        "csat_satisfied": _count(F.csat >= rules.CSAT_SATISFIED_MIN),
        "csat_unhappy": _count(F.csat <= rules.CSAT_UNHAPPY_MAX),
        "nps_answers": func.count(F.nps),
        "promoters": _count(F.nps >= rules.NPS_PROMOTER_MIN),
        "detractors": _count(F.nps <= rules.NPS_DETRACTOR_MAX),
        "ces_answers": func.count(F.ces),
        "ces_sum": _sum(F.ces),
        "ces_easy": _count(F.ces >= rules.CES_EASY_MIN),
        "surveys_sent": _count(F.survey_sent.is_(True)),
        "surveys_answered": _count(and_(F.survey_sent.is_(True), F.survey_answered.is_(True))),
        "resolved_conversations": _count(resolved),
        "rated": _count(rated),
        "rated_sum": _sum(F.csat, rated),
        "predicted": _count(predicted),
        "predicted_sum": _sum(F.predicted_csat, predicted),
        "repurchase_decided": func.count(F.repurchased),
        "repurchased": _count(F.repurchased.is_(True)),
        "sentiment_pairs": _count(paired),
        "sentiment_start_sum": _sum(F.sentiment_start, paired),
        "sentiment_end_sum": _sum(F.sentiment_end, paired),
        "sentiment_improved": _count(and_(paired, moved > rules.SENTIMENT_CHANGE)),
        "sentiment_worsened": _count(and_(paired, moved < -rules.SENTIMENT_CHANGE)),
    }


def _quality() -> dict[str, ColumnElement[Any]]:
    scored = F.quality_total.is_not(None)
    found: dict[str, ColumnElement[Any]] = {
        "scored": func.count(F.quality_total),
        "quality_sum": _sum(F.quality_total),
        "greeted_by_name": _count(F.greeted_by_name.is_(True)),
        "asked_needs": _count(F.asked_needs.is_(True)),
        "thanked": _count(F.thanked.is_(True)),
    }
    for step in STEPS:
        column = getattr(F, f"step_{step}")
        found.update({f"{step}_{state}": _count(column == state) for state in STEP_STATES})
    for mode in FAILURE_MODES:
        flag = getattr(F, f"failure_{mode}")
        found[f"failure_{mode}"] = _count(and_(scored, flag.is_(True)))
    for cause in CAUSES:
        found[f"cause_{cause}"] = _count(F.cause == cause)
    return found


MEASURES: dict[str, ColumnElement[Any]] = {**_service(), **_satisfaction(), **_quality()}
FLOAT_MEASURES = frozenset({"predicted_sum", "sentiment_start_sum", "sentiment_end_sum"})

fact_daily = Table(
    "fact_daily",
    Base.metadata,
    Column("id", Integer, primary_key=True),
    Column("opened_on", Date, nullable=False),
    Column("channel", String(16), nullable=False),
    Column("team_id", Integer, nullable=False),
    Column("agent_id", Integer, nullable=False),
    Column("product_id", Integer, nullable=False),
    *(
        Column(name, Float if name in FLOAT_MEASURES else BigInteger, nullable=False)
        for name in MEASURES
    ),
    UniqueConstraint(*GRAIN, name="uq_fact_daily_grain"),
)


def fact_grain() -> list[ColumnElement[Any]]:
    """The grain over the facts, labelled as in fact_daily (missing ids as 0)."""
    return [
        func.coalesce(getattr(F, name), 0).label(name) if name in ID_KEYS else getattr(F, name)
        for name in GRAIN
    ]


@dataclass(frozen=True, slots=True)
class MeasureSource:
    """Where a dashboard's sums come from: `select(*source.sums(...)).select_from(
    source.table).where(*source.conditions)`, grouped by `source.key(...)` when needed."""

    table: FromClause
    conditions: list[ColumnElement[bool]]
    sum: Callable[[str], ColumnElement[Any]]
    key: Callable[[str], ColumnElement[Any]]
    uses_rollup: bool

    def sums(self, *names: str) -> list[ColumnElement[Any]]:
        return [self.sum(name).label(name) for name in names]


def uses_rollup(insight_filter: InsightFilter) -> bool:
    """The rollup answers filters on the period, channel, team, agent and product only."""
    return (
        insight_filter.topic is None
        and insight_filter.segment is None
        and (insight_filter.tag_id is None)
    )


def measure_source(insight_filter: InsightFilter, *, force_facts: bool = False) -> MeasureSource:
    if force_facts or not uses_rollup(insight_filter):
        return MeasureSource(
            table=F.__table__,
            conditions=fact_conditions(insight_filter),
            sum=lambda name: MEASURES[name],
            key=lambda name: getattr(F, name),
            uses_rollup=False,
        )
    return MeasureSource(
        table=fact_daily,
        conditions=_rollup_conditions(insight_filter),
        sum=_rollup_sum,
        key=_rollup_key,
        uses_rollup=True,
    )


def _rollup_sum(name: str) -> ColumnElement[Any]:
    """SUM of a rollup column, typed as the measure (PostgreSQL sums BIGINT as NUMERIC)."""
    kind = Float if name in FLOAT_MEASURES else BigInteger
    return cast(func.coalesce(func.sum(fact_daily.c[name]), 0), kind)


def _rollup_key(name: str) -> ColumnElement[Any]:
    column = fact_daily.c[name]
    return func.nullif(column, 0) if name in ID_KEYS else column


def _rollup_conditions(insight_filter: InsightFilter) -> list[ColumnElement[bool]]:
    c = fact_daily.c
    conditions: list[ColumnElement[bool]] = [
        c.opened_on >= insight_filter.start,
        c.opened_on <= insight_filter.end,
    ]
    slices = {
        "channel": insight_filter.channel,
        "team_id": insight_filter.team_id,
        "agent_id": insight_filter.agent_id,
        "product_id": insight_filter.product_id,
    }
    conditions.extend(c[name] == value for name, value in slices.items() if value is not None)
    return conditions
