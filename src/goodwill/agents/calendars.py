"""Load a team's working calendar from the database."""

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.agents.business_hours import WorkingCalendar
from goodwill.agents.models import BusinessHours, BusinessHoursInterval, Holiday, Team


def load_calendar(session: Session, *, business_hours_id: int | None) -> WorkingCalendar:
    """The schedule's calendar, or always-open when there is none."""
    if business_hours_id is None:
        return WorkingCalendar.always_open()
    hours = session.get(BusinessHours, business_hours_id)
    if hours is None:
        return WorkingCalendar.always_open()
    weekly: dict[int, list[tuple[int, int]]] = defaultdict(list)
    intervals = session.scalars(
        select(BusinessHoursInterval)
        .where(BusinessHoursInterval.business_hours_id == business_hours_id)
        .order_by(BusinessHoursInterval.weekday, BusinessHoursInterval.start_minute)
    )
    for interval in intervals:
        weekly[interval.weekday].append((interval.start_minute, interval.end_minute))
    holidays = session.scalars(select(Holiday.day).where(Holiday.business_hours_id == hours.id))
    return WorkingCalendar(
        timezone=hours.timezone,
        weekly_minutes={day: tuple(spans) for day, spans in weekly.items()},
        holidays=frozenset(holidays),
    )


_CACHE_KEY = "team_calendars"


def load_team_calendar(session: Session, *, team_id: int | None) -> WorkingCalendar:
    """The team's calendar, loaded once per unit of work."""
    cache: dict[int | None, WorkingCalendar] = session.info.setdefault(_CACHE_KEY, {})
    if team_id not in cache:
        cache[team_id] = _load_team_calendar(session, team_id=team_id)
    return cache[team_id]


def forget_calendars(session: Session) -> None:
    """After a schedule or a team's hours change: later loads in this unit of work re-read."""
    session.info.pop(_CACHE_KEY, None)


def _load_team_calendar(session: Session, *, team_id: int | None) -> WorkingCalendar:
    if team_id is None:
        return WorkingCalendar.always_open()
    team = session.get(Team, team_id)
    return load_calendar(session, business_hours_id=team.business_hours_id if team else None)
