"""Working-time arithmetic: opening hours, weekends, lunch, holidays, DST, and properties."""

import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goodwill.agents.business_hours import (
    WorkingCalendar,
    add_business_time,
    business_time_between,
    is_within_business_hours,
    next_business_moment,
)

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
WEEKDAYS = range(5)

OFFICE_LONDON = WorkingCalendar("Europe/London", dict.fromkeys(WEEKDAYS, ((540, 1020),)))
OFFICE_NEW_YORK = WorkingCalendar("America/New_York", dict.fromkeys(WEEKDAYS, ((540, 1020),)))
LUNCH_LONDON = WorkingCalendar("Europe/London", dict.fromkeys(WEEKDAYS, ((540, 750), (810, 1050))))
HOLIDAY_LONDON = WorkingCalendar(
    "Europe/London",
    dict.fromkeys(WEEKDAYS, ((540, 1020),)),
    holidays=frozenset({date(2024, 12, 25), date(2024, 12, 26)}),
)
LOCAL_24_7_LONDON = WorkingCalendar("Europe/London", dict.fromkeys(range(7), ((0, 1440),)))
# Sunday 01:30-03:00 local: on DST Sundays the opening falls inside the skipped or repeated hour.
NIGHT_LONDON = WorkingCalendar("Europe/London", {6: ((90, 180),)})


