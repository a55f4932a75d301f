"""Finding what to score: the sweep of changed conversations and the re-scoring of id ranges.

The sweep walks two watermarks instead of comparing every conversation with its score:
- by last activity (`ix_conversations_activity`): conversations changed since the last walk;
  the mark never passes `now - SETTLE`, so a change committed a little late is still seen;
- by id: conversations that arrive with past times (imports, seeding), which the activity
  walk has already passed; the last `ID_OVERLAP` ids are looked at again for the same reason.
A third look scores conversations still waiting on us whose reply or follow-up target passed
since they were scored (time alone can make them "ignored"). Each walk reads at most `PAGES`
pages of keys per run and scores at most `limit` conversations, so one run is a short
transaction however large the table."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, func, or_, select
from sqlalchemy.orm import Session

from goodwill.conversations.models import Conversation
from goodwill.quality.models import QualityScore, QualitySweepMark
from goodwill.quality.scoring import SCORER_VERSION
from goodwill.quality.services.score import WAITING_ON_US, prepare_scores, save_scores
from goodwill.quality.transcript import DEFAULT_FOLLOW_UP_SECONDS, DEFAULT_REPLY_TARGET_SECONDS

ACTIVITY_WALK = "activity"
ID_WALK = "new_ids"
SETTLE = timedelta(minutes=2)
ID_OVERLAP = 1000
PAGE = 2000
PAGES = 10
SWEEP_LIMIT = 250
WAITING_WINDOW = timedelta(hours=1)  # a worker down longer than this misses those crossings
WAITING_TARGETS = (
    timedelta(seconds=DEFAULT_REPLY_TARGET_SECONDS),
    timedelta(seconds=DEFAULT_FOLLOW_UP_SECONDS),
)


@dataclass(frozen=True, slots=True)
class SweepResult:
    scored: int
    more: bool  # stopped at a limit: there may be more to score right away


@dataclass(frozen=True, slots=True)
class Marks:
    """Where the walks stand: (last activity, id) of the activity walk; the id walk's last id."""

    activity: tuple[datetime, int] | None
    last_id: int


def read_marks(session: Session) -> Marks:
    rows = {
        mark.name: mark
        for mark in session.scalars(
            select(QualitySweepMark).where(QualitySweepMark.name.in_((ACTIVITY_WALK, ID_WALK)))
        )
    }
    activity, by_id = rows.get(ACTIVITY_WALK), rows.get(ID_WALK)
    position = None
    if activity is not None and activity.activity_at is not None:
        position = (activity.activity_at, activity.conversation_id)
    return Marks(position, by_id.conversation_id if by_id else 0)


def save_marks(session: Session, marks: Marks, *, now: datetime) -> None:
    """Move the marks forward (never back: a concurrent sweep may have gone further)."""
    for name in (ACTIVITY_WALK, ID_WALK):
        mark = session.get(QualitySweepMark, name, with_for_update=True)
        if mark is None:
            mark = QualitySweepMark(name=name, activity_at=None, conversation_id=0)
            session.add(mark)
        if name == ID_WALK:
            mark.conversation_id = max(mark.conversation_id or 0, marks.last_id)
        elif marks.activity is not None and (
            mark.activity_at is None or marks.activity > (mark.activity_at, mark.conversation_id)
        ):
            mark.activity_at, mark.conversation_id = marks.activity
        mark.updated_at = now
    session.flush()


def _needs_score(row: Row[Any]) -> bool:
    return row.first_response_at is not None and row.scored_updated_at != row.updated_at


def _page_columns() -> list[Any]:
    return [
        Conversation.id,
        Conversation.last_activity_at,
        Conversation.updated_at,
        Conversation.first_response_at,
        QualityScore.conversation_updated_at.label("scored_updated_at"),
    ]


def _activity_page(session: Session, after: Any, size: int) -> list[Row[Any]]:
    query = select(*_page_columns()).outerjoin(
        QualityScore, QualityScore.conversation_id == Conversation.id
    )
    if after is not None:
        at, last_id = after
        query = query.where(
            Conversation.last_activity_at >= at,
            or_(Conversation.last_activity_at > at, Conversation.id > last_id),
        )
    order = (Conversation.last_activity_at, Conversation.id)
    return list(session.execute(query.order_by(*order).limit(size)).all())


def _id_page(session: Session, after: Any, size: int) -> list[Row[Any]]:
    query = (
        select(*_page_columns())
        .outerjoin(QualityScore, QualityScore.conversation_id == Conversation.id)
        .where(Conversation.id > after)
        .order_by(Conversation.id)
        .limit(size)
    )
    return list(session.execute(query).all())


def _walk(
    read_page: Callable[[Any, int], list[Row[Any]]],
    key: Callable[[Row[Any]], Any],
    after: Any,
    *,
    limit: int,
    into: list[int],
) -> tuple[Any, bool]:
    """Page through keys after `after`, collecting ids that need a score, until `limit` ids,
    PAGES pages or the end. Returns the last key looked at and whether a limit stopped it."""
    seen = set(into)
    for _ in range(PAGES):
        rows = read_page(after, PAGE)
        for row in rows:
            if len(into) >= limit:
                return after, True
            if _needs_score(row) and row.id not in seen:
                into.append(row.id)
            after = key(row)
        if len(rows) < PAGE:
            return after, False
    return after, True


