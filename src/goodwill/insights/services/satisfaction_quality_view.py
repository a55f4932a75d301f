"""What the Satisfaction and Quality dashboards share: tables whose numbers link to the
drill-down, and the links themselves."""

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from goodwill.insights.filters import InsightFilter
from goodwill.insights.tables import Cell, Table

DRILL_DOWN = "/insights/conversations"
UNARY_OPS = frozenset({"true", "false", "null", "notnull"})
BINARY_OPS = frozenset({"eq", "ne", "le", "ge", "lt", "gt"})


def drill_href(
    insight_filter: InsightFilter,
    col: str | None = None,
    op: str | None = None,
    val: str | int | None = None,
) -> str:
    """The drill-down listing the conversations behind a number: the filter, plus at most one
    condition on a fact column (`col`, `op`, and `val` unless the operator takes none)."""
    extra: dict[str, str] = {}
    if col is not None:
        if op not in UNARY_OPS | BINARY_OPS:
            raise ValueError(f"unknown drill-down operator {op!r}")
        extra = {"col": col, "op": op}
        if op in BINARY_OPS:
            if val is None:
                raise ValueError(f"the operator {op} needs a value")
            extra["val"] = str(val)
    return f"{_base(insight_filter)}&{urlencode(extra)}" if extra else _base(insight_filter)


@lru_cache(maxsize=4096)
def _base(insight_filter: InsightFilter) -> str:
    """The drill-down of the filter alone (dashboards link hundreds of numbers per filter)."""
    return f"{DRILL_DOWN}?{insight_filter.query_string()}"


def csv_href(dashboard: str, key: str, insight_filter: InsightFilter) -> str:
    """The CSV export of one on-screen table."""
    return f"/insights/tables/{dashboard}/{key}.csv?{insight_filter.query_string()}"


def sliced(insight_filter: InsightFilter, dimension: str, value: str | int) -> InsightFilter:
    """The filter narrowed to one row of a breakdown (channel, team_id, agent_id, product_id)."""
    changes: dict[str, Any] = {dimension: value}
    return replace(insight_filter, **changes)


def within_week(insight_filter: InsightFilter, monday: date) -> InsightFilter:
    """The filter narrowed to the days of one week that fall in its period."""
    last = min(monday + timedelta(days=6), insight_filter.end)
    return replace(insight_filter, start=max(monday, insight_filter.start), end=last)


@dataclass(frozen=True, slots=True)
class LinkedTable:
    """A table plus, for every cell, the drill-down link behind it (None: not a link)."""

    table: Table
    links: tuple[tuple[str | None, ...], ...]

    def cells(self) -> list[list[tuple[Cell, str | None]]]:
        return [
            list(zip(row, links, strict=True))
            for row, links in zip(self.table.rows, self.links, strict=True)
        ]


class TableBuilder:
    """Collects rows of (value, link) pairs into a LinkedTable."""

    def __init__(self, key: str, title: str, columns: Sequence[str]) -> None:
        self.key, self.title, self.columns = key, title, tuple(columns)
        self.rows: list[tuple[Cell, ...]] = []
        self.links: list[tuple[str | None, ...]] = []

    def add(self, *cells: tuple[Cell, str | None]) -> None:
        if len(cells) != len(self.columns):
            raise ValueError(f"{self.key}: {len(cells)} cells for {len(self.columns)} columns")
        self.rows.append(tuple(value for value, _ in cells))
        self.links.append(tuple(link for _, link in cells))

    def build(self) -> LinkedTable:
        table = Table(self.key, self.title, self.columns, tuple(self.rows))
        return LinkedTable(table, tuple(self.links))


Sums = list[float]


@dataclass
class Rollup:
    """Adds up rows grouped by several slices at once (one SQL scan) into the whole and one
    total per value of each slice: `rows` are (key_1, ..., key_n, value_1, ..., value_m)."""

    keys: int
    width: int
    total: Sums = field(default_factory=list)
    by_key: list[dict[Any, Sums]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.total = [0.0] * self.width
        self.by_key = [{} for _ in range(self.keys)]

    def add(self, row: Sequence[Any]) -> None:
        values = [value or 0 for value in row[self.keys :]]
        targets = [self.total]
        targets += [
            groups.setdefault(row[index], [0.0] * self.width)
            for index, groups in enumerate(self.by_key)
        ]
        for target in targets:
            for index, value in enumerate(values):
                target[index] += value


def largest_first(groups: dict[Any, Sums]) -> list[tuple[Any, Sums]]:
    """Groups by their first sum (the number of conversations), largest first; "none" last
    among equals, then by key (the same order on SQLite and PostgreSQL)."""
    return sorted(groups.items(), key=lambda item: (-item[1][0], item[0] is None, str(item[0])))
