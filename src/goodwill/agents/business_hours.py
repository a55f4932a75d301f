"""Working-time arithmetic over weekly business hours, holidays and DST. Pure: no I/O, no clock."""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MINUTES_PER_DAY = 1440
# A calendar with no working time for this long is broken; stop rather than walk forever.
MAX_IDLE_DAYS = 3 * 366

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

Interval = tuple[datetime, datetime]


@dataclass(frozen=True, slots=True)
class WorkingCalendar:
    """Weekly local working intervals in minutes after midnight (weekday 0 = Monday).

    A boundary that falls in a spring-forward gap means the first instant the wall clock reaches
    it (the moment of the jump); one that falls in a fall-back overlap means its first occurrence.
    Intervals are half-open: [start, end).
    """

    timezone: str
    weekly_minutes: Mapping[int, tuple[tuple[int, int], ...]]
    holidays: frozenset[date] = frozenset()

    @classmethod
    def always_open(cls) -> "WorkingCalendar":
        return cls(
            timezone="UTC",
            weekly_minutes=dict.fromkeys(range(7), ((0, MINUTES_PER_DAY),)),
        )

    def validate(self) -> None:
        _zone(self.timezone)
        for weekday, intervals in self.weekly_minutes.items():
            _validate_day(weekday, intervals)
        if not any(self.weekly_minutes.values()):
            raise ValueError("The calendar has no working time at all; add at least one interval.")


def is_within_business_hours(moment: datetime, calendar: WorkingCalendar) -> bool:
    moment = as_utc(moment, "moment")
    calendar.validate()
    zone = _zone(calendar.timezone)
    day = moment.astimezone(zone).date()
    return any(start <= moment < end for start, end in _intervals_on(day, calendar, zone))


def next_business_moment(moment: datetime, calendar: WorkingCalendar) -> datetime:
    """The moment itself when inside business hours, else the start of the next interval."""
    start, _end = next(_intervals_from(as_utc(moment, "moment"), calendar))
    return start


def add_business_time(start: datetime, duration: timedelta, calendar: WorkingCalendar) -> datetime:
    """The earliest moment by which `duration` of working time has passed since `start`."""
    start = as_utc(start, "start")
    if duration < timedelta(0):
        raise ValueError(f"Business time to add must not be negative, got {duration}.")
    if not duration:
        calendar.validate()
        return start
    remaining = duration
    for interval_start, interval_end in _intervals_from(start, calendar):
        available = interval_end - interval_start
        if remaining <= available:
            return interval_start + remaining
        remaining -= available
    raise AssertionError("unreachable: _intervals_from ends only by raising")  # pragma: no cover


def business_time_between(start: datetime, end: datetime, calendar: WorkingCalendar) -> timedelta:
    """Working time in [start, end); zero when end is not after start."""
    start, end = as_utc(start, "start"), as_utc(end, "end")
    calendar.validate()
    total = timedelta(0)
    if end <= start:
        return total
    for interval_start, interval_end in _intervals_from(start, calendar, until=end):
        if interval_start >= end:
            break
        total += min(interval_end, end) - interval_start
    return total


def _intervals_from(
    moment: datetime, calendar: WorkingCalendar, *, until: datetime | None = None
) -> Iterator[Interval]:
    """Working intervals in UTC that end after `moment`, clipped to start no earlier than it.

    Stops after the day containing `until`; raises ValueError after MAX_IDLE_DAYS without any
    working time.
    """
    calendar.validate()
    zone = _zone(calendar.timezone)
    day = moment.astimezone(zone).date()
    idle_days = 0
    while idle_days < MAX_IDLE_DAYS:
        if until is not None and _wall_to_utc(day, 0, zone) >= until:
            return
        intervals = _intervals_on(day, calendar, zone)
        for start, end in intervals:
            if end > moment:
                yield max(start, moment), end
        idle_days = 0 if intervals else idle_days + 1
        day += timedelta(days=1)
    raise ValueError(
        f"No working time within {MAX_IDLE_DAYS} days after {moment.isoformat()}; "
        "check the calendar's intervals and holidays."
    )