def walk_activity(
    session: Session,
    *,
    start: tuple[datetime, int] | None,
    now: datetime,
    limit: int,
    into: list[int],
) -> tuple[tuple[datetime, int] | None, bool]:
    """Collect changed conversations in order of last activity from `start`. Returns the new
    position (never closer than SETTLE to now) and whether a limit stopped the walk."""
    after, stopped = _walk(
        lambda position, size: _activity_page(session, position, size),
        lambda row: (row.last_activity_at, row.id),
        start,
        limit=limit,
        into=into,
    )
    if after is not None and after[0] > now - SETTLE:
        after = (now - SETTLE, 0)  # changes this recent may still be committing: look again
    if start is not None and (after is None or after < start):
        after = start
    return after, stopped


def walk_new_ids(
    session: Session, *, last_id: int, limit: int, into: list[int]
) -> tuple[int, bool]:
    """Collect unscored conversations by id after the id mark (looking ID_OVERLAP back).
    Returns the last id looked at and whether a limit stopped the walk."""
    after, stopped = _walk(
        lambda position, size: _id_page(session, position, size),
        lambda row: row.id,
        max(0, last_id - ID_OVERLAP),
        limit=limit,
        into=into,
    )
    return max(last_id, int(after)), stopped


def walk_waiting(session: Session, *, now: datetime, limit: int, into: list[int]) -> None:
    """Conversations still waiting on us whose reply or follow-up target has passed since they
    were scored: time alone turns them "ignored" or "no follow-up" without any change. Looks at
    those whose last activity is within WAITING_WINDOW before each target (status index)."""
    seen = set(into)
    for target in WAITING_TARGETS:
        crossed = now - target
        query = (
            select(Conversation.id, Conversation.last_activity_at, QualityScore.scored_at)
            .join(QualityScore, QualityScore.conversation_id == Conversation.id)
            .where(
                Conversation.status.in_(sorted(WAITING_ON_US)),
                Conversation.last_activity_at > crossed - WAITING_WINDOW,
                Conversation.last_activity_at <= crossed,
            )
            .limit(PAGE)
        )
        for conversation_id, last_activity_at, scored_at in session.execute(query):
            if len(into) >= limit:
                return
            if scored_at < last_activity_at + target and conversation_id not in seen:
                into.append(conversation_id)
                seen.add(conversation_id)


def sweep_changed(
    session: Session,
    *,
    now: datetime,
    limit: int = SWEEP_LIMIT,
    reader: Session | None = None,
) -> SweepResult:
    """Score conversations changed since their last score (or never scored), and those whose
    waiting time has just passed a target. Reads and scores with `reader` (default: the same
    session); writes only the scores and the marks with `session`."""
    reader = reader or session
    marks = read_marks(reader)
    ids: list[int] = []
    activity, more = walk_activity(reader, start=marks.activity, now=now, limit=limit, into=ids)
    last_id, more_ids = walk_new_ids(reader, last_id=marks.last_id, limit=limit, into=ids)
    walk_waiting(reader, now=now, limit=limit, into=ids)
    rows = prepare_scores(reader, ids, now=now)
    save_marks(session, Marks(activity, last_id), now=now)
    save_scores(session, rows)
    session.flush()
    return SweepResult(scored=len(rows), more=more or more_ids)


# Re-scoring history -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RescorePlan:
    parts: list[tuple[int, int]]  # inclusive id ranges, one chain of jobs each
    conversations: int  # conversations with an agent reply among them


def plan_rescore(session: Session, *, since: datetime | None, chains: int) -> RescorePlan:
    """Split the ids of conversations with a reply (created since `since`) into `chains`
    contiguous parts of about the same number of ids."""
    query = select(
        func.min(Conversation.id), func.max(Conversation.id), func.count(Conversation.id)
    ).where(Conversation.first_response_at.is_not(None))
    if since is not None:
        query = query.where(Conversation.created_at >= since)
    low, high, count = session.execute(query).one()
    if not count:
        return RescorePlan([], 0)
    size = -(-(high - low + 1) // chains)
    parts = [(first, min(first + size - 1, high)) for first in range(low, high + 1, size)]
    return RescorePlan(parts, int(count))


def rescore_range(
    session: Session,
    *,
    first_id: int,
    last_id: int,
    now: datetime,
    since: datetime | None = None,
    force: bool = False,
    reader: Session | None = None,
) -> int:
    """Score the conversations in [first_id, last_id]: every one with `force`, otherwise those
    unscored, changed since scored, or scored by another scorer version. Reads and scores with
    `reader` (default: the same session); only the saving uses `session`."""
    reader = reader or session
    query = (
        select(Conversation.id)
        .outerjoin(QualityScore, QualityScore.conversation_id == Conversation.id)
        .where(
            Conversation.id >= first_id,
            Conversation.id <= last_id,
            Conversation.first_response_at.is_not(None),
        )
        .order_by(Conversation.id)
    )
    if since is not None:
        query = query.where(Conversation.created_at >= since)
    if not force:
        query = query.where(_stale_score())
    rows = prepare_scores(reader, list(reader.scalars(query)), now=now)
    save_scores(session, rows)
    session.flush()
    return len(rows)


def _stale_score() -> Any:
    return or_(
        QualityScore.id.is_(None),
        QualityScore.scorer_version != SCORER_VERSION,
        QualityScore.conversation_updated_at != Conversation.updated_at,
    )


def coverage(session: Session) -> tuple[int, int]:
    """(conversations with an agent reply, of which scored by this scorer version, up to date)."""
    replied = Conversation.first_response_at.is_not(None)
    fresh = select(func.count(QualityScore.id)).join(
        Conversation, Conversation.id == QualityScore.conversation_id
    )
    fresh = fresh.where(
        replied,
        QualityScore.scorer_version == SCORER_VERSION,
        QualityScore.conversation_updated_at == Conversation.updated_at,
    )
    total = select(func.count(Conversation.id)).where(replied)
    return int(session.scalar(total) or 0), int(session.scalar(fresh) or 0)
