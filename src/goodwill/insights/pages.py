"""Insights pages: /insights (to the service tab), the service dashboard and the drill-down list
of the conversations behind any number. Managers and admins only."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from goodwill.insights.api import checked_drill, checked_filter
from goodwill.insights.drill import DRILL_COLUMNS, DrillRequest
from goodwill.insights.filters import InsightFilter
from goodwill.insights.services.backlog import AGE_BUCKETS
from goodwill.insights.services.drill import drill_conversations
from goodwill.insights.services.service_dashboard import load_service_dashboard
from goodwill.insights.services.service_view import format_duration, service_view
from goodwill.insights.web import PageManager, tab_layout
from goodwill.web.deps import ClockDep, DatabaseDep
from goodwill.web.templating import render

router = APIRouter()
DRILL_PATH = "/insights/conversations"


def page_filter(request: Request, clock: ClockDep) -> InsightFilter:
    """The filter in the query string; 400 with what to fix when it is bad."""
    return checked_filter(request.query_params, clock.now().date())


def page_drill(request: Request) -> DrillRequest:
    return checked_drill(request.query_params)


PageFilter = Annotated[InsightFilter, Depends(page_filter)]
PageDrill = Annotated[DrillRequest, Depends(page_drill)]


@router.get("/insights")
def insights_home(request: Request, _agent: PageManager) -> RedirectResponse:
    """The first tab, keeping the filter."""
    query = request.url.query
    return RedirectResponse("/insights/service" + (f"?{query}" if query else ""), status_code=303)


@router.get("/insights/service", response_class=HTMLResponse)
def service_page(
    request: Request,
    agent: PageManager,
    insight_filter: PageFilter,
    database: DatabaseDep,
    clock: ClockDep,
) -> HTMLResponse:
    with database.reader() as session:
        dashboard = load_service_dashboard(session, insight_filter, clock.now())
        layout = tab_layout(session, "service", insight_filter)
    return render(
        request,
        "insights/service.html",
        agent=agent,
        **layout,
        view=service_view(dashboard),
        backlog=dashboard.backlog,
    )


@router.get(DRILL_PATH, response_class=HTMLResponse)
def drill_page(
    request: Request,
    agent: PageManager,
    insight_filter: PageFilter,
    drill: PageDrill,
    database: DatabaseDep,
    clock: ClockDep,
) -> HTMLResponse:
    with database.reader() as session:
        page = drill_conversations(session, insight_filter, drill, clock.now())
        layout = tab_layout(session, "service", insight_filter)
    return render(
        request,
        "insights/conversations.html",
        agent=agent,
        **layout,
        drill=drill,
        page=page,
        describe=describe_drill(drill),
        shown=shown_value,
        ages=dict(AGE_BUCKETS),
        page_link=lambda number: (
            f"{DRILL_PATH}?" + insight_filter.query_string(**drill.params(page=str(number)))
        ),
    )


def describe_drill(drill: DrillRequest) -> str:
    """The drill-down in words, for the page heading."""
    if drill.backlog:
        age = dict(AGE_BUCKETS).get(drill.age or "", "any age")
        return f"open now ({age})"
    condition = drill.condition
    if condition is None:
        return "all conversations opened in the period"
    words = {
        "eq": "=",
        "ne": "≠",
        "lt": "<",
        "le": "≤",
        "gt": ">",
        "ge": "≥",
        "true": "is yes",
        "false": "is no",
        "null": "is empty",
        "notnull": "is set",
    }
    value = "" if condition.value is None else f" {condition.params().get('val', '')}"
    return f"{condition.column} {words[condition.op.value]}{value}"


def shown_value(column: str | None, value: object) -> str:
    """A drilled column's value as text: durations in words, yes/no, the age bucket's name."""
    if value is None:
        return "-"
    if column == "age":
        return dict(AGE_BUCKETS).get(str(value), str(value))
    if column and column.endswith("_seconds") and isinstance(value, int):
        return format_duration(value)
    if isinstance(value, bool) or (column and DRILL_COLUMNS.get(column) == "bool"):
        return "yes" if value else "no"
    return str(value)
