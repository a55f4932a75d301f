"""When the weekly report is due and which seven days it covers (pure rules)."""

from datetime import UTC, date, datetime

import pytest

from goodwill.insights.report_rules import (
    ReportWeek,
    change_percent,
    due_week,
    last_send_moment,
    latest_week,
)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)  # 2026-03-02 is a Monday


def test_on_monday_after_the_hour_the_week_before_is_due() -> None:
    week = due_week(at(2, 8), weekday=0, hour=8)
    assert week == ReportWeek(date(2026, 2, 23))
    assert week is not None and week.end == date(2026, 3, 1)
    assert due_week(at(2, 23, 59), weekday=0, hour=8) == week


def test_before_the_hour_nothing_is_due_yet() -> None:
    assert due_week(at(2, 7, 59), weekday=0, hour=8) is None


def test_a_worker_that_was_down_catches_up_within_a_day_only() -> None:
    assert due_week(at(3, 7, 59), weekday=0, hour=8) == ReportWeek(date(2026, 2, 23))
    assert due_week(at(3, 8), weekday=0, hour=8) is None
    assert due_week(at(6, 12), weekday=0, hour=8) is None


def test_another_weekday_covers_the_seven_days_before_it() -> None:
    # Wednesday 4 March at 06:00: the seven days Wednesday 25 Feb to Tuesday 3 March.
    week = due_week(at(4, 6), weekday=2, hour=6)
    assert week == ReportWeek(date(2026, 2, 25))
    assert week is not None and week.end == date(2026, 3, 3)


def test_the_latest_week_is_the_last_scheduled_one_whatever_the_day() -> None:
    assert latest_week(at(5, 12), weekday=0, hour=8) == ReportWeek(date(2026, 2, 23))
    assert latest_week(at(2, 7), weekday=0, hour=8) == ReportWeek(date(2026, 2, 16))
    assert last_send_moment(at(2, 8), weekday=0, hour=8) == at(2, 8)


def test_weeks_know_their_days_and_the_week_before() -> None:
    week = ReportWeek(date(2026, 2, 23))
    assert week.days()[0] == date(2026, 2, 23) and week.days()[-1] == date(2026, 3, 1)
    assert week.previous() == ReportWeek(date(2026, 2, 16))


@pytest.mark.parametrize(
    ("current", "previous", "expected"),
    [(120, 100, 20.0), (80, 100, -20.0), (5, 0, None), (None, 3, None), (-5, -10, 50.0)],
)
def test_change_in_percent(
    current: float | None, previous: float | None, expected: float | None
) -> None:
    assert change_percent(current, previous) == expected
