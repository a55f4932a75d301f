"""The managers' loyalty page: repeat purchases, retention cohorts and segments as tables."""

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from goodwill.agents.roles import Role
from goodwill.commerce.services.loyalty_report import loyalty_overview
from goodwill.core.errors import Invalid
from goodwill.web.deps import ClockDep, DatabaseDep, PageAgent, require_role
from goodwill.web.templating import render

router = APIRouter()
DEFAULT_DAYS = 365


def _period(start: date | None, end: date | None, today: date) -> tuple[datetime, datetime]:
    """[start, end] as whole UTC days; end included (the default period is the last year)."""
    last = end or today
    first = start or last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        raise Invalid("the start date must not be after the end date")
    begin = datetime.combine(first, time.min, tzinfo=UTC)
    return begin, datetime.combine(last + timedelta(days=1), time.min, tzinfo=UTC)


@router.get("/loyalty", response_class=HTMLResponse)
def show_loyalty(
    request: Request,
    agent: PageAgent,
    database: DatabaseDep,
    clock: ClockDep,
    start: Annotated[date | None, Query()] = None,
    end: Annotated[date | None, Query()] = None,
) -> HTMLResponse:
    require_role(agent, Role.MANAGER)
    period_start, period_end = _period(start, end, clock.now().date())
    with database.reader() as session:
        overview = loyalty_overview(session, start=period_start, end=period_end)
    width = max((len(c.shares) for c in overview.cohorts), default=0)
    return render(
        request,
        "commerce/loyalty.html",
        agent=agent,
        overview=overview,
        start=period_start.date(),
        end=(period_end - timedelta(days=1)).date(),
        months=range(width),
    )
