"""The backlog: conversations open now in the filter's slices, aged in their team's business days.

A business day is the team calendar's working time per working weekday (8 hours for 09:00-17:00,
24 hours without business hours). The age buckets compare `created_at` with cutoffs computed
once per team calendar, so counting and listing use the very same SQL expression."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, case, exists, func, select
from sqlalchemy.orm import Session

from goodwill.agents.business_hours import WorkingCalendar, business_time_between
from goodwill.agents.calendars import load_calendar
from goodwill.agents.models import Team
from goodwill.conversations.models import Conversation as C
from goodwill.conversations.models import ConversationTag
from goodwill.conversations.status import OPEN_STATUSES
from goodwill.insights.filters import InsightFilter
from goodwill.insights.models import ConversationFact as F

AGE_BUCKETS = (
    ("lt_1bd", "< 1 business day"),
    ("1_3bd", "1-3 business days"),
    ("3bd_1w", "3 business days - 1 week"),
    ("gt_1w", "> 1 week"),
)
AGE_KEYS = tuple(key for key, _label in AGE_BUCKETS)
OPEN_STATUS_VALUES = tuple(sorted(status.value for status in OPEN_STATUSES))
_SEARCH_BACK = timedelta(days=60)


@dataclass(frozen=True, slots=True)
class Backlog:
    """Open now: the total, per age bucket key and per status (every key present, maybe 0)."""

    total: int
    by_age: dict[str, int]
    by_status: dict[str, int]


def business_day(calendar: WorkingCalendar) -> timedelta:
    """Working time per working weekday of the calendar."""
    days = [spans for spans in calendar.weekly_minutes.values() if spans]
    minutes = sum(end - start for spans in days for start, end in spans)
    return timedelta(minutes=minutes / max(1, len(days)))


def business_cutoff(now: datetime, amount: timedelta, calendar: WorkingCalendar) -> datetime:
    """The latest moment from which `amount` of working time has passed by `now` (to the minute;
    60 days back at most). Widens a window by doubling, then halves it."""
    if calendar == WorkingCalendar.always_open():
        return now - amount
    span = max(amount, timedelta(hours=1))
    while business_time_between(now - span, now, calendar) < amount:
        if span >= _SEARCH_BACK:
            return now - _SEARCH_BACK
        span = min(span * 2, _SEARCH_BACK)
    earliest, latest = now - span, now
    while (latest - earliest) > timedelta(minutes=1):
        middle = earliest + (latest - earliest) / 2
        if business_time_between(middle, now, calendar) >= amount:
            earliest = middle
        else:
            latest = middle
    return earliest.replace(second=0, microsecond=0)


def age_cutoffs(now: datetime, calendar: WorkingCalendar) -> tuple[datetime, datetime, datetime]:
    """Created at or after these moments: < 1 business day, < 3 business days, < 1 week."""
    day = business_day(calendar)
    week = now - timedelta(days=7)
    one = max(business_cutoff(now, day, calendar), week)
    three = max(business_cutoff(now, 3 * day, calendar), week)
    return one, three, week


_CUTOFFS: dict[tuple[str, datetime], tuple[datetime, datetime, datetime]] = {}


def _cached_cutoffs(
    now: datetime, calendar: WorkingCalendar
) -> tuple[datetime, datetime, datetime]:
    """age_cutoffs, remembered per calendar for the current minute (they move by the minute)."""
    minute = now.replace(second=0, microsecond=0)
    key = (repr(calendar), minute)
    if key not in _CUTOFFS:
        if len(_CUTOFFS) > 256:
            _CUTOFFS.clear()
        _CUTOFFS[key] = age_cutoffs(minute, calendar)
    return _CUTOFFS[key]


def age_expression(session: Session, now: datetime) -> ColumnElement[str]:
    """SQL giving each conversation's age bucket key, in its team's business days."""
    team_hours = session.execute(select(Team.id, Team.business_hours_id)).all()
    calendars: dict[int | None, WorkingCalendar] = {None: WorkingCalendar.always_open()}
    for _team_id, hours_id in team_hours:
        if hours_id not in calendars:
            calendars[hours_id] = load_calendar(session, business_hours_id=hours_id)
    cutoffs = {hours_id: _cached_cutoffs(now, cal) for hours_id, cal in calendars.items()}
    default = cutoffs[None]
    special = [(team_id, cutoffs[hours_id]) for team_id, hours_id in team_hours if hours_id]
    whens: list[tuple[ColumnElement[bool], str]] = []
    for team_id, team_cutoffs in special:
        whens.extend(_bucket_whens(team_cutoffs, C.team_id == team_id))
    whens.extend(_bucket_whens(default, None))
    return case(*whens, else_=AGE_KEYS[-1])


def _bucket_whens(
    cutoffs: tuple[datetime, datetime, datetime], team: ColumnElement[bool] | None
) -> list[tuple[ColumnElement[bool], str]]:
    whens = []
    for key, cutoff in zip(AGE_KEYS, cutoffs, strict=False):
        condition = C.created_at >= cutoff
        whens.append((condition if team is None else and_(team, condition), key))
    if team is not None:
        whens.append((team, AGE_KEYS[-1]))
    return whens


def backlog_conditions(insight_filter: InsightFilter) -> list[ColumnElement[bool]]:
    """Open-now conversations (not spam) in the filter's slices; the period does not apply."""
    conditions: list[ColumnElement[bool]] = [
        C.status.in_(OPEN_STATUS_VALUES),
        C.is_spam.is_(False),
    ]
    equalities = {
        C.channel: insight_filter.channel,
        C.team_id: insight_filter.team_id,
        C.assignee_id: insight_filter.agent_id,
        C.product_id: insight_filter.product_id,
        C.topic: insight_filter.topic,
    }
    conditions.extend(column == value for column, value in equalities.items() if value is not None)
    if insight_filter.tag_id is not None:
        conditions.append(
            exists(
                select(ConversationTag.conversation_id).where(
                    ConversationTag.conversation_id == C.id,
                    ConversationTag.tag_id == insight_filter.tag_id,
                )
            )
        )
    if insight_filter.segment is not None:
        conditions.append(
            exists(
                select(F.conversation_id).where(
                    F.conversation_id == C.id, F.segment == insight_filter.segment
                )
            )
        )
    return conditions


def load_backlog(session: Session, insight_filter: InsightFilter, now: datetime) -> Backlog:
    """Count the open-now conversations by status and age bucket (one grouped query)."""
    aged = (
        select(C.status.label("status"), age_expression(session, now).label("age"))
        .where(*backlog_conditions(insight_filter))
        .subquery()
    )
    rows = session.execute(
        select(aged.c.status, aged.c.age, func.count()).group_by(aged.c.status, aged.c.age)
    ).all()
    by_age = dict.fromkeys(AGE_KEYS, 0)
    by_status = dict.fromkeys(OPEN_STATUS_VALUES, 0)
    for status, key, count in rows:
        by_age[str(key)] += int(count)
        by_status[str(status)] += int(count)
    return Backlog(total=sum(by_age.values()), by_age=by_age, by_status=by_status)