def _intervals_on(day: date, calendar: WorkingCalendar, zone: ZoneInfo) -> list[Interval]:
    if day in calendar.holidays:
        return []
    minutes = sorted(calendar.weekly_minutes.get(day.weekday(), ()))
    intervals = [
        (_wall_to_utc(day, start, zone), _wall_to_utc(day, end, zone)) for start, end in minutes
    ]
    # A boundary inside a DST gap can collapse an interval to nothing.
    return [(start, end) for start, end in intervals if end > start]


def _wall_to_utc(day: date, minute: int, zone: ZoneInfo) -> datetime:
    """The first instant at which the local wall clock reads `minute` past midnight of `day`."""
    local = datetime.combine(day, time(), tzinfo=zone) + timedelta(minutes=minute)
    instant = local.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) == local.replace(tzinfo=None):
        return instant
    # The wall time was skipped (spring forward): fold=0 read it with the pre-jump offset, which
    # lands after the jump; the jump itself is at most one gap length earlier.
    gap = _offset(local.replace(fold=1)) - _offset(local)
    return _offset_change(instant - abs(gap), instant, zone)


def _offset_change(before: datetime, after: datetime, zone: ZoneInfo) -> datetime:
    """The first whole second in (before, after] that has the UTC offset of `after`."""
    offset_after = _offset(after.astimezone(zone))
    seconds = int((after - before).total_seconds())
    while seconds > 1:
        middle = before + timedelta(seconds=seconds // 2)
        if _offset(middle.astimezone(zone)) == offset_after:
            after = middle
        else:
            before = middle
        seconds = int((after - before).total_seconds())
    return after


def _validate_day(weekday: int, intervals: tuple[tuple[int, int], ...]) -> None:
    if not 0 <= weekday <= 6:
        raise ValueError(f"Weekday {weekday} is not between 0 (Monday) and 6 (Sunday).")
    day = WEEKDAY_NAMES[weekday]
    previous_end = 0
    for start, end in sorted(intervals):
        if not 0 <= start < end <= MINUTES_PER_DAY:
            raise ValueError(
                f"The interval {_span(start, end)} on {day} must end after it starts "
                "(start < end), between 00:00 and 24:00."
            )
        if start < previous_end:
            raise ValueError(
                f"Intervals on {day} overlap at {format_minute(start)}; "
                "make each interval end before the next one starts."
            )
        previous_end = end


def format_minute(minute: int) -> str:
    """Minutes after midnight as a wall-clock time: 570 -> '09:30', 1440 -> '24:00'."""
    hours, minutes = divmod(minute, 60)
    return f"{hours:02d}:{minutes:02d}" if 0 <= minute <= MINUTES_PER_DAY else str(minute)


def parse_minute(text: str) -> int:
    """A wall-clock time 'HH:MM' (00:00 to 24:00) as minutes after midnight."""
    hours, separator, minutes = text.partition(":")
    digits = hours + minutes
    is_shaped = separator and len(hours) in (1, 2) and len(minutes) == 2
    if not (is_shaped and digits.isascii() and digits.isdigit()):
        raise ValueError(f"{text!r} is not a time of day; write it as HH:MM, e.g. '09:30'.")
    minute = int(hours) * 60 + int(minutes)
    if int(minutes) >= 60 or minute > MINUTES_PER_DAY:
        raise ValueError(f"{text!r} is not between 00:00 and 24:00.")
    return minute


def _span(start: int, end: int) -> str:
    return f"{format_minute(start)}-{format_minute(end)}"


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(
            f"Unknown time zone {name!r}; use an IANA name such as 'Europe/London'."
        ) from error


def _offset(moment: datetime) -> timedelta:
    offset = moment.utcoffset()
    if offset is None:
        raise ValueError(f"Expected a timezone-aware datetime, got naive {moment!r}.")
    return offset


def as_utc(moment: datetime, name: str = "datetime") -> datetime:
    """The same instant in UTC; raises ValueError for a naive datetime.

    Comparing or subtracting two datetimes that share a non-UTC tzinfo uses wall-clock values,
    which is wrong across DST changes, so every rule converts its inputs first.
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got naive {moment!r}.")
    return moment.astimezone(UTC)
