"""Business-hours use-cases: create, replace and read weekly schedules with their holidays."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from goodwill.agents.business_hours import WorkingCalendar
from goodwill.agents.calendars import forget_calendars
from goodwill.agents.models import BusinessHours, BusinessHoursInterval, Holiday
from goodwill.agents.schedule_schemas import BusinessHoursIn, WorkingInterval
from goodwill.core.errors import Conflict, Invalid, NotFound

# ZoneInfo loads these too, but they follow the server's configuration rather than a place.
HOST_ZONE_FILES = frozenset({"localtime", "posixrules"})


@dataclass(frozen=True, slots=True)
class Schedule:
    """A business-hours row with its intervals and holidays, loaded for answering."""

    hours: BusinessHours
    intervals: list[BusinessHoursInterval]
    holidays: list[Holiday]


def create_business_hours(session: Session, *, data: BusinessHoursIn, now: datetime) -> Schedule:
    _check_calendar(data)
    _check_name_is_free(session, data.name, exclude_id=None)
    hours = BusinessHours(name=data.name, timezone=data.timezone, created_at=now)
    session.add(hours)
    session.flush()
    _insert_days(session, hours.id, data)
    return get_schedule(session, hours.id)


def replace_business_hours(
    session: Session, business_hours_id: int, *, data: BusinessHoursIn
) -> Schedule:
    """Replace name, timezone, intervals and holidays; teams using it count in the new hours."""
    hours = _get_business_hours(session, business_hours_id)
    _check_calendar(data)
    _check_name_is_free(session, data.name, exclude_id=hours.id)
    hours.name, hours.timezone = data.name, data.timezone
    # Core deletes run at once; ORM deletes would be flushed after the inserts below and
    # collide with the (business_hours_id, day) unique constraint.
    session.execute(
        delete(BusinessHoursInterval).where(BusinessHoursInterval.business_hours_id == hours.id)
    )
    session.execute(delete(Holiday).where(Holiday.business_hours_id == hours.id))
    _insert_days(session, hours.id, data)
    forget_calendars(session)
    return get_schedule(session, hours.id)


def get_schedule(session: Session, business_hours_id: int) -> Schedule:
    hours = _get_business_hours(session, business_hours_id)
    return _schedules(session, [hours])[0]


def list_schedules(session: Session) -> list[Schedule]:
    """Every schedule, by name; three queries however many there are."""
    hours = session.scalars(select(BusinessHours).order_by(BusinessHours.name, BusinessHours.id))
    return _schedules(session, list(hours))


def _get_business_hours(session: Session, business_hours_id: int) -> BusinessHours:
    hours = session.get(BusinessHours, business_hours_id)
    if hours is None:
        raise NotFound(f"business hours {business_hours_id} do not exist")
    return hours


def _check_calendar(data: BusinessHoursIn) -> None:
    """The pure calendar's rules: a known timezone and non-overlapping, non-empty intervals."""
    if data.timezone in HOST_ZONE_FILES:
        raise Invalid(
            f"{data.timezone!r} is a file of the server's zone database, not a place; "
            "use an IANA name such as 'Europe/London'."
        )
    calendar = WorkingCalendar(
        timezone=data.timezone,
        weekly_minutes=_weekly_minutes(data.intervals),
        holidays=frozenset(holiday.day for holiday in data.holidays),
    )
    try:
        calendar.validate()
    except ValueError as error:
        raise Invalid(str(error)) from error


def _weekly_minutes(intervals: Sequence[WorkingInterval]) -> dict[int, tuple[tuple[int, int], ...]]:
    weekly: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for interval in intervals:
        weekly[interval.weekday].append((interval.start_minute, interval.end_minute))
    return {weekday: tuple(spans) for weekday, spans in weekly.items()}


def _check_name_is_free(session: Session, name: str, *, exclude_id: int | None) -> None:
    query = select(BusinessHours.id).where(func.lower(BusinessHours.name) == name.lower())
    if exclude_id is not None:
        query = query.where(BusinessHours.id != exclude_id)
    if session.scalar(query) is not None:
        raise Conflict(f"business hours named {name!r} already exist; choose another name")


def _insert_days(session: Session, business_hours_id: int, data: BusinessHoursIn) -> None:
    session.add_all(
        BusinessHoursInterval(
            business_hours_id=business_hours_id,
            weekday=interval.weekday,
            start_minute=interval.start_minute,
            end_minute=interval.end_minute,
        )
        for interval in data.intervals
    )
    session.add_all(
        Holiday(business_hours_id=business_hours_id, day=holiday.day, name=holiday.name)
        for holiday in data.holidays
    )
    session.flush()


def _schedules(session: Session, rows: list[BusinessHours]) -> list[Schedule]:
    ids = [hours.id for hours in rows]
    intervals: dict[int, list[BusinessHoursInterval]] = defaultdict(list)
    for interval in session.scalars(
        select(BusinessHoursInterval)
        .where(BusinessHoursInterval.business_hours_id.in_(ids))
        .order_by(BusinessHoursInterval.weekday, BusinessHoursInterval.start_minute)
    ):
        intervals[interval.business_hours_id].append(interval)
    holidays: dict[int, list[Holiday]] = defaultdict(list)
    for holiday in session.scalars(
        select(Holiday).where(Holiday.business_hours_id.in_(ids)).order_by(Holiday.day)
    ):
        holidays[holiday.business_hours_id].append(holiday)
    return [Schedule(hours, intervals[hours.id], holidays[hours.id]) for hours in rows]
