"""JSON shapes of the service dashboard and the drill-down."""

from datetime import date, datetime

from pydantic import BaseModel, Field

from goodwill.insights.filters import InsightFilter
from goodwill.insights.services.drill import DrillPage, DrillRow
from goodwill.insights.services.service_view import LinkedTable, ServiceView

CellOut = str | int | float | None


class PeriodOut(BaseModel):
    start: date
    end: date
    previous_start: date
    previous_end: date

    @classmethod
    def of(cls, insight_filter: InsightFilter) -> "PeriodOut":
        previous = insight_filter.previous()
        return cls(
            start=insight_filter.start,
            end=insight_filter.end,
            previous_start=previous.start,
            previous_end=previous.end,
        )


class TableOut(BaseModel):
    key: str = Field(description="stable name; the CSV is /insights/tables/service/<key>.csv")
    title: str
    columns: list[str]
    rows: list[list[CellOut]] = Field(description="plain values: seconds, shares 0..1, counts")
    links: list[list[str | None]] = Field(
        description="per cell, the drill-down page listing the conversations behind it"
    )

    @classmethod
    def of(cls, linked: LinkedTable) -> "TableOut":
        return cls(
            key=linked.table.key,
            title=linked.table.title,
            columns=list(linked.table.columns),
            rows=[list(row) for row in linked.table.rows],
            links=[list(row) for row in linked.links],
        )


class ServiceDashboardOut(BaseModel):
    period: PeriodOut
    tables: list[TableOut]

    @classmethod
    def of(cls, insight_filter: InsightFilter, view: ServiceView) -> "ServiceDashboardOut":
        return cls(
            period=PeriodOut.of(insight_filter),
            tables=[TableOut.of(linked) for linked in view.tables],
        )


class DrillRowOut(BaseModel):
    conversation_id: int
    reference: str
    subject: str
    channel: str
    agent_name: str | None
    opened_at: datetime
    status: str
    value: bool | int | float | str | None = Field(
        description="the drilled column's value (the age bucket with backlog=1)"
    )

    @classmethod
    def of(cls, row: DrillRow) -> "DrillRowOut":
        return cls(
            conversation_id=row.conversation_id,
            reference=row.reference,
            subject=row.subject,
            channel=row.channel,
            agent_name=row.agent_name,
            opened_at=row.opened_at,
            status=row.status,
            value=row.value,
        )


class DrillPageOut(BaseModel):
    column: str | None = Field(description="what `value` holds: the drilled column, age or null")
    total: int = Field(description="how many conversations match: the number drilled into")
    page: int
    page_size: int
    has_next: bool
    items: list[DrillRowOut]

    @classmethod
    def of(cls, page: DrillPage) -> "DrillPageOut":
        return cls(
            column=page.column,
            total=page.total,
            page=page.page,
            page_size=page.page_size,
            has_next=page.has_next,
            items=[DrillRowOut.of(row) for row in page.rows],
        )
