"""The Exports & reports tab, the download twins of the export API for signed-in managers, and
the admins' "send this week's report now" button."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from goodwill.agents.roles import Role
from goodwill.core.errors import NotFound
from goodwill.insights.export_api import list_reports, pdf_response, stream_export, table_response
from goodwill.insights.models import WeeklyReport
from goodwill.insights.registry import DASHBOARDS
from goodwill.insights.report_rules import latest_week
from goodwill.insights.services.send_report import create_and_queue, find_report
from goodwill.insights.web import FilterDep, PageManager, tab_layout
from goodwill.web.deps import ClockDep, DatabaseDep, PostingAgent, SettingsDep, require_role
from goodwill.web.templating import render

router = APIRouter()
NOTICES = {
    "queued": "The report was built and its mails are queued, one per manager and admin.",
    "exists": "This week's report was already built; it is not sent twice.",
}


@router.get("/insights/exports", response_class=HTMLResponse)
def exports_page(
    request: Request,
    agent: PageManager,
    database: DatabaseDep,
    settings: SettingsDep,
    clock: ClockDep,
    insight_filter: FilterDep,
) -> HTMLResponse:
    """Download links for the current filter, and the weekly reports."""
    week = latest_week(
        clock.now(), weekday=settings.weekly_report_weekday, hour=settings.weekly_report_hour
    )
    with database.reader() as session:
        layout = tab_layout(session, "exports", insight_filter)
        reports = list_reports(session)
        this_week = find_report(session, week)
    return render(
        request,
        "insights/exports.html",
        agent=agent,
        **layout,
        reports=reports,
        dashboards=sorted(DASHBOARDS),
        week=week,
        this_week_sent=this_week is not None,
        can_send=agent.role == Role.ADMIN,
        schedule_enabled=settings.weekly_report_enabled,
        notice=NOTICES.get(request.query_params.get("notice", "")),
    )


@router.get("/insights/export.csv")
def download_csv(_agent: PageManager, database: DatabaseDep, insight_filter: FilterDep) -> Response:
    return stream_export(database, insight_filter, parquet=False)


@router.get("/insights/export.parquet")
def download_parquet(
    _agent: PageManager, database: DatabaseDep, insight_filter: FilterDep
) -> Response:
    return stream_export(database, insight_filter, parquet=True)


@router.get("/insights/tables/{dashboard}/{key}.csv")
def download_table(
    dashboard: str,
    key: str,
    _agent: PageManager,
    database: DatabaseDep,
    clock: ClockDep,
    insight_filter: FilterDep,
) -> Response:
    return table_response(database, dashboard, key, insight_filter, clock.now())


@router.get("/insights/reports/{report_id}.pdf")
def report_pdf_page(report_id: int, _agent: PageManager, database: DatabaseDep) -> Response:
    return pdf_response(database, report_id)


@router.get("/insights/reports/{report_id}.html", response_class=HTMLResponse)
def report_html_page(report_id: int, _agent: PageManager, database: DatabaseDep) -> HTMLResponse:
    """The report exactly as it was mailed."""
    with database.reader() as session:
        report = session.get(WeeklyReport, report_id)
        if report is None:
            raise NotFound(f"weekly report {report_id} does not exist")
        html = report.html
    return HTMLResponse(html)


@router.post("/insights/exports/send-report")
def send_report_now(
    agent: PostingAgent, database: DatabaseDep, settings: SettingsDep, clock: ClockDep
) -> RedirectResponse:
    """Admins: build and mail the latest week's report now, unless it was built already."""
    require_role(agent, Role.ADMIN)
    now = clock.now()
    week = latest_week(
        now, weekday=settings.weekly_report_weekday, hour=settings.weekly_report_hour
    )
    with database.transaction() as session:
        queued = create_and_queue(session, week, settings=settings, now=now)
    notice = "queued" if queued is not None else "exists"
    return RedirectResponse(f"/insights/exports?notice={notice}", status_code=303)
