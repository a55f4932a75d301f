"""JSON of the Satisfaction dashboard (managers and admins), and the filter its routes share
with the Quality dashboard's."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel

from goodwill.insights import satisfaction_rules as rules
from goodwill.insights.filters import InsightFilter, parse_filter
from goodwill.insights.services.satisfaction_dashboard import satisfaction_dashboard
from goodwill.insights.tables import Cell, Table
from goodwill.web.deps import ClockDep, DatabaseDep, api_manager
from goodwill.web.schemas import error_responses

router = APIRouter(prefix="/insights/satisfaction", tags=["insights"])

FILTER_HELP = (
    "Conversations opened from `start` to `end` (UTC days `YYYY-MM-DD`, both included; default "
    "the last 30 days), narrowed by `channel`, `team_id`, `agent_id`, `product_id`, `topic`, "
    "`tag_id` and `segment` (`new` or `returning`); compared with the period of the same "
    "length just before. A bad value is 422 saying which."
)
Text = Annotated[str | None, Query(max_length=80)]


def api_filter(  # noqa: PLR0913, PLR0917 - one documented parameter per filter field
    request: Request,
    clock: ClockDep,
    start: Text = None,
    end: Text = None,
    channel: Text = None,
    team_id: Text = None,
    agent_id: Text = None,
    product_id: Text = None,
    topic: Text = None,
    tag_id: Text = None,
    segment: Text = None,
) -> InsightFilter:
    """The documented query parameters, read by insights.filters.parse_filter."""
    del start, end, channel, team_id, agent_id, product_id, topic, tag_id, segment
    return parse_filter(dict(request.query_params), clock.now().date())


ApiFilter = Annotated[InsightFilter, Depends(api_filter)]


class TableOut(BaseModel):
    key: str
    title: str
    columns: list[str]
    rows: list[list[Cell]]

    @classmethod
    def of(cls, table: Table) -> "TableOut":
        return cls(
            key=table.key,
            title=table.title,
            columns=list(table.columns),
            rows=list(map(list, table.rows)),
        )


class DashboardOut(BaseModel):
    start: date
    end: date
    previous_start: date
    previous_end: date
    slices: dict[str, str]
    current: dict[str, float | int | None]
    previous: dict[str, float | int | None]
    change: dict[str, float | int | None]
    tables: list[TableOut]

    @classmethod
    def fields_of(
        cls,
        insight_filter: InsightFilter,
        current: dict[str, float | int | None],
        previous: dict[str, float | int | None],
        tables: list[Table],
    ) -> dict[str, object]:
        before = insight_filter.previous()
        return {
            "start": insight_filter.start,
            "end": insight_filter.end,
            "previous_start": before.start,
            "previous_end": before.end,
            "slices": insight_filter.slices(),
            "current": current,
            "previous": previous,
            "change": {key: rules.change(current[key], previous[key]) for key in current},
            "tables": [TableOut.of(table) for table in tables],
        }


class SatisfactionOut(DashboardOut):
    retention_complete: bool


@router.get(
    "",
    response_model=SatisfactionOut,
    summary="The Satisfaction dashboard: CSAT, NPS, CES, coverage, predicted, sentiment, retention",
    description=f"Managers and admins. {FILTER_HELP} `current`, `previous` and `change` hold "
    "every figure by name (percentages 0-100; null when there is nothing to divide); `tables` "
    "are the page's tables (summary, by_channel, by_team, by_agent, by_product, csat_by_week). "
    "`retention_complete` is false while the 30 days after the period are still running. "
    "Definitions: docs/insights.md.",
    responses=error_responses(403),
    dependencies=[Depends(api_manager)],
)
def get_satisfaction(
    insight_filter: ApiFilter, database: DatabaseDep, clock: ClockDep
) -> SatisfactionOut:
    with database.reader() as session:
        board = satisfaction_dashboard(session, insight_filter, clock.now())
    fields = DashboardOut.fields_of(
        insight_filter,
        board.current.measures(),
        board.previous.measures(),
        [t.table for t in board.tables],
    )
    return SatisfactionOut(retention_complete=board.retention_complete, **fields)
