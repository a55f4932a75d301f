"""The weekly report: headline numbers against the week before, charts and tables, as HTML.

Everything is aggregated in SQL over conversation_facts (a fixed number of queries); the median
first response reads one sorted column of the week."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from sqlalchemy import Integer, case, cast, func, select
from sqlalchemy.orm import Session

from goodwill.agents.models import Agent, Team
from goodwill.agents.roles import Role
from goodwill.insights.charts import bar_chart, line_chart
from goodwill.insights.filters import InsightFilter
from goodwill.insights.models import ConversationFact as F
from goodwill.insights.query import fact_conditions
from goodwill.insights.report_rules import ReportWeek, change_percent
from goodwill.insights.tables import Table

_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
_environment = Environment(
    loader=FileSystemLoader(str(_TEMPLATES)),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True, slots=True)
class Headline:
    """One headline number this week and the week before; `unit` is "", "%" or " h"."""

    label: str
    current: float | None
    previous: float | None
    unit: str = ""
    higher_is_better: bool = True

    @property
    def change(self) -> float | None:
        return change_percent(self.current, self.previous)

    def text(self, value: float | None) -> str:
        if value is None:
            return "n/a"
        if self.unit == "":
            return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
        return f"{value:,.1f}{self.unit}"

    @property
    def change_text(self) -> str:
        change = self.change
        return "n/a" if change is None else f"{change:+.0f}%"

    @property
    def verdict(self) -> str:
        """better | worse | same (for colouring)."""
        change = self.change
        if change is None or abs(change) < 0.5:
            return "same"
        return "better" if (change > 0) == self.higher_is_better else "worse"


@dataclass(frozen=True, slots=True)
class Chart:
    """A chart as SVG and the numbers behind it (the PDF can draw them again)."""

    title: str
    svg: Markup
    labels: tuple[str, ...]
    series: Mapping[str, Sequence[float | None]]


@dataclass(frozen=True, slots=True)
class ReportContent:
    week: ReportWeek
    headlines: tuple[Headline, ...]
    charts: tuple[Chart, ...]
    tables: tuple[Table, ...]
    built_at: datetime

    @property
    def title(self) -> str:
        return f"Weekly report: {self.week.start.isoformat()} to {self.week.end.isoformat()}"


def week_filter(week: ReportWeek) -> InsightFilter:
    return InsightFilter(start=week.start, end=week.end)


def _ratio(part: Any, whole: Any) -> float | None:
    return None if not whole else float(part or 0) / float(whole) * 100


def _as_int(column: Any) -> Any:
    return cast(column, Integer)


def _totals(session: Session, week: ReportWeek) -> dict[str, float | None]:
    promoters = func.sum(case((F.nps >= 9, 1), else_=0))
    detractors = func.sum(case((F.nps <= 6, 1), else_=0))
    row = session.execute(
        select(
            func.count(),
            func.count(F.resolved_at),
            func.sum(_as_int(F.first_contact_resolution)),
            func.sum(_as_int(F.sla_applies)),
            func.sum(_as_int(F.sla_breached)),
            func.avg(F.csat),
            func.count(F.nps),
            promoters,
            detractors,
            func.avg(F.quality_total),
        ).where(*fact_conditions(week_filter(week)))
    ).one()
    (opened, resolved, fcr, sla_applies, breached, csat, answered, promo, detract, quality) = row
    return {
        "opened": float(opened),
        "resolved": float(resolved),
        "fcr": _ratio(fcr, resolved),
        "sla": _ratio(breached, sla_applies),
        "csat": None if csat is None else float(csat),
        "nps": None if not answered else (float(promo or 0) - float(detract or 0)) / answered * 100,
        "quality": None if quality is None else float(quality),
    }


def _median_first_response_hours(session: Session, week: ReportWeek) -> float | None:
    values = [
        int(value)
        for value in session.scalars(
            select(F.first_response_business_seconds)
            .where(
                *fact_conditions(week_filter(week)), F.first_response_business_seconds.is_not(None)
            )
            .order_by(F.first_response_business_seconds)
        )
        if value is not None
    ]
    if not values:
        return None
    middle = len(values) // 2
    median = values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2
    return float(median) / 3600


def headlines(session: Session, week: ReportWeek) -> tuple[Headline, ...]:
    now, before = _totals(session, week), _totals(session, week.previous())
    frt = (
        _median_first_response_hours(session, week),
        _median_first_response_hours(session, week.previous()),
    )
    return (
        Headline("Conversations", now["opened"], before["opened"]),
        Headline("Resolved", now["resolved"], before["resolved"]),
        Headline("Median first response (business hours)", *frt, unit=" h", higher_is_better=False),
        Headline("First-contact resolution", now["fcr"], before["fcr"], unit="%"),
        Headline("SLA breached", now["sla"], before["sla"], unit="%", higher_is_better=False),
        Headline("Average CSAT (1-5)", now["csat"], before["csat"]),
        Headline("NPS", now["nps"], before["nps"]),
        Headline("Average quality score", now["quality"], before["quality"]),
    )


def _daily(session: Session, week: ReportWeek) -> dict[date, tuple[int, float | None]]:
    both = InsightFilter(start=week.previous().start, end=week.end)
    rows = session.execute(
        select(F.opened_on, func.count(), func.avg(F.csat))
        .where(*fact_conditions(both))
        .group_by(F.opened_on)
    )
    return {day: (int(count), None if csat is None else float(csat)) for day, count, csat in rows}


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def daily_charts(session: Session, week: ReportWeek) -> tuple[tuple[Chart, ...], Table]:
    daily = _daily(session, week)
    labels = tuple(f"{WEEKDAYS[day.weekday()]} {day.day}" for day in week.days())
    counts = tuple(float(daily.get(day, (0, None))[0]) for day in week.days())
    csat_now = tuple(_round(daily.get(day, (0, None))[1]) for day in week.days())
    csat_before = tuple(_round(daily.get(day, (0, None))[1]) for day in week.previous().days())
    series: dict[str, Sequence[float | None]] = {"This week": csat_now, "Week before": csat_before}
    charts = (
        Chart(
            "Conversations opened per day",
            bar_chart(labels, counts, title="Conversations opened per day"),
            labels,
            {"Conversations": counts},
        ),
        Chart(
            "Average CSAT per day",
            line_chart(labels, series, title="Average CSAT per day"),
            labels,
            series,
        ),
    )
    rows = tuple(
        (day.isoformat(), int(count), csat)
        for day, count, csat in zip(week.days(), counts, csat_now, strict=True)
    )
    table = Table("daily", "Per day", ("day", "conversations", "average_csat"), rows)
    return charts, table


def cause_breakdown(session: Session, week: ReportWeek) -> tuple[Chart, Table]:
    rows = session.execute(
        select(F.cause, F.cause_detail, func.count())
        .where(*fact_conditions(week_filter(week)), F.cause.is_not(None))
        .group_by(F.cause, F.cause_detail)
        .order_by(func.count().desc(), F.cause, F.cause_detail)
    ).all()
    per_cause: dict[str, float] = {"service": 0.0, "product": 0.0, "policy": 0.0}
    for cause, _detail, count in rows:
        per_cause[str(cause)] = per_cause.get(str(cause), 0.0) + count
    labels = tuple(per_cause)
    values = tuple(per_cause.values())
    chart = Chart(
        "Unhappy conversations by root cause",
        bar_chart(labels, values, title="Unhappy conversations by root cause"),
        labels,
        {"Conversations": values},
    )
    table_rows = tuple((str(c), d or "", int(n)) for c, d, n in rows)
    table = Table("causes", "Root causes", ("cause", "detail", "conversations"), table_rows)
    return chart, table


def team_table(session: Session, week: ReportWeek) -> Table:
    rows = session.execute(
        select(
            func.coalesce(Team.name, "(no team)"),
            func.count(),
            func.count(F.resolved_at),
            func.avg(F.csat),
            func.sum(_as_int(F.sla_breached)),
            func.sum(_as_int(F.sla_applies)),
        )
        .select_from(F)
        .outerjoin(Team, Team.id == F.team_id)
        .where(*fact_conditions(week_filter(week)))
        .group_by(Team.name)
        .order_by(func.count().desc(), Team.name)
    ).all()
    columns = ("team", "conversations", "resolved", "average_csat", "sla_breached_percent")
    table_rows = tuple(
        (
            str(name),
            int(n),
            int(done),
            _round(None if csat is None else float(csat)),
            _round(_ratio(b, a)),
        )
        for name, n, done, csat, b, a in rows
    )
    return Table("teams", "By team", columns, table_rows)


def build_report(session: Session, week: ReportWeek, *, now: datetime) -> ReportContent:
    """Everything the report shows for `week` (a fixed number of queries)."""
    charts, daily = daily_charts(session, week)
    cause_chart, causes = cause_breakdown(session, week)
    return ReportContent(
        week=week,
        headlines=headlines(session, week),
        charts=(*charts, cause_chart),
        tables=(daily, team_table(session, week), causes),
        built_at=now,
    )


def report_html(content: ReportContent, *, base_url: str) -> str:
    """The report as one HTML document (inline SVG charts, inline styles: it is mailed)."""
    template = _environment.get_template("insights/weekly_report.html")
    return template.render(report=content, base_url=base_url.rstrip("/"))


def report_recipients(session: Session) -> list[Agent]:
    """The active managers and admins, by id."""
    return list(
        session.scalars(
            select(Agent)
            .where(Agent.is_active.is_(True), Agent.role.in_([Role.MANAGER, Role.ADMIN]))
            .order_by(Agent.id)
        )
    )
