"""The service dashboard as the page shows it: tables (plain values for CSV, text for the eye),
a drill-down link behind every number, and a chart beside each table. No database access."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import quote_plus, urlencode

from markupsafe import Markup

from goodwill.insights.charts import bar_chart, line_chart
from goodwill.insights.filters import InsightFilter
from goodwill.insights.services.backlog import AGE_BUCKETS
from goodwill.insights.tables import Cell, Table

if TYPE_CHECKING:
    from goodwill.insights.services.service_dashboard import (
        Counts,
        GroupRow,
        Percentiles,
        ServiceDashboard,
    )

DRILL_PATH = "/insights/conversations"
PERIOD_COLUMNS = ("This period", "Previous period", "Change")


@dataclass(frozen=True, slots=True)
class LinkedTable:
    """A table, its cells as shown, the drill-down link of each cell (or None) and a chart."""

    table: Table
    display: tuple[tuple[str, ...], ...]
    links: tuple[tuple[str | None, ...], ...]
    chart: Markup | None = None


@dataclass(frozen=True, slots=True)
class ServiceView:
    tables: tuple[LinkedTable, ...]

    def table(self, key: str) -> LinkedTable:
        return next(linked for linked in self.tables if linked.table.key == key)


@dataclass(slots=True)
class _Builder:
    """Collects rows: plain values, displayed text and links, cell by cell."""

    rows: list[tuple[Cell, ...]]
    display: list[tuple[str, ...]]
    links: list[tuple[str | None, ...]]

    def add(self, cells: list[tuple[Cell, str, str | None]]) -> None:
        self.rows.append(tuple(cell[0] for cell in cells))
        self.display.append(tuple(cell[1] for cell in cells))
        self.links.append(tuple(cell[2] for cell in cells))

    def build(
        self, key: str, title: str, columns: tuple[str, ...], chart: Markup | None = None
    ) -> LinkedTable:
        table = Table(key, title, columns, tuple(self.rows))
        return LinkedTable(table, tuple(self.display), tuple(self.links), chart)


def _builder() -> _Builder:
    return _Builder([], [], [])


def drill_url(insight_filter: InsightFilter, **params: str) -> str:
    """The drill-down page listing the conversations behind a number: the filter's query string
    (as InsightFilter.query_string writes it) and the drill parameters."""
    return f"{DRILL_PATH}?{_filter_query(insight_filter)}" + "".join(
        f"&{name}={quote_plus(value)}" for name, value in params.items()
    )


def _filter_query(insight_filter: InsightFilter) -> str:
    """insight_filter.query_string(), fast: days need no quoting, the slices part is cached."""
    period = f"start={insight_filter.start.isoformat()}&end={insight_filter.end.isoformat()}"
    return period + _slices_query(tuple(insight_filter.slices().items()))


@lru_cache(maxsize=256)
def _slices_query(slices: tuple[tuple[str, str], ...]) -> str:
    return f"&{urlencode(slices)}" if slices else ""


def format_duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    sign, rest = ("-" if seconds < 0 else ""), int(abs(seconds))
    days, rest = divmod(rest, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{sign}{days}d {hours}h"
    if hours:
        return f"{sign}{hours}h {minutes:02d}m"
    return f"{sign}{minutes}m" if minutes else f"{sign}{secs}s"


def format_rate(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f}%"


def _change(now: float | None, before: float | None) -> float | None:
    return None if now is None or before is None else now - before


def _signed(value: float | None, shown: Callable[[float | None], str]) -> str:
    if value is None:
        return "-"
    return ("+" if value > 0 else "") + shown(value)


def _rate_change(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:+.1f} pts"


def _hours(seconds: int | None) -> float | None:
    return None if seconds is None else seconds / 3600


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def service_view(dashboard: ServiceDashboard) -> ServiceView:
    return ServiceView(
        (
            _volume_table(dashboard),
            _times_table(dashboard),
            _rates_table(dashboard),
            _breaches_table(dashboard),
            _daily_table(dashboard),
            _backlog_table(dashboard),
            _group_table(dashboard, "teams", "Teams", "team_id", dashboard.teams),
            _group_table(dashboard, "agents", "Agents", "agent_id", dashboard.agents),
        )
    )


def _count_cells(
    now: int, before: int, now_link: str | None, before_link: str | None
) -> list[tuple[Cell, str, str | None]]:
    change = now - before
    return [
        (now, f"{now:,}", now_link),
        (before, f"{before:,}", before_link),
        (change, f"{change:+,}", None),
    ]


def _volume_table(d: ServiceDashboard) -> LinkedTable:
    f, p = d.insight_filter, d.insight_filter.previous()
    rows = _builder()
    for channel in d.channels:
        now, before = d.current.by_channel[channel], d.previous.by_channel[channel]
        links = (drill_url(replace(f, channel=channel)), drill_url(replace(p, channel=channel)))
        rows.add([(channel, channel, None), *_count_cells(now.volume, before.volume, *links)])
    rows.add(
        [
            ("Total", "Total", None),
            *_count_cells(
                d.current.counts.volume, d.previous.counts.volume, drill_url(f), drill_url(p)
            ),
        ]
    )
    chart = bar_chart(
        list(d.channels),
        [d.current.by_channel[c].volume for c in d.channels],
        title="Conversations opened by channel",
    )
    return rows.build("volume", "Volume by channel", ("Channel", *PERIOD_COLUMNS), chart)


_TIMES = (
    ("first_response_business_seconds", "median", "First response, median (business hours)"),
    ("first_response_business_seconds", "p90", "First response, p90 (business hours)"),
    ("first_response_seconds", "median", "First response, median (wall clock)"),
    ("first_response_seconds", "p90", "First response, p90 (wall clock)"),
    ("next_response_business_seconds", "median", "Next response, median (business hours)"),
    ("resolution_business_seconds", "median", "Resolution, median (business hours)"),
    ("resolution_business_seconds", "p90", "Resolution, p90 (business hours)"),
)


def _times_table(d: ServiceDashboard) -> LinkedTable:
    f, p = d.insight_filter, d.insight_filter.previous()
    rows = _builder()
    for column, which, label in _TIMES:
        now: Percentiles = d.current.durations[column]
        before: Percentiles = d.previous.durations[column]
        now_value, before_value = getattr(now, which), getattr(before, which)
        change = _change(now_value, before_value)
        measured = {"col": column, "op": "notnull"}
        rows.add(
            [
                (label, label, None),
                (now_value, format_duration(now_value), drill_url(f, **measured)),
                (before_value, format_duration(before_value), drill_url(p, **measured)),
                (change, _signed(change, format_duration), None),
                (now.count, f"{now.count:,}", drill_url(f, **measured)),
            ]
        )
    columns = (
        "Measure",
        "This period (seconds)",
        "Previous period (seconds)",
        "Change (seconds)",
        "Conversations measured",
    )
    chart = bar_chart(
        [label.replace(" (business hours)", "") for _c, _w, label in _TIMES],
        [_hours(getattr(d.current.durations[c], w)) for c, w, _label in _TIMES],
        title="Response and resolution times (hours)",
        unit="h",
    )
    return rows.build("times", "Response and resolution times", columns, chart)


# (label, numerator attribute, numerator drill, denominator drill, rate)
_RATES: tuple[
    tuple[str, str, dict[str, str], dict[str, str], Callable[[Counts], float | None]], ...
] = (
    (
        "First-contact resolution (of resolved)",
        "fcr",
        {"col": "first_contact_resolution", "op": "true"},
        {"col": "resolution_seconds", "op": "notnull"},
        lambda c: c.fcr_rate,
    ),
    (
        "Reopen rate (of resolved)",
        "reopened",
        {"col": "reopens", "op": "gt", "val": "0"},
        {"col": "resolution_seconds", "op": "notnull"},
        lambda c: c.reopen_rate,
    ),
    (
        "Transfer rate (of all)",
        "transferred",
        {"col": "transfers", "op": "gt", "val": "0"},
        {},
        lambda c: c.transfer_rate,
    ),
    (
        "SLA attainment (1 - breached / SLA applies)",
        "sla_breached",
        {"col": "sla_breached", "op": "true"},
        {"col": "sla_applies", "op": "true"},
        lambda c: c.sla_attainment,
    ),
)


def _rates_table(d: ServiceDashboard) -> LinkedTable:
    f, p = d.insight_filter, d.insight_filter.previous()
    rows = _builder()
    for label, part, part_drill, whole_drill, rate in _RATES:
        now, before = rate(d.current.counts), rate(d.previous.counts)
        change = _change(now, before)
        counted: int = getattr(d.current.counts, part)
        whole = _whole(d.current.counts, whole_drill)
        rows.add(
            [
                (label, label, None),
                (_round(now), format_rate(now), drill_url(f, **part_drill)),
                (_round(before), format_rate(before), drill_url(p, **part_drill)),
                (_round(change), _rate_change(change), None),
                (counted, f"{counted:,}", drill_url(f, **part_drill)),
                (whole, f"{whole:,}", drill_url(f, **whole_drill)),
            ]
        )
    columns = ("Measure", *PERIOD_COLUMNS, "Counted (this period)", "Out of (this period)")
    chart = bar_chart(
        ["FCR", "Reopens", "Transfers", "SLA met"],
        [(rate(d.current.counts) or 0) * 100 for *_rest, rate in _RATES],
        title="Rates this period (%)",
        unit="%",
    )
    return rows.build("rates", "Resolution and SLA rates", columns, chart)


def _whole(counts: Counts, drill: dict[str, str]) -> int:
    column = drill.get("col")
    if column == "resolution_seconds":
        return counts.resolved
    if column == "sla_applies":
        return counts.sla_applies
    return counts.volume


_BREACHES = (
    ("SLA applies", "sla_applies"),
    ("Any target missed", "sla_breached"),
    ("First response missed", "first_response_breached"),
    ("Resolution missed", "resolution_breached"),
)


def _breaches_table(d: ServiceDashboard) -> LinkedTable:
    f, p = d.insight_filter, d.insight_filter.previous()
    rows = _builder()
    for label, column in _BREACHES:
        drill = {"col": column, "op": "true"}
        now, before = getattr(d.current.counts, column), getattr(d.previous.counts, column)
        rows.add(
            [
                (label, label, None),
                *_count_cells(now, before, drill_url(f, **drill), drill_url(p, **drill)),
            ]
        )
    chart = bar_chart(
        [label for label, _c in _BREACHES[1:]],
        [getattr(d.current.counts, column) for _l, column in _BREACHES[1:]],
        title="SLA breaches by metric",
    )
    return rows.build("sla", "SLA breaches by metric", ("Metric", *PERIOD_COLUMNS), chart)


def _daily_table(d: ServiceDashboard) -> LinkedTable:
    f = d.insight_filter
    rows = _builder()
    totals = [sum(values) for values in zip(*d.daily.values(), strict=True)] or [0] * len(d.days)
    for index, day in enumerate(d.days):
        one_day = _day_filter(f, day)
        cells: list[tuple[Cell, str, str | None]] = [(day.isoformat(), day.isoformat(), None)]
        for channel in d.channels:
            count = d.daily[channel][index]
            cells.append((count, f"{count:,}", drill_url(replace(one_day, channel=channel))))
        cells.append((totals[index], f"{totals[index]:,}", drill_url(one_day)))
        rows.add(cells)
    chart = line_chart(
        [day.isoformat() for day in d.days],
        {"Total": totals, **{c: list(d.daily[c]) for c in d.channels}},
        title="Conversations opened per day",
    )
    return rows.build("daily", "Volume by day", ("Day", *d.channels, "Total"), chart)


def _day_filter(insight_filter: InsightFilter, day: date) -> InsightFilter:
    return replace(insight_filter, start=day, end=day)


def _backlog_table(d: ServiceDashboard) -> LinkedTable:
    f = d.insight_filter
    rows = _builder()
    for key, label in AGE_BUCKETS:
        count = d.backlog.by_age[key]
        rows.add([(label, label, None), (count, f"{count:,}", drill_url(f, backlog="1", age=key))])
    total = d.backlog.total
    rows.add([("Total", "Total", None), (total, f"{total:,}", drill_url(f, backlog="1"))])
    chart = bar_chart(
        ["< 1 bus. day", "1-3 bus. days", "3 days-1 week", "> 1 week"],
        [d.backlog.by_age[key] for key, _label in AGE_BUCKETS],
        title="Open now, by age",
    )
    return rows.build("backlog", "Backlog: open now, by age", ("Age", "Open now"), chart)


def _group_linker(
    insight_filter: InsightFilter, slice_name: str, ident: int | None
) -> Callable[..., str | None]:
    """Links for one team or agent row; the "(none)" row can only list its conversations."""
    if ident is None:
        only = {"col": slice_name, "op": "null"}

        def none_link(**drill: str) -> str | None:
            return None if drill else drill_url(insight_filter, **only)

        return none_link
    if slice_name == "team_id":
        scoped = replace(insight_filter, team_id=ident)
    else:
        scoped = replace(insight_filter, agent_id=ident)

    def link(**drill: str) -> str | None:
        return drill_url(scoped, **drill)

    return link


def _group_table(
    d: ServiceDashboard, key: str, title: str, slice_name: str, groups: tuple[GroupRow, ...]
) -> LinkedTable:
    rows = _builder()
    for group in groups:
        link = _group_linker(d.insight_filter, slice_name, group.ident)
        frt, resolution = group.first_response.median, group.resolution.median
        fcr, sla = group.counts.fcr_rate, group.counts.sla_attainment
        rows.add(
            [
                (group.name, group.name, None),
                (group.counts.volume, f"{group.counts.volume:,}", link()),
                (
                    frt,
                    format_duration(frt),
                    link(col="first_response_business_seconds", op="notnull"),
                ),
                (
                    resolution,
                    format_duration(resolution),
                    link(col="resolution_business_seconds", op="notnull"),
                ),
                (_round(fcr), format_rate(fcr), link(col="first_contact_resolution", op="true")),
                (_round(sla), format_rate(sla), link(col="sla_breached", op="true")),
            ]
        )
    columns = (
        title[:-1],
        "Conversations",
        "First response median (business seconds)",
        "Resolution median (business seconds)",
        "First-contact resolution",
        "SLA attainment",
    )
    chart = bar_chart(
        [group.name for group in groups[:12]],
        [group.counts.volume for group in groups[:12]],
        title=f"Conversations per {title[:-1].lower()} (the 12 busiest)",
    )
    return rows.build(key, title, columns, chart)
