"""Business-time arithmetic on integer UTC timestamps, precomputed for a date range. Pure."""

from bisect import bisect_left, bisect_right
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from goodwill.agents.business_hours import (
    WorkingCalendar,
    business_time_between,
    next_business_moment,
)

# The generator needs millions of due times and business durations; `agents.business_hours`
# computes each one by walking the calendar day by day. `BusinessClock` lays the same working
# intervals out once and answers with a binary search. Its intervals are checked against the pure
# functions when it is built, so both always agree (tests compare them on random instants too).


def utc_datetime(timestamp: int) -> datetime:
    return datetime.fromtimestamp(timestamp, UTC)


class BusinessClock:
    """Working intervals of one calendar between two instants, as epoch seconds."""

    def __init__(self, calendar: WorkingCalendar, *, start: int, end: int) -> None:
        calendar.validate()
        self.calendar = calendar
        self.zone = ZoneInfo(calendar.timezone)
        self.start, self.end = start, end
        intervals = _working_intervals(calendar, self.zone, start, end)
        if not intervals:
            raise ValueError("the calendar has no working time in the demo period")
        self._starts = [interval_start for interval_start, _ in intervals]
        self._ends = [interval_end for _, interval_end in intervals]
        self._before: list[int] = []  # business seconds before each interval
        self._through: list[int] = []  # business seconds up to each interval's end
        total = 0
        for interval_start, interval_end in intervals:
            self._before.append(total)
            total += interval_end - interval_start
            self._through.append(total)
        _check_against_rules(calendar, intervals)

    def elapsed(self, moment: int) -> int:
        """Business seconds between the first interval and `moment`."""
        self._check(moment)
        index = bisect_right(self._starts, moment) - 1
        if index < 0:
            return 0
        return self._before[index] + min(moment, self._ends[index]) - self._starts[index]

    def between(self, start: int, end: int) -> int:
        """Business seconds in [start, end); 0 when end is not after start."""
        return max(0, self.elapsed(end) - self.elapsed(start)) if end > start else 0

    def add(self, start: int, seconds: int) -> int:
        """The earliest moment by which `seconds` of business time have passed since `start`."""
        if seconds <= 0:
            return start
        target = self.elapsed(start) + seconds
        index = bisect_left(self._through, target)
        if index >= len(self._through):
            raise ValueError("business time runs past the end of the demo clock")
        return self._starts[index] + target - self._before[index]

    def is_open(self, moment: int) -> bool:
        index = bisect_right(self._starts, moment) - 1
        return index >= 0 and moment < self._ends[index]

    def local(self, moment: int) -> datetime:
        return datetime.fromtimestamp(moment, self.zone)

    def at_local(self, day: date, minute: int) -> int:
        """The epoch second of a local wall time (demo promise deadlines)."""
        wall = datetime.combine(day, time(), tzinfo=self.zone) + timedelta(minutes=minute)
        return int(wall.timestamp())

    def next_open_day(self, day: date) -> date:
        """The first day after `day` with working time."""
        candidate = day + timedelta(days=1)
        while candidate in self.calendar.holidays or not self.calendar.weekly_minutes.get(
            candidate.weekday()
        ):
            candidate += timedelta(days=1)
        return candidate

    def closing_minute(self, day: date) -> int:
        spans = self.calendar.weekly_minutes.get(day.weekday(), ())
        return max((end for _, end in spans), default=17 * 60)

    def _check(self, moment: int) -> None:
        if not self.start <= moment <= self.end:
            raise ValueError(f"{utc_datetime(moment)} is outside the demo clock's range")


def _working_intervals(
    calendar: WorkingCalendar, zone: ZoneInfo, start: int, end: int
) -> list[tuple[int, int]]:
    day = utc_datetime(start).astimezone(zone).date() - timedelta(days=1)
    last = utc_datetime(end).astimezone(zone).date() + timedelta(days=1)
    intervals: list[tuple[int, int]] = []
    while day <= last:
        if day not in calendar.holidays:
            for first_minute, last_minute in sorted(calendar.weekly_minutes.get(day.weekday(), ())):
                interval = (_wall(day, first_minute, zone), _wall(day, last_minute, zone))
                if interval[1] > interval[0]:
                    intervals.append(interval)
        day += timedelta(days=1)
    return [(max(s, start), min(e, end)) for s, e in intervals if e > start and s < end]


def _wall(day: date, minute: int, zone: ZoneInfo) -> int:
    return int((datetime.combine(day, time(), tzinfo=zone) + timedelta(minutes=minute)).timestamp())


def _check_against_rules(calendar: WorkingCalendar, intervals: list[tuple[int, int]]) -> None:
    """Every interval starts where the rules say working time starts, and lasts as long."""
    for (start, end), following in zip(intervals, [*intervals[1:], None], strict=True):
        begin = utc_datetime(start)
        if next_business_moment(begin, calendar) != begin:
            raise ValueError(f"demo clock disagrees with the calendar at {begin}")
        if business_time_between(begin, utc_datetime(end), calendar).total_seconds() != end - start:
            raise ValueError(f"demo clock disagrees with the calendar before {utc_datetime(end)}")
        if following is not None and following[0] != end:
            resumes = next_business_moment(utc_datetime(end), calendar)
            if resumes != utc_datetime(following[0]):
                raise ValueError(f"demo clock disagrees with the calendar after {begin}")
