"""The Root cause tab: why unhappy customers are unhappy (service, product or policy), by detail
and by month, beside the low-rated reviews, with the latest unhappy conversations and their
evidence. Managers and admins only."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from goodwill.insights.pages import PageFilter
from goodwill.insights.services.causes import causes_dashboard
from goodwill.insights.web import PageManager, tab_layout
from goodwill.web.deps import ClockDep, DatabaseDep
from goodwill.web.templating import render

router = APIRouter()
PATH = "/insights/causes"


@router.get(PATH, response_class=HTMLResponse)
def causes_page(
    request: Request,
    agent: PageManager,
    insight_filter: PageFilter,
    database: DatabaseDep,
    clock: ClockDep,
) -> HTMLResponse:
    with database.reader() as session:
        dashboard = causes_dashboard(session, insight_filter, clock.now())
        layout = tab_layout(session, "causes", insight_filter)
    tables = {linked.table.key: linked for linked in dashboard.tables}
    return render(
        request,
        "insights/causes.html",
        agent=agent,
        **layout,
        dashboard=dashboard,
        tables=tables,
        charts=dashboard.charts,
    )
