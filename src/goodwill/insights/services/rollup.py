"""Keep fact_daily equal to the facts: recompute whole days, set-based, inside the caller's
transaction (the facts refresh that changed them)."""

from collections.abc import Callable, Collection, Iterable
from datetime import date
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, insert, select
from sqlalchemy.orm import Session

from goodwill.core.db import Database
from goodwill.insights.models import ConversationFact as F
from goodwill.insights.rollup import GRAIN, MEASURES, fact_daily, fact_grain

DAYS_PER_STATEMENT = 200


def refresh_rollup_days(session: Session, days: Iterable[date]) -> int:
    """Replace the rollup rows of these days by the facts' sums; returns rows written."""
    ordered = sorted(set(days))
    written = 0
    for start in range(0, len(ordered), DAYS_PER_STATEMENT):
        chunk = ordered[start : start + DAYS_PER_STATEMENT]
        written += _replace_days(session, chunk)
    return written


def rebuild_rollup(database: Database, *, progress: Callable[[int], None] | None = None) -> int:
    """Recompute every day that has facts, a month of days per transaction."""
    with database.reader() as session:
        days = list(session.scalars(select(F.opened_on).distinct().order_by(F.opened_on)))
    written = 0
    for start in range(0, len(days), 31):
        chunk = days[start : start + 31]
        with database.transaction() as session:
            written += _replace_days(session, chunk)
        if progress is not None:
            progress(len(chunk))
    with database.transaction() as session:  # days whose facts are all gone (spam, deleted)
        known = set(days)
        stale = session.scalars(select(fact_daily.c.opened_on).distinct())
        gone = [day for day in stale if day not in known]
        if gone:
            session.execute(delete(fact_daily).where(fact_daily.c.opened_on.in_(gone)))
    return written


def _replace_days(session: Session, days: Collection[date]) -> int:
    session.execute(delete(fact_daily).where(fact_daily.c.opened_on.in_(days)))
    grain = fact_grain()
    measures = [expression.label(name) for name, expression in MEASURES.items()]
    source = (
        select(*grain, *measures)
        .where(F.opened_on.in_(days))
        .group_by(*(column for column in grain))
    )
    result = session.execute(insert(fact_daily).from_select([*GRAIN, *MEASURES], source))
    return int(cast(CursorResult[Any], result).rowcount or 0)


def rollup_row_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(fact_daily)) or 0)
