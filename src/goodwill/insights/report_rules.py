"""When the weekly report is due and which seven days it covers. Pure.

The report is sent on GOODWILL_WEEKLY_REPORT_WEEKDAY at GOODWILL_WEEKLY_REPORT_HOUR (UTC) and
covers the seven whole UTC days before that day (Monday to Sunday with the default Monday). A
worker that was down at that hour still sends it during the following `CATCH_UP`."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

CATCH_UP = timedelta(days=1)
WEEK = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class ReportWeek:
    """Seven UTC days, `start` to `end` (both included)."""

    start: date

    @property
    def end(self) -> date:
        return self.start + timedelta(days=6)

    def previous(self) -> "ReportWeek":
        return ReportWeek(self.start - WEEK)

    def days(self) -> tuple[date, ...]:
        return tuple(self.start + timedelta(days=offset) for offset in range(7))


def last_send_moment(now: datetime, *, weekday: int, hour: int) -> datetime:
    """The latest `weekday` at `hour`:00 UTC at or before `now` (weekday 0 is Monday)."""
    now = now.astimezone(UTC)
    back = (now.weekday() - weekday) % 7
    moment = datetime.combine(now.date() - timedelta(days=back), time(hour), tzinfo=UTC)
    return moment if moment <= now else moment - WEEK


def week_for(moment: datetime) -> ReportWeek:
    """The week a report sent at `moment` covers: the seven days before its day."""
    return ReportWeek(moment.astimezone(UTC).date() - WEEK)


def latest_week(now: datetime, *, weekday: int, hour: int) -> ReportWeek:
    """The week of the most recent scheduled report (what "send this week's report now" sends)."""
    return week_for(last_send_moment(now, weekday=weekday, hour=hour))


def due_week(now: datetime, *, weekday: int, hour: int) -> ReportWeek | None:
    """The week to report on now, or None outside the sending window (the hour plus CATCH_UP)."""
    moment = last_send_moment(now, weekday=weekday, hour=hour)
    return week_for(moment) if now - moment < CATCH_UP else None


def change_percent(current: float | None, previous: float | None) -> float | None:
    """The change from `previous` to `current` in percent (None without a usable base)."""
    if current is None or previous is None or previous == 0:
        return None
    return (current - previous) / abs(previous) * 100
