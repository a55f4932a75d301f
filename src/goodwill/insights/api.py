"""JSON routes of the service dashboard and of the drill-down behind every insights number.
Managers and admins only."""

from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from goodwill.core.errors import Invalid
from goodwill.insights.drill import BadQuery, DrillRequest, parse_drill
from goodwill.insights.filters import InsightFilter, parse_filter
from goodwill.insights.service_schemas import DrillPageOut, ServiceDashboardOut
from goodwill.insights.services.backlog import AGE_KEYS
from goodwill.insights.services.drill import drill_conversations
from goodwill.insights.services.service_dashboard import load_service_dashboard
from goodwill.insights.services.service_view import service_view
from goodwill.web.deps import ApiManager, ClockDep, DatabaseDep
from goodwill.web.schemas import ErrorOut, error_responses
from goodwill.web.text_guard import reject_nul_characters

router = APIRouter(
    prefix="/insights", tags=["insights"], dependencies=[Depends(reject_nul_characters)]
)
BAD_QUERY: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "A bad filter or drill-down condition: see `detail`"}
}
_Text = Annotated[str | None, Query(max_length=80)]
_Id = Annotated[str | None, Query(max_length=40, description="an id")]


def checked_filter(params: Mapping[str, str], today: date) -> InsightFilter:
    """parse_filter (which bounds the days and ids), with its mistakes answered 400."""
    try:
        return parse_filter(params, today)
    except Invalid as error:
        raise BadQuery(error.message) from error


def checked_drill(params: Mapping[str, str]) -> DrillRequest:
    """parse_drill, with its mistakes answered 400."""
    try:
        return parse_drill(params, AGE_KEYS)
    except Invalid as error:
        raise BadQuery(error.message) from error


def service_filter(  # noqa: PLR0913, PLR0917 - one documented parameter per filter field
    clock: ClockDep,
    start: Annotated[str | None, Query(max_length=20, description="first UTC day")] = None,
    end: Annotated[str | None, Query(max_length=20, description="last UTC day, included")] = None,
    channel: _Text = None,
    team_id: _Id = None,
    agent_id: _Id = None,
    product_id: _Id = None,
    topic: _Text = None,
    tag_id: _Id = None,
    segment: Annotated[str | None, Query(max_length=20, description="new or returning")] = None,
) -> InsightFilter:
    """Conversations opened from `start` to `end` (YYYY-MM-DD; default the last 30 days)."""
    given = {
        "start": start,
        "end": end,
        "channel": channel,
        "team_id": team_id,
        "agent_id": agent_id,
        "product_id": product_id,
        "topic": topic,
        "tag_id": tag_id,
        "segment": segment,
    }
    return checked_filter({k: v for k, v in given.items() if v is not None}, clock.now().date())


def drill_request(
    col: Annotated[str | None, Query(max_length=40, description="a fact column")] = None,
    op: Annotated[
        str | None,
        Query(max_length=10, description="eq ne lt le gt ge true false null notnull"),
    ] = None,
    val: Annotated[str | None, Query(max_length=80, description="the value compared")] = None,
    backlog: Annotated[str | None, Query(max_length=5, description="1: open now")] = None,
    age: Annotated[str | None, Query(max_length=10, description="backlog age bucket")] = None,
    page: Annotated[str | None, Query(max_length=6, description="1 = the first")] = None,
    page_size: Annotated[str | None, Query(max_length=4, description="1 to 200")] = None,
) -> DrillRequest:
    given = {
        "col": col,
        "op": op,
        "val": val,
        "backlog": backlog,
        "age": age,
        "page": page,
        "page_size": page_size,
    }
    return checked_drill({k: v for k, v in given.items() if v is not None})


ServiceFilter = Annotated[InsightFilter, Depends(service_filter)]
DrillDep = Annotated[DrillRequest, Depends(drill_request)]


@router.get(
    "/service",
    response_model=ServiceDashboardOut,
    summary="The service dashboard: volumes, response times, FCR, reopens, SLA, backlog",
    description="For conversations opened in the period (and the previous one of the same "
    "length): every table of the page, with plain values (seconds, shares from 0 to 1, counts) "
    "and, per cell, the drill-down link. The backlog is open now. 400 for a bad filter.",
    responses=error_responses(403) | BAD_QUERY,
)
def get_service_dashboard(
    _manager: ApiManager, insight_filter: ServiceFilter, database: DatabaseDep, clock: ClockDep
) -> ServiceDashboardOut:
    with database.reader() as session:
        dashboard = load_service_dashboard(session, insight_filter, clock.now())
    return ServiceDashboardOut.of(insight_filter, service_view(dashboard))


@router.get(
    "/conversations",
    response_model=DrillPageOut,
    summary="The conversations behind an insights number (drill-down)",
    description="The filter plus at most one condition `col` `op` `val` on a conversation_facts "
    "column (see docs/insights.md for the columns), or `backlog=1` (optionally `age`) for the "
    "conversations open now; newest first, `page` of `page_size`. 400 names what is wrong.",
    responses=error_responses(403) | BAD_QUERY,
)
def list_drill_conversations(
    _manager: ApiManager,
    insight_filter: ServiceFilter,
    request: DrillDep,
    database: DatabaseDep,
    clock: ClockDep,
) -> DrillPageOut:
    with database.reader() as session:
        page = drill_conversations(session, insight_filter, request, clock.now())
        return DrillPageOut.of(page)
