"""The Quality dashboard over conversation_facts: five aggregate queries at any volume.

Conversations opened in the filter's period (and the previous period): for each of the five
steps the done rate among applicable ones (done / (done + missed)), each failure mode's share of
scored conversations, the mean quality_total and the scored coverage; per team and per agent;
the mean quality by week. Definitions are in docs/insights.md ("Quality dashboard")."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.agents.models import Agent, Team
from goodwill.insights import satisfaction_rules as rules
from goodwill.insights.filters import InsightFilter
from goodwill.insights.models import ConversationFact as F
from goodwill.insights.rollup import measure_source
from goodwill.insights.services.quality_view import (
    STEP_STATES,
    QualityFigures,
    QualityRow,
    failures_table,
    people_table,
    steps_table,
    summary_table,
    weekly_table,
)
from goodwill.insights.services.satisfaction_quality_view import (
    LinkedTable,
    Rollup,
    largest_first,
)
from goodwill.insights.tables import Table
from goodwill.quality.rubric import FAILURE_MODES, STEPS

# (filter field, label, the fact column, the table holding names, the name of "none")
PEOPLE: tuple[tuple[str, str, Any, Any, str], ...] = (
    ("team_id", "Team", F.team_id, Team, "(no team)"),
    ("agent_id", "Agent", F.agent_id, Agent, "(unassigned)"),
)


@dataclass(frozen=True, slots=True)
class QualityDashboard:
    insight_filter: InsightFilter
    current: QualityFigures
    previous: QualityFigures
    by_team: list[QualityRow]
    by_agent: list[QualityRow]
    weeks: list[rules.WeekMean]
    tables: tuple[LinkedTable, ...]


def quality_dashboard(
    session: Session,
    insight_filter: InsightFilter,
    now: datetime,  # noqa: ARG001  (the same signature as every dashboard)
) -> QualityDashboard:
    current, (by_team, by_agent), weeks = _current(session, insight_filter)
    previous = _figures(session, insight_filter.previous())
    tables = (
        summary_table(insight_filter, current, previous),
        steps_table(insight_filter, current, previous),
        failures_table(insight_filter, current, previous),
        people_table(insight_filter, "team_id", "Team", by_team),
        people_table(insight_filter, "agent_id", "Agent", by_agent),
        weekly_table(insight_filter, weeks),
    )
    return QualityDashboard(insight_filter, current, previous, by_team, by_agent, weeks, tables)


def dashboard_tables(
    session: Session, insight_filter: InsightFilter, now: datetime
) -> tuple[Table, ...]:
    """The tables the page shows, in its order (keys: summary, steps, failures, by_team,
    by_agent, quality_by_week), for the CSV exports."""
    return tuple(t.table for t in quality_dashboard(session, insight_filter, now).tables)


# The rollup measures behind QualityFigures (goodwill.insights.rollup.MEASURES).
HEADLINE_NAMES = [
    "conversations",
    "scored",
    "quality_sum",
    *(f"{step}_{state}" for step in STEPS for state in STEP_STATES),
    *(f"failure_{mode}" for mode in FAILURE_MODES),
]


def _figures_of(values: Sequence[Any]) -> QualityFigures:
    found = {name: int(value or 0) for name, value in zip(HEADLINE_NAMES, values, strict=True)}
    return QualityFigures(
        conversations=found["conversations"],
        scored=found["scored"],
        quality_sum=found["quality_sum"],
        steps={step: {state: found[f"{step}_{state}"] for state in STEP_STATES} for step in STEPS},
        failures={mode: found[f"failure_{mode}"] for mode in FAILURE_MODES},
    )


def _figures(session: Session, insight_filter: InsightFilter) -> QualityFigures:
    source = measure_source(insight_filter)
    query = select(*source.sums(*HEADLINE_NAMES)).select_from(source.table)
    return _figures_of(session.execute(query.where(*source.conditions)).one())


def _current(
    session: Session, insight_filter: InsightFilter
) -> tuple[QualityFigures, list[list[QualityRow]], list[rules.WeekMean]]:
    """The period's figures, per team, per agent and per day (for the weeks) from one scan
    grouped by team, agent and day together (at most agents x days groups), added up here;
    then the names."""
    source = measure_source(insight_filter)
    slices = [source.key(name) for name in ("team_id", "agent_id", "opened_on")]
    query = (
        select(*slices, *source.sums(*HEADLINE_NAMES))
        .select_from(source.table)
        .where(*source.conditions)
        .group_by(*slices)
    )
    rollup = Rollup(keys=len(slices), width=len(HEADLINE_NAMES))
    for row in session.execute(query):
        rollup.add(row)
    people = []
    for (_field, _label, _column, model, nobody), groups in zip(
        PEOPLE, rollup.by_key, strict=False
    ):
        ids = [key for key in groups if key is not None]
        names = session.execute(select(model.id, model.name).where(model.id.in_(ids)))
        known = {ident: str(name) for ident, name in names}
        people.append(
            [
                QualityRow(
                    key, nobody if key is None else known.get(key, str(key)), _figures_of(sums)
                )
                for key, sums in largest_first(groups)
            ]
        )
    total, scored = HEADLINE_NAMES.index("quality_sum"), HEADLINE_NAMES.index("scored")
    daily = [(day, sums[total], int(sums[scored])) for day, sums in rollup.by_key[2].items()]
    weeks = rules.weekly_means(daily, insight_filter.start, insight_filter.end)
    return _figures_of(rollup.total), people, weeks
