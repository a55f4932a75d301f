"""Which module builds each dashboard's tables, so any table on screen can be downloaded as CSV.

Each module named here has `dashboard_tables(session, insight_filter, now) -> tuple[Table, ...]`;
it is imported only when a table is asked for."""

import importlib
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from goodwill.core.errors import NotFound
from goodwill.insights.filters import InsightFilter
from goodwill.insights.tables import Table

TablesBuilder = Callable[[Session, InsightFilter, datetime], tuple[Table, ...]]

DASHBOARDS: dict[str, str] = {
    "service": "goodwill.insights.services.service_dashboard",
    "satisfaction": "goodwill.insights.services.satisfaction_dashboard",
    "quality": "goodwill.insights.services.quality_dashboard",
    "drivers": "goodwill.insights.services.drivers",
    "causes": "goodwill.insights.services.causes",
}


def tables_builder(dashboard: str) -> TablesBuilder:
    """The `dashboard_tables` function of a dashboard; NotFound for an unknown one."""
    path = DASHBOARDS.get(dashboard)
    if path is None:
        known = ", ".join(sorted(DASHBOARDS))
        raise NotFound(f"there is no dashboard {dashboard!r}; choose one of {known}")
    try:
        module = importlib.import_module(path)
    except ModuleNotFoundError as error:
        if error.name is not None and path.startswith(error.name):
            raise NotFound(f"the {dashboard} dashboard is not installed") from error
        raise
    builder: TablesBuilder = module.dashboard_tables
    return builder


def dashboard_table(
    session: Session, dashboard: str, key: str, insight_filter: InsightFilter, now: datetime
) -> Table:
    """One table of a dashboard, by its key; NotFound names the keys that exist."""
    tables = tables_builder(dashboard)(session, insight_filter, now)
    for table in tables:
        if table.key == key:
            return table
    known = ", ".join(table.key for table in tables) or "none"
    raise NotFound(f"the {dashboard} dashboard has no table {key!r}; its tables are: {known}")
