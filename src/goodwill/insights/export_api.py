"""Insights exports over the API: every conversation's facts (CSV, Parquet), any dashboard table
as CSV, and the weekly reports (list, PDF). Managers and admins only."""

from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.core.db import Database
from goodwill.core.errors import NotFound
from goodwill.insights.filters import InsightFilter, parse_filter
from goodwill.insights.models import WeeklyReport
from goodwill.insights.registry import dashboard_table
from goodwill.insights.services.export import export_csv_chunks, export_parquet_chunks
from goodwill.insights.tables import table_csv
from goodwill.web.deps import ClockDep, DatabaseDep, api_manager
from goodwill.web.schemas import PathId, error_responses
from goodwill.web.text_guard import reject_nul_characters

router = APIRouter(
    tags=["insights"], dependencies=[Depends(reject_nul_characters), Depends(api_manager)]
)
PARQUET_TYPE = "application/vnd.apache.parquet"
CSV_TYPE = "text/csv; charset=utf-8"
ChunkMaker = Callable[[Session, InsightFilter], Iterator[Any]]


class FilterQuery(BaseModel):
    """The insights filter as query parameters (blank means not set)."""

    start: str | None = Field(None, max_length=10, description="first UTC day, YYYY-MM-DD")
    end: str | None = Field(None, max_length=10, description="last UTC day (included)")
    channel: str | None = Field(None, max_length=16)
    team_id: str | None = Field(None, max_length=12)
    agent_id: str | None = Field(None, max_length=12)
    product_id: str | None = Field(None, max_length=12)
    topic: str | None = Field(None, max_length=80)
    tag_id: str | None = Field(None, max_length=12)
    segment: str | None = Field(None, max_length=16, description="new or returning")


def api_filter(clock: ClockDep, query: Annotated[FilterQuery, Query()]) -> InsightFilter:
    """Conversations opened from `start` to `end` (default: the last 30 days) in the slices."""
    given = {name: value for name, value in query.model_dump().items() if value is not None}
    return parse_filter(given, clock.now().date())


ApiFilter = Annotated[InsightFilter, Depends(api_filter)]


def export_filename(insight_filter: InsightFilter, suffix: str) -> str:
    return f"goodwill-conversations-{insight_filter.start}-to-{insight_filter.end}.{suffix}"


def stream_export(
    database: Database, insight_filter: InsightFilter, *, parquet: bool
) -> StreamingResponse:
    """The export streamed from one read-only session held open while the body is written."""
    make: ChunkMaker = export_parquet_chunks if parquet else export_csv_chunks

    def body() -> Iterator[Any]:
        with database.reader() as session:
            yield from make(session, insight_filter)

    name = export_filename(insight_filter, "parquet" if parquet else "csv")
    return StreamingResponse(
        body(),
        media_type=PARQUET_TYPE if parquet else CSV_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def table_response(
    database: Database, dashboard: str, key: str, insight_filter: InsightFilter, now: datetime
) -> Response:
    with database.reader() as session:
        table = dashboard_table(session, dashboard, key, insight_filter, now)
    name = f"goodwill-{dashboard}-{key}-{insight_filter.start}-to-{insight_filter.end}.csv"
    return Response(
        table_csv(table),
        media_type=CSV_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def pdf_response(database: Database, report_id: int) -> Response:
    with database.reader() as session:
        report = session.get(WeeklyReport, report_id)
        if report is None:
            raise NotFound(f"weekly report {report_id} does not exist; GET the list for its id")
        pdf, week = report.pdf, report.week_start
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="goodwill-weekly-report-{week}.pdf"'},
    )


_Responses = dict[int | str, dict[str, Any]]
_CSV: _Responses = {200: {"content": {"text/csv": {}}, "description": "CSV, a header row first"}}
_PARQUET: _Responses = {200: {"content": {PARQUET_TYPE: {}}, "description": "a Parquet file"}}
_PDF: _Responses = {200: {"content": {"application/pdf": {}}, "description": "a PDF file"}}


@router.get(
    "/insights/export.csv",
    response_class=StreamingResponse,
    responses=_CSV | error_responses(403),
    summary="Every conversation in the filter, one row each with all its facts (CSV)",
)
def export_csv(database: DatabaseDep, insight_filter: ApiFilter) -> Response:
    """Streamed; spam is left out, and so are customer contact details."""
    return stream_export(database, insight_filter, parquet=False)


@router.get(
    "/insights/export.parquet",
    response_class=StreamingResponse,
    responses=_PARQUET | error_responses(403),
    summary="The same export as a Parquet file (typed columns, times in UTC)",
)
def export_parquet(database: DatabaseDep, insight_filter: ApiFilter) -> Response:
    return stream_export(database, insight_filter, parquet=True)


@router.get(
    "/insights/tables/{dashboard}/{key}.csv",
    response_class=Response,
    responses=_CSV | error_responses(403, 404),
    summary="One table of a dashboard as CSV (dashboards: service, satisfaction, quality, ...)",
)
def table_as_csv(
    dashboard: str,
    key: str,
    database: DatabaseDep,
    clock: ClockDep,
    insight_filter: ApiFilter,
) -> Response:
    return table_response(database, dashboard, key, insight_filter, clock.now())


class WeeklyReportOut(BaseModel):
    id: int
    week_start: date
    week_end: date
    created_at: datetime
    sent_at: datetime | None
    recipients: int
    pdf_url: str


def list_reports(session: Session, limit: int = 52) -> list[WeeklyReportOut]:
    """The latest reports first (without their HTML or PDF)."""
    rows = session.execute(
        select(
            WeeklyReport.id,
            WeeklyReport.week_start,
            WeeklyReport.created_at,
            WeeklyReport.sent_at,
            WeeklyReport.recipients,
        )
        .order_by(WeeklyReport.week_start.desc())
        .limit(limit)
    )
    return [
        WeeklyReportOut(
            id=ident,
            week_start=start,
            week_end=date.fromordinal(start.toordinal() + 6),
            created_at=created,
            sent_at=sent,
            recipients=len(recipients or []),
            pdf_url=f"/api/v1/insights/reports/{ident}.pdf",
        )
        for ident, start, created, sent, recipients in rows
    ]


@router.get(
    "/insights/reports",
    response_model=list[WeeklyReportOut],
    responses=error_responses(403),
    summary="The weekly reports built so far, newest first",
)
def weekly_reports(database: DatabaseDep) -> list[WeeklyReportOut]:
    with database.reader() as session:
        return list_reports(session)


@router.get(
    "/insights/reports/{report_id}.pdf",
    response_class=Response,
    responses=_PDF | error_responses(403, 404),
    summary="One weekly report as PDF",
)
def weekly_report_pdf(report_id: PathId, database: DatabaseDep) -> Response:
    return pdf_response(database, report_id)