def london(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def new_york(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=NEW_YORK)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


H = timedelta(hours=1)
M = timedelta(minutes=1)


@pytest.mark.parametrize(
    ("_case", "calendar", "start", "duration", "expected"),
    [
        ("inside hours is plain addition", OFFICE_LONDON, london(2024, 1, 9, 10), 2 * H,
         utc(2024, 1, 9, 12)),
        ("overnight request waits until opening", OFFICE_LONDON, london(2024, 1, 9, 22), H,
         utc(2024, 1, 10, 10)),
        ("early request waits until opening", OFFICE_LONDON, london(2024, 1, 9, 6), 30 * M,
         utc(2024, 1, 9, 9, 30)),
        ("exactly until closing ends at closing", OFFICE_LONDON, london(2024, 1, 9, 16), H,
         utc(2024, 1, 9, 17)),
        ("Friday evening to Monday", OFFICE_LONDON, london(2024, 1, 12, 18), 2 * H,
         utc(2024, 1, 15, 11)),
        ("Friday afternoon carries over the weekend", OFFICE_LONDON, london(2024, 1, 12, 16, 30),
         4 * H, utc(2024, 1, 15, 12, 30)),
        ("lunch break pauses the clock", LUNCH_LONDON, london(2024, 1, 9, 11, 30), 2 * H,
         utc(2024, 1, 9, 14, 30)),
        ("request during lunch waits for the afternoon", LUNCH_LONDON, london(2024, 1, 9, 12, 45),
         30 * M, utc(2024, 1, 9, 14)),
        ("holidays are skipped", HOLIDAY_LONDON, london(2024, 12, 24, 16), 2 * H,
         utc(2024, 12, 27, 10)),
        ("London spring-forward weekend", OFFICE_LONDON, london(2024, 3, 29, 16), 2 * H,
         utc(2024, 4, 1, 9)),
        ("London fall-back weekend", OFFICE_LONDON, london(2024, 10, 25, 16), 2 * H,
         utc(2024, 10, 28, 10)),
        ("New York spring-forward weekend", OFFICE_NEW_YORK, new_york(2024, 3, 8, 16), 2 * H,
         utc(2024, 3, 11, 14)),
        ("New York fall-back weekend", OFFICE_NEW_YORK, new_york(2024, 11, 1, 16), 2 * H,
         utc(2024, 11, 4, 15)),
        ("local 24/7 across spring-forward is elapsed time", LOCAL_24_7_LONDON,
         utc(2024, 3, 30, 12), 24 * H, utc(2024, 3, 31, 12)),
        ("local 24/7 across fall-back is elapsed time", LOCAL_24_7_LONDON, utc(2024, 10, 26, 12),
         24 * H, utc(2024, 10, 27, 12)),
        ("shift opening inside the spring-forward gap starts at the jump", NIGHT_LONDON,
         utc(2024, 3, 30, 12), 30 * M, utc(2024, 3, 31, 1, 30)),
        ("always open equals plain addition", WorkingCalendar.always_open(),
         new_york(2024, 3, 9, 23, 10), 37 * H + 15 * M, utc(2024, 3, 11, 17, 25)),
        ("zero duration is the start itself", OFFICE_LONDON, london(2024, 1, 13, 12), timedelta(0),
         utc(2024, 1, 13, 12)),
        ("1000 hours of a 40-hour week is 25 weeks", OFFICE_LONDON, london(2024, 1, 8, 9),
         1000 * H, utc(2024, 6, 28, 16)),
    ],
)  # fmt: skip
def test_add_business_time(
    _case: str, calendar: WorkingCalendar, start: datetime, duration: timedelta, expected: datetime
) -> None:
    result = add_business_time(start, duration, calendar)

    assert result == expected
    assert result.tzinfo is UTC


@pytest.mark.parametrize(
    ("_case", "calendar", "start", "end", "expected"),
    [
        ("end before start is zero", OFFICE_LONDON, london(2024, 1, 9, 12), london(2024, 1, 9, 10),
         timedelta(0)),
        ("end equal to start is zero", OFFICE_LONDON, london(2024, 1, 9, 12),
         london(2024, 1, 9, 12), timedelta(0)),
        ("within one day", OFFICE_LONDON, london(2024, 1, 9, 7), london(2024, 1, 9, 11), 2 * H),
        ("across the weekend", OFFICE_LONDON, london(2024, 1, 12, 16), london(2024, 1, 15, 10),
         2 * H),
        ("lunch is excluded", LUNCH_LONDON, london(2024, 1, 9, 9), london(2024, 1, 9, 17, 30),
         7 * H + 30 * M),
        ("holidays are excluded", HOLIDAY_LONDON, london(2024, 12, 24, 9), london(2024, 12, 27, 17),
         16 * H),
        ("a full New York week spanning spring-forward", OFFICE_NEW_YORK, new_york(2024, 3, 4),
         new_york(2024, 3, 11), 40 * H),
        ("spring-forward local day has 23 hours", LOCAL_24_7_LONDON, london(2024, 3, 31),
         london(2024, 4, 1), 23 * H),
        ("fall-back local day has 25 hours", LOCAL_24_7_LONDON, london(2024, 10, 27),
         london(2024, 10, 28), 25 * H),
        ("01:30-03:00 shift opens when the clocks jump to 02:00", NIGHT_LONDON,
         london(2024, 3, 31), london(2024, 4, 1), H),
        ("01:30-03:00 shift works through the repeated hour", NIGHT_LONDON, london(2024, 10, 27),
         london(2024, 10, 28), 2 * H + 30 * M),
        ("ordinary Sunday night shift", NIGHT_LONDON, london(2024, 4, 7), london(2024, 4, 8),
         H + 30 * M),
    ],
)  # fmt: skip
def test_business_time_between(
    _case: str, calendar: WorkingCalendar, start: datetime, end: datetime, expected: timedelta
) -> None:
    assert business_time_between(start, end, calendar) == expected


@pytest.mark.parametrize(
    ("_case", "calendar", "moment", "expected"),
    [
        ("mid-morning", OFFICE_LONDON, london(2024, 1, 9, 10), True),
        ("at opening", OFFICE_LONDON, london(2024, 1, 9, 9), True),
        ("at closing", OFFICE_LONDON, london(2024, 1, 9, 17), False),
        ("one microsecond before closing", OFFICE_LONDON,
         london(2024, 1, 9, 17) - timedelta(microseconds=1), True),
        ("lunch break", LUNCH_LONDON, london(2024, 1, 9, 13), False),
        ("Saturday", OFFICE_LONDON, london(2024, 1, 13, 10), False),
        ("holiday", HOLIDAY_LONDON, london(2024, 12, 25, 10), False),
        ("09:30 EDT after spring-forward", OFFICE_NEW_YORK, utc(2024, 3, 11, 13, 30), True),
        ("08:30 EST after fall-back", OFFICE_NEW_YORK, utc(2024, 11, 4, 13, 30), False),
        ("always open", WorkingCalendar.always_open(), utc(2024, 2, 29, 23, 59), True),
    ],
)  # fmt: skip
def test_is_within_business_hours(
    _case: str, calendar: WorkingCalendar, moment: datetime, expected: bool
) -> None:
    assert is_within_business_hours(moment, calendar) is expected


@pytest.mark.parametrize(
    ("_case", "calendar", "moment", "expected"),
    [
        ("inside hours is the moment itself", OFFICE_LONDON, london(2024, 1, 9, 10, 17),
         utc(2024, 1, 9, 10, 17)),
        ("before opening", OFFICE_LONDON, london(2024, 1, 9, 3), utc(2024, 1, 9, 9)),
        ("at closing moves to the next morning", OFFICE_LONDON, london(2024, 1, 9, 17),
         utc(2024, 1, 10, 9)),
        ("Friday evening to Monday", OFFICE_LONDON, london(2024, 1, 12, 20), utc(2024, 1, 15, 9)),
        ("lunch break", LUNCH_LONDON, london(2024, 1, 9, 12, 40), utc(2024, 1, 9, 13, 30)),
        ("over Christmas", HOLIDAY_LONDON, london(2024, 12, 24, 18), utc(2024, 12, 27, 9)),
        ("New York Sunday of spring-forward", OFFICE_NEW_YORK, new_york(2024, 3, 10, 12),
         utc(2024, 3, 11, 13)),
    ],
)  # fmt: skip
def test_next_business_moment(
    _case: str, calendar: WorkingCalendar, moment: datetime, expected: datetime
) -> None:
    result = next_business_moment(moment, calendar)

    assert result == expected
    assert result.tzinfo is UTC


@pytest.mark.parametrize(
    ("_case", "calendar", "message"),
    [
        ("unknown timezone", WorkingCalendar("Mars/Olympus", {0: ((540, 1020),)}), "time zone"),
        ("empty timezone", WorkingCalendar("", {0: ((540, 1020),)}), "time zone"),
        ("end before start", WorkingCalendar("UTC", {0: ((600, 540),)}), "start < end"),
        ("empty interval", WorkingCalendar("UTC", {0: ((540, 540),)}), "start < end"),
        ("past midnight", WorkingCalendar("UTC", {0: ((540, 1441),)}), "start < end"),
        ("negative start", WorkingCalendar("UTC", {0: ((-1, 60),)}), "start < end"),
        ("overlapping intervals", WorkingCalendar("UTC", {0: ((540, 720), (700, 900))}), "overlap"),
        ("weekday out of range", WorkingCalendar("UTC", {7: ((540, 1020),)}), "Weekday 7"),
        ("no working time at all", WorkingCalendar("UTC", {}), "no working time"),
        ("only empty days", WorkingCalendar("UTC", {0: (), 3: ()}), "no working time"),
    ],
)
def test_invalid_calendar_is_rejected(_case: str, calendar: WorkingCalendar, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        calendar.validate()
    with pytest.raises(ValueError, match=message):
        add_business_time(utc(2024, 1, 1), H, calendar)


def test_touching_unsorted_intervals_are_valid() -> None:
    calendar = WorkingCalendar("UTC", {0: ((720, 1020), (540, 720))})

    calendar.validate()
    assert business_time_between(utc(2024, 1, 8), utc(2024, 1, 9), calendar) == 8 * H


@pytest.mark.parametrize(
    "call",
    [
        lambda: add_business_time(datetime(2024, 1, 9, 10), H, OFFICE_LONDON),  # noqa: DTZ001
        lambda: business_time_between(utc(2024, 1, 9), datetime(2024, 1, 10), OFFICE_LONDON),  # noqa: DTZ001
        lambda: is_within_business_hours(datetime(2024, 1, 9, 10), OFFICE_LONDON),  # noqa: DTZ001
        lambda: next_business_moment(datetime(2024, 1, 9, 10), OFFICE_LONDON),  # noqa: DTZ001
    ],
)
def test_naive_datetimes_are_rejected(call: Callable[[], object]) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        call()


def test_negative_duration_is_rejected() -> None:
    with pytest.raises(ValueError, match="negative"):
        add_business_time(utc(2024, 1, 9), -H, OFFICE_LONDON)


def _every_monday_a_holiday() -> WorkingCalendar:
    mondays = frozenset(date(2024, 1, 1) + timedelta(weeks=week) for week in range(5 * 53))
    return WorkingCalendar("UTC", {0: ((540, 1020),)}, holidays=mondays)


def test_calendar_with_years_of_holidays_raises_instead_of_looping() -> None:
    with pytest.raises(ValueError, match="No working time within"):
        add_business_time(utc(2024, 1, 1), H, _every_monday_a_holiday())
    with pytest.raises(ValueError, match="No working time within"):
        next_business_moment(utc(2024, 1, 1), _every_monday_a_holiday())


def test_between_stops_at_end_even_without_working_time() -> None:
    span = business_time_between(utc(2024, 1, 1), utc(2026, 1, 1), _every_monday_a_holiday())

    assert span == timedelta(0)


def test_long_durations_walk_day_by_day_not_minute_by_minute() -> None:
    began = time.perf_counter()
    result = add_business_time(london(2024, 1, 8, 9), 10_000 * H, LUNCH_LONDON)
    elapsed = time.perf_counter() - began

    assert business_time_between(london(2024, 1, 8, 9), result, LUNCH_LONDON) == 10_000 * H
    assert elapsed < 1.0


CALENDARS = [
    OFFICE_LONDON,
    OFFICE_NEW_YORK,
    LUNCH_LONDON,
    HOLIDAY_LONDON,
    LOCAL_24_7_LONDON,
    NIGHT_LONDON,
    WorkingCalendar.always_open(),
]
# Boundaries away from the 01:00-03:00 changeover, where wall-clock minutes are unambiguous.
WALL_CLOCK_CALENDARS = [c for c in CALENDARS if c is not NIGHT_LONDON]

calendars = st.sampled_from(CALENDARS)
moments = st.datetimes(
    min_value=datetime(2023, 1, 1),  # noqa: DTZ001 - bounds are naive by hypothesis' design
    max_value=datetime(2027, 1, 1),  # noqa: DTZ001
    timezones=st.sampled_from([UTC, LONDON, NEW_YORK]),
)
durations = st.timedeltas(min_value=timedelta(0), max_value=2000 * H)


@given(calendar=calendars, start=moments, duration=durations)
def test_between_undoes_add(
    calendar: WorkingCalendar, start: datetime, duration: timedelta
) -> None:
    end = add_business_time(start, duration, calendar)

    assert business_time_between(start, end, calendar) == duration


@given(start=moments, duration=durations)
def test_always_open_is_plain_addition(start: datetime, duration: timedelta) -> None:
    always = WorkingCalendar.always_open()
    # Aware arithmetic within one non-UTC zone is wall-clock arithmetic, so add in UTC.
    end = start.astimezone(UTC) + duration

    assert add_business_time(start, duration, always) == end
    assert business_time_between(start, end, always) == duration


@given(calendar=calendars, start=moments, first=durations, second=durations)
def test_add_is_monotonic_in_duration(
    calendar: WorkingCalendar, start: datetime, first: timedelta, second: timedelta
) -> None:
    shorter, longer = sorted((first, second))

    assert start <= add_business_time(start, shorter, calendar)
    assert add_business_time(start, shorter, calendar) <= add_business_time(start, longer, calendar)


@given(calendar=calendars, first=moments, second=moments, duration=durations)
def test_add_is_monotonic_in_start(
    calendar: WorkingCalendar, first: datetime, second: datetime, duration: timedelta
) -> None:
    earlier, later = sorted((first, second))

    assert add_business_time(earlier, duration, calendar) <= add_business_time(
        later, duration, calendar
    )


@given(calendar=calendars, start=moments, first=durations, second=durations)
def test_adding_in_two_steps_equals_adding_once(
    calendar: WorkingCalendar, start: datetime, first: timedelta, second: timedelta
) -> None:
    stepwise = add_business_time(add_business_time(start, first, calendar), second, calendar)

    assert stepwise == add_business_time(start, first + second, calendar)


@given(calendar=calendars, moment=moments)
def test_next_business_moment_is_open_and_costs_no_business_time(
    calendar: WorkingCalendar, moment: datetime
) -> None:
    opening = next_business_moment(moment, calendar)

    assert opening >= moment
    assert is_within_business_hours(opening, calendar)
    assert business_time_between(moment, opening, calendar) == timedelta(0)
    # Compare in UTC: an aware datetime inside a DST gap never equals one in another zone.
    assert (opening == moment.astimezone(UTC)) is is_within_business_hours(moment, calendar)


def _wall_clock_minutes(calendar: WorkingCalendar, start: datetime, minutes: int) -> timedelta:
    """Oracle: count the minutes whose local wall-clock reading falls inside an interval."""
    zone = ZoneInfo(calendar.timezone)
    working = 0
    for step in range(minutes):
        local = (start + step * M).astimezone(zone)
        minute_of_day = local.hour * 60 + local.minute
        intervals = calendar.weekly_minutes.get(local.weekday(), ())
        if local.date() not in calendar.holidays and any(
            begin <= minute_of_day < end for begin, end in intervals
        ):
            working += 1
    return working * M


# Saturdays before London and New York DST changes, so the oracle often spans one.
DST_WEEKENDS = [utc(2024, 3, 9), utc(2024, 3, 30), utc(2024, 10, 26), utc(2024, 11, 2)]
oracle_starts = st.one_of(
    st.builds(
        lambda minute: utc(2023, 1, 1) + minute * M,
        st.integers(min_value=0, max_value=4 * 366 * 1440),
    ),
    st.builds(
        lambda weekend, minute: weekend + minute * M,
        st.sampled_from(DST_WEEKENDS),
        st.integers(min_value=-1440, max_value=2 * 1440),
    ),
)


@settings(max_examples=80, deadline=None)
@given(
    calendar=st.sampled_from(WALL_CLOCK_CALENDARS),
    start=oracle_starts,
    minutes=st.integers(min_value=0, max_value=3 * 1440),
)
def test_between_matches_a_minute_by_minute_wall_clock_count(
    calendar: WorkingCalendar, start: datetime, minutes: int
) -> None:

    assert business_time_between(start, start + minutes * M, calendar) == _wall_clock_minutes(
        calendar, start, minutes
    )
