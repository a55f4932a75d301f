"""The Quality dashboard page (managers and admins): the five steps, the failure modes, per team
and per agent, with charts and linked tables."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from goodwill.insights.charts import bar_chart, line_chart
from goodwill.insights.services.quality_dashboard import QualityDashboard, quality_dashboard
from goodwill.insights.services.quality_view import FAILURE_NAMES, STEP_NAMES
from goodwill.insights.services.satisfaction_quality_view import csv_href
from goodwill.insights.web import FilterDep, PageManager, tab_layout
from goodwill.quality.rubric import FAILURE_MODES, STEPS
from goodwill.web.deps import ClockDep, DatabaseDep
from goodwill.web.templating import render

router = APIRouter()
PATH = "/insights/quality"


@router.get(PATH, response_class=HTMLResponse)
def quality_page(
    request: Request,
    agent: PageManager,
    insight_filter: FilterDep,
    database: DatabaseDep,
    clock: ClockDep,
) -> HTMLResponse:
    with database.reader() as session:
        board = quality_dashboard(session, insight_filter, clock.now())
        layout = tab_layout(session, "quality", insight_filter)
    return render(
        request,
        "insights/quality.html",
        agent=agent,
        **layout,
        board=board,
        charts=quality_charts(board),
        csv_href=csv_href,
        dashboard_name="quality",
    )


def quality_charts(board: QualityDashboard) -> dict[str, Markup]:
    """A chart beside some tables, by table key (the table holds the same numbers)."""
    figures = board.current
    teams = board.by_team[:12]
    return {
        "steps": bar_chart(
            [STEP_NAMES[step] for step in STEPS],
            [figures.done_rate(step) for step in STEPS],
            title="Steps done, of applicable (%)",
            unit="%",
        ),
        "failures": bar_chart(
            [FAILURE_NAMES[mode] for mode in FAILURE_MODES],
            [figures.failure_rate(mode) for mode in FAILURE_MODES],
            title="Failure modes, of scored conversations (%)",
            unit="%",
        ),
        "by_team": bar_chart(
            [row.name for row in teams],
            [row.figures.measures()["quality_mean"] for row in teams],
            title="Mean quality by team (0-100)",
        ),
        "quality_by_week": line_chart(
            [week.week.isoformat() for week in board.weeks],
            {"Mean quality": [week.mean for week in board.weeks]},
            title="Quality by week (0-100)",
        ),
    }
