"""The Satisfaction dashboard page (managers and admins): figures, charts and linked tables."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from goodwill.insights.charts import bar_chart, line_chart
from goodwill.insights.services.satisfaction_dashboard import (
    SatisfactionDashboard,
    retention_table,
    satisfaction_dashboard,
)
from goodwill.insights.services.satisfaction_quality_view import csv_href
from goodwill.insights.web import FilterDep, PageManager, tab_layout
from goodwill.web.deps import ClockDep, DatabaseDep
from goodwill.web.templating import render

router = APIRouter()
PATH = "/insights/satisfaction"
RATES = (
    ("CSAT satisfied", "csat_satisfied_percent"),
    ("Response rate", "response_rate"),
    ("Coverage", "coverage"),
    ("Repurchase", "repurchase_rate"),
    ("Retention", "retention_rate"),
)


@router.get(PATH, response_class=HTMLResponse)
def satisfaction_page(
    request: Request,
    agent: PageManager,
    insight_filter: FilterDep,
    database: DatabaseDep,
    clock: ClockDep,
) -> HTMLResponse:
    with database.reader() as session:
        board = satisfaction_dashboard(session, insight_filter, clock.now(), with_retention=False)
        layout = tab_layout(session, "satisfaction", insight_filter)
    return render(
        request,
        "insights/satisfaction.html",
        agent=agent,
        **layout,
        board=board,
        charts=satisfaction_charts(board),
        csv_href=csv_href,
        dashboard_name="satisfaction",
    )


@router.get(PATH + "/retention", response_class=HTMLResponse)
def retention_card(
    request: Request, agent: PageManager, insight_filter: FilterDep, database: DatabaseDep
) -> HTMLResponse:
    """The retention card the page loads after itself (HTMX): it follows customers across
    periods, the slowest figure, so the rest of the page does not wait for it."""
    with database.reader() as session:
        linked = retention_table(session, insight_filter)
    return render(
        request,
        "insights/_satisfaction_table.html",
        agent=agent,
        linked=linked,
        chart=None,
        csv_href=csv_href,
        dashboard_name="satisfaction",
        insight_filter=insight_filter,
    )


def satisfaction_charts(board: SatisfactionDashboard) -> dict[str, Markup]:
    """A chart beside some tables, by table key (the table holds the same numbers)."""
    now = board.current.measures()
    rates = [None if now[key] is None else float(now[key] or 0) for _, key in RATES]
    charts = {
        "summary": bar_chart(
            [label for label, _ in RATES], rates, title="Rates this period (%)", unit="%"
        ),
        "csat_by_week": line_chart(
            [week.week.isoformat() for week in board.weeks],
            {"CSAT mean": [week.mean for week in board.weeks]},
            title="CSAT by week (1-5)",
        ),
    }
    for field, key in (("channel", "by_channel"), ("team_id", "by_team")):
        rows = board.breakdowns[field][:12]
        charts[key] = bar_chart(
            [row.name for row in rows],
            [row.figures.measures()["csat_mean"] for row in rows],
            title=f"CSAT mean by {field.removesuffix('_id')} (1-5)",
        )
    return charts
