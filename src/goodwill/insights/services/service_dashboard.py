"""The service dashboard's numbers: volumes, response and resolution times, FCR, reopens,
transfers, SLA and the backlog, for a period and the one before it, from conversation_facts.

A fixed number of queries at any data size: counts are grouped in SQL (per day and channel for
both periods, per team and agent for the current one); the durations behind the percentiles are
read once per period, as integers through Core (no ORM rows). Percentiles are nearest-rank: the
p-th is the value at rank ceil(p/100 * n) of the sorted values, so the median of 1, 2, 3, 4 is 2
and every figure is one real conversation's."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

import numpy as np
import numpy.typing as npt
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from goodwill.agents.models import Agent, Team
from goodwill.core.sql import joined_numbers
from goodwill.insights.filters import InsightFilter
from goodwill.insights.models import ConversationFact as F
from goodwill.insights.query import fact_conditions
from goodwill.insights.rollup import measure_source
from goodwill.insights.services.backlog import Backlog, load_backlog
from goodwill.insights.services.service_view import service_view
from goodwill.insights.tables import Table

GroupDurations = dict[int | None, tuple["Percentiles", "Percentiles"]]
DURATIONS = (
    "first_response_business_seconds",
    "first_response_seconds",
    "next_response_business_seconds",
    "resolution_business_seconds",
)


@dataclass(slots=True)
class Counts:
    """Counters of one group of facts; every one is the size of a drill-down list."""

    volume: int = 0
    resolved: int = 0  # resolution_seconds is not null
    fcr: int = 0  # first_contact_resolution
    reopened: int = 0  # reopens > 0
    transferred: int = 0  # transfers > 0
    sla_applies: int = 0
    sla_breached: int = 0
    first_response_breached: int = 0
    resolution_breached: int = 0

    def add(self, values: Sequence[int]) -> None:
        for name, value in zip(COUNT_FIELDS, values, strict=True):
            setattr(self, name, getattr(self, name) + int(value or 0))

    @property
    def fcr_rate(self) -> float | None:
        return ratio(self.fcr, self.resolved)

    @property
    def reopen_rate(self) -> float | None:
        return ratio(self.reopened, self.resolved)

    @property
    def transfer_rate(self) -> float | None:
        return ratio(self.transferred, self.volume)

    @property
    def sla_attainment(self) -> float | None:
        share = ratio(self.sla_breached, self.sla_applies)
        return None if share is None else 1.0 - share


COUNT_FIELDS = tuple(Counts.__dataclass_fields__)


@dataclass(frozen=True, slots=True)
class Percentiles:
    """Median and p90 of one duration, and how many conversations have it."""

    count: int
    median: int | None
    p90: int | None


@dataclass(slots=True)
class Period:
    """One period's numbers: counts overall and per channel, percentiles per duration."""

    counts: Counts = field(default_factory=Counts)
    by_channel: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    durations: dict[str, Percentiles] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class GroupRow:
    """One team or agent (id None: none set) in the current period."""

    ident: int | None
    name: str
    counts: Counts
    first_response: Percentiles
    resolution: Percentiles


@dataclass(frozen=True, slots=True)
class ServiceDashboard:
    insight_filter: InsightFilter
    current: Period
    previous: Period
    channels: tuple[str, ...]
    days: tuple[date, ...]
    daily: dict[str, tuple[int, ...]]  # channel -> volume per day of the current period
    teams: tuple[GroupRow, ...]
    agents: tuple[GroupRow, ...]
    backlog: Backlog


def ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def rank(count: int, percent: int) -> int:
    """The 1-based nearest-rank position of the `percent`-th percentile among `count` values."""
    return max(1, (count * percent + 99) // 100)


def percentile(ordered: Sequence[int], percent: int) -> int | None:
    """Nearest-rank percentile of sorted values (None when there are none)."""
    return ordered[rank(len(ordered), percent) - 1] if ordered else None


def load_service_dashboard(
    session: Session, insight_filter: InsightFilter, now: datetime
) -> ServiceDashboard:
    """Every number of the service dashboard (see the module docstring for the queries)."""
    previous = insight_filter.previous()
    source = measure_source(replace(insight_filter, start=previous.start))
    current, before = Period(), Period()
    days = tuple(
        insight_filter.start + timedelta(days=offset) for offset in range(insight_filter.days)
    )
    daily: dict[str, list[int]] = defaultdict(lambda: [0] * len(days))
    keys = [source.key("opened_on"), source.key("channel")]
    by_day = select(*keys, *source.sums(*COUNTER_MEASURES)).select_from(source.table)
    for opened_on, channel, *values in session.connection().execute(
        by_day.where(*source.conditions).group_by(*keys)
    ):
        period = current if opened_on >= insight_filter.start else before
        period.counts.add(values)
        period.by_channel[channel].add(values)
        if period is current:
            daily[channel][(opened_on - insight_filter.start).days] = int(values[0])
    current.durations, by_team, by_agent = _load_durations(session, insight_filter, grouped=True)
    before.durations = _load_durations(session, previous, grouped=False)[0]
    teams, agents = _load_groups(session, insight_filter)
    channels = tuple(sorted(set(current.by_channel) | set(before.by_channel)))
    return ServiceDashboard(
        insight_filter=insight_filter,
        current=current,
        previous=before,
        channels=channels,
        days=days,
        daily={channel: tuple(daily[channel]) for channel in channels},
        teams=_group_rows(session, Team, teams, by_team),
        agents=_group_rows(session, Agent, agents, by_agent),
        backlog=load_backlog(session, insight_filter, now),
    )


def dashboard_tables(
    session: Session, insight_filter: InsightFilter, now: datetime
) -> tuple[Table, ...]:
    """The tables the service page shows, for CSV exports (stable keys)."""
    view = service_view(load_service_dashboard(session, insight_filter, now))
    return tuple(linked.table for linked in view.tables)


# The rollup measures behind Counts, in COUNT_FIELDS order (see goodwill.insights.rollup).
COUNTER_MEASURES = (
    "conversations",
    "resolved",
    "fcr",
    "reopened",
    "transferred",
    "sla_applies",
    "sla_breached",
    "first_response_breached",
    "resolution_breached",
)


MISSING = -1  # stands for NULL in the integer arrays (ids and durations are never negative)
NO_PERCENTILES = Percentiles(0, None, None)


def _load_durations(
    session: Session, insight_filter: InsightFilter, *, grouped: bool
) -> tuple[dict[str, Percentiles], GroupDurations, GroupDurations]:
    """The percentiles of each duration over the period, and when `grouped` those of first
    response and resolution per team and per agent. One query; its integers go straight into a
    numpy array, sorted there (no Python loop per conversation). Each column crosses the
    driver as one comma-separated text (core.sql.joined_numbers), parsed by numpy in C."""
    columns = [getattr(F, name) for name in DURATIONS]
    groups = (F.team_id, F.agent_id) if grouped else ()  # the previous period needs none
    values = [func.coalesce(column, MISSING) for column in (*groups, *columns)]
    statement = select(*(joined_numbers(session, value) for value in values)).where(
        *fact_conditions(insight_filter), or_(*(column.is_not(None) for column in columns))
    )
    texts = session.connection().execute(statement).one()
    table = np.column_stack([_numbers(text) for text in texts]).reshape(-1, len(values))
    first = len(groups)
    found = {name: _percentiles(table[:, first + i]) for i, name in enumerate(DURATIONS)}
    if not grouped:
        return found, {}, {}
    first_response, resolution = table[:, 2], table[:, 5]
    by_team = _by_group(table[:, 0], first_response, resolution)
    by_agent = _by_group(table[:, 1], first_response, resolution)
    return found, by_team, by_agent


def _numbers(text: str | None) -> npt.NDArray[np.int64]:
    if not text:
        return np.empty(0, dtype=np.int64)
    return np.fromstring(text, dtype=np.int64, sep=",")


def _percentiles(column: npt.NDArray[np.int64]) -> Percentiles:
    ordered = np.sort(column[column != MISSING])
    return _ranked(ordered, 0, len(ordered))


def _ranked(ordered: npt.NDArray[np.int64], start: int, count: int) -> Percentiles:
    """Nearest-rank median and p90 of `count` sorted values from `start`."""
    if count == 0:
        return NO_PERCENTILES
    median = ordered[start + rank(count, 50) - 1]
    p90 = ordered[start + rank(count, 90) - 1]
    return Percentiles(count, int(median), int(p90))


def _by_group(groups: npt.NDArray[np.int64], *columns: npt.NDArray[np.int64]) -> GroupDurations:
    """Per group id (None for MISSING): the percentiles of each column, sorted by group then
    value in one lexsort per column."""
    result: dict[int | None, list[Percentiles]] = {
        (None if ident == MISSING else int(ident)): [] for ident in np.unique(groups)
    }
    for column in columns:
        present = column != MISSING
        ids, values = groups[present], column[present]
        order = np.lexsort((values, ids))
        ids, values = ids[order], values[order]
        uniques, starts, counts = np.unique(ids, return_index=True, return_counts=True)
        ranked = {
            (None if ident == MISSING else int(ident)): _ranked(values, int(start), int(count))
            for ident, start, count in zip(uniques, starts, counts, strict=True)
        }
        for ident, found in result.items():
            found.append(ranked.get(ident, NO_PERCENTILES))
    return {ident: (found[0], found[1]) for ident, found in result.items()}


def _load_groups(
    session: Session, insight_filter: InsightFilter
) -> tuple[dict[int | None, Counts], dict[int | None, Counts]]:
    """Counts per team and per agent, from one query grouped by both (on the rollup when the
    filter allows)."""
    teams: dict[int | None, Counts] = defaultdict(Counts)
    agents: dict[int | None, Counts] = defaultdict(Counts)
    source = measure_source(insight_filter)
    keys = [source.key("team_id"), source.key("agent_id")]
    statement = (
        select(*keys, *source.sums(*COUNTER_MEASURES))
        .select_from(source.table)
        .where(*source.conditions)
        .group_by(*keys)
    )
    for team_id, agent_id, *values in session.connection().execute(statement):
        teams[team_id].add(values)
        agents[agent_id].add(values)
    return teams, agents


def _group_rows(
    session: Session,
    model: type[Team] | type[Agent],
    counts: dict[int | None, Counts],
    durations: GroupDurations,
) -> tuple[GroupRow, ...]:
    """One row per team or agent with its name (one query), busiest first."""
    idents = [ident for ident in counts if ident is not None]
    names = dict(session.execute(select(model.id, model.name).where(model.id.in_(idents))).all())
    result = []
    for ident, group in counts.items():
        frt, resolution = durations.get(ident, (NO_PERCENTILES, NO_PERCENTILES))
        name = "(none)" if ident is None else str(names.get(ident, f"#{ident}"))
        result.append(GroupRow(ident, name, group, frt, resolution))
    result.sort(key=lambda row: (-row.counts.volume, row.name))
    return tuple(result)
