"""Find the conversations whose facts changed since the last sweep, by watermarks (InsightMark).

Each source walks its own (time, id) keyset from its mark: conversations (last_activity_at),
events (by id), survey answers (updated_at), survey invitations (sent_at), quality scores
(scored_at), predictions (predicted_at), promises (made, kept, broken), orders (by id: the
customer's conversations resolved within the repurchase window before), sentiment (customer
messages scored since), and the repurchase windows that closed. Timed sources only read rows
at least `settle` old, so a transaction that commits a little after its clock time is not
skipped."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from goodwill.commerce.models import Order
from goodwill.conversations.enums import AuthorKind
from goodwill.conversations.models import Conversation, ConversationEvent, Message
from goodwill.insights.facts_rules import REPURCHASE_WINDOW
from goodwill.insights.models import InsightMark
from goodwill.proactive.models import Promise
from goodwill.quality.models import QualityScore, QualitySweepMark
from goodwill.satisfaction.models import SatisfactionPrediction
from goodwill.satisfaction.services.sentiment import MESSAGE_WALK
from goodwill.satisfaction.services.sentiment import OVERLAP as SENTIMENT_OVERLAP
from goodwill.surveys.models import SurveyInvitation, SurveyResponse

SWEEP_LIMIT = 2000  # conversations per run at most (a little more when one customer has many)
SETTLE = timedelta(seconds=120)  # how late a transaction may commit after its clock time
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
Rows = Select[*tuple[Any, ...]]
LOCK_MARK = "facts.lock"


@dataclass(frozen=True, slots=True)
class TimedSource:
    """Rows with a time column: (time, row id, conversation id) in keyset order."""

    name: str
    time: InstrumentedAttribute[Any]
    row_id: InstrumentedAttribute[Any]
    conversation_id: InstrumentedAttribute[Any]

    def query(self) -> Rows:
        return select(self.time, self.row_id, self.conversation_id).where(
            self.conversation_id.is_not(None)
        )


TIMED_SOURCES = (
    # Every service change touches last_activity_at (with updated_at), which is indexed.
    TimedSource(
        "facts.conversations", Conversation.last_activity_at, Conversation.id, Conversation.id
    ),
    TimedSource(
        "facts.survey_responses",
        SurveyResponse.updated_at,
        SurveyResponse.id,
        SurveyResponse.conversation_id,
    ),
    TimedSource(
        "facts.survey_invitations",
        SurveyInvitation.sent_at,
        SurveyInvitation.id,
        SurveyInvitation.conversation_id,
    ),
    TimedSource(
        "facts.quality_scores",
        QualityScore.scored_at,
        QualityScore.id,
        QualityScore.conversation_id,
    ),
    TimedSource(
        "facts.predictions",
        SatisfactionPrediction.predicted_at,
        SatisfactionPrediction.conversation_id,
        SatisfactionPrediction.conversation_id,
    ),
    TimedSource("facts.promises_made", Promise.made_at, Promise.id, Promise.conversation_id),
    TimedSource("facts.promises_kept", Promise.kept_at, Promise.id, Promise.conversation_id),
    TimedSource("facts.promises_broken", Promise.broken_at, Promise.id, Promise.conversation_id),
)


@dataclass(frozen=True, slots=True)
class Position:
    """Where a walk stands: rows up to (at, row_id) are done."""

    at: datetime | None
    row_id: int


@dataclass(slots=True)
class Sweep:
    """What one run collected: conversation ids, the marks to save, and whether more waits."""

    ids: set[int]
    limit: int
    positions: dict[str, Position]
    more: bool = False

    @property
    def room(self) -> int:
        return max(self.limit - len(self.ids), 0)

    def position(self, name: str) -> Position:
        return self.positions.get(name, Position(None, 0))


def lock_sweep(session: Session, now: datetime) -> None:
    """Serialise sweeps and rebuild batches on PostgreSQL: lock one mark row (SQLite writers
    are serial anyway, and there the sweep reads outside the write transaction)."""
    if session.get_bind().dialect.name == "sqlite":
        return
    if session.get(InsightMark, LOCK_MARK) is None:
        session.add(InsightMark(name=LOCK_MARK, mark_at=None, mark_id=0, updated_at=now))
        session.flush()
    session.execute(select(InsightMark).where(InsightMark.name == LOCK_MARK).with_for_update())


def read_positions(session: Session) -> dict[str, Position]:
    return {
        found.name: Position(found.mark_at, found.mark_id)
        for found in session.scalars(select(InsightMark).where(InsightMark.name.like("facts.%")))
    }


def save_positions(session: Session, positions: dict[str, Position], now: datetime) -> None:
    """Write the marks (never moving one backwards)."""
    existing = {
        found.name: found
        for found in session.scalars(select(InsightMark).where(InsightMark.name.in_(positions)))
    }
    for name, position in positions.items():
        found = existing.get(name)
        if found is None:
            found = InsightMark(name=name, mark_at=None, mark_id=0, updated_at=now)
            session.add(found)
        if (position.at or EPOCH, position.row_id) >= (found.mark_at or EPOCH, found.mark_id):
            found.mark_at, found.mark_id = position.at, position.row_id
        found.updated_at = now
    session.flush()


def positions_as_of(
    reader: Session, *, now: datetime, settle: timedelta = SETTLE
) -> dict[str, Position]:
    """Marks for a rebuild that started at `now`: every change it may have missed (from
    `settle` before it started) is still ahead of them."""
    until = now - settle
    positions = {source.name: Position(until, 0) for source in TIMED_SOURCES}
    positions["facts.relationship_answers"] = Position(until, 0)
    positions["facts.repurchase_windows"] = Position(until - REPURCHASE_WINDOW, 0)
    positions["facts.orders"] = Position(None, reader.scalar(select(func.max(Order.id))) or 0)
    latest_event = reader.scalar(select(func.max(ConversationEvent.id))) or 0
    positions["facts.events"] = Position(None, latest_event)
    walked = reader.get(QualitySweepMark, MESSAGE_WALK)
    reached = (walked.conversation_id if walked else 0) - SENTIMENT_OVERLAP
    positions["facts.sentiment"] = Position(None, max(reached, 0))
    return positions


def collect_changed(
    reader: Session, *, now: datetime, limit: int = SWEEP_LIMIT, settle: timedelta = SETTLE
) -> Sweep:
    """Conversation ids changed since the marks, at most about `limit`; `sweep.positions` are
    the marks to save once their facts are written."""
    sweep = Sweep(set(), limit, read_positions(reader))
    until = now - settle
    for source in TIMED_SOURCES:
        _walk_timed(reader, source, until=until, sweep=sweep)
    _walk_events(reader, until=until, sweep=sweep)
    _walk_relationship_answers(reader, until=until, sweep=sweep)
    _walk_orders(reader, sweep=sweep)
    _walk_sentiment(reader, sweep=sweep)
    _walk_closed_windows(reader, until=until, sweep=sweep)
    return sweep


def _after(query: Rows, time: Any, row_id: Any, found: Position, until: datetime) -> Rows:
    start = found.at or EPOCH
    return query.where(
        time <= until, or_(time > start, and_(time == start, row_id > found.row_id))
    ).order_by(time, row_id)


def _walk_timed(session: Session, source: TimedSource, *, until: datetime, sweep: Sweep) -> None:
    found = sweep.position(source.name)
    rows = _read(session, _after(source.query(), source.time, source.row_id, found, until), sweep)
    sweep.ids.update(row[2] for row in rows)
    _advance(sweep, source.name, rows)


def _read(session: Session, query: Rows, sweep: Sweep) -> list[Any]:
    """Up to the room left; a full read (or no room) means more may be waiting."""
    room = sweep.room
    if room == 0:
        sweep.more = True
        return []
    rows = list(session.execute(query.limit(room)))
    if len(rows) == room:
        sweep.more = True
    return rows


def _advance(sweep: Sweep, name: str, rows: list[Any]) -> None:
    if rows:
        sweep.positions[name] = Position(rows[-1][0], rows[-1][1])


def _walk_events(session: Session, *, until: datetime, sweep: Sweep) -> None:
    """New events, by id: what changes a conversation without touching it (an SLA breach) and
    imported history (past times, new ids). Stops at the first event younger than `until`, so
    an event committed a little late is not skipped."""
    name = "facts.events"
    more_before = sweep.more
    rows = _read(
        session,
        select(
            ConversationEvent.id, ConversationEvent.conversation_id, ConversationEvent.occurred_at
        )
        .where(ConversationEvent.id > sweep.position(name).row_id)
        .order_by(ConversationEvent.id),
        sweep,
    )
    taken = 0
    for _event_id, conversation_id, occurred_at in rows:
        if occurred_at > until:
            sweep.more = more_before  # the rest is too young: wait for it, do not hurry back
            break
        sweep.ids.add(conversation_id)
        taken += 1
    if taken:
        sweep.positions[name] = Position(None, rows[taken - 1][0])


def _walk_relationship_answers(session: Session, *, until: datetime, sweep: Sweep) -> None:
    """An answer to a relationship survey may belong to any of the customer's conversations."""
    name = "facts.relationship_answers"
    query = select(SurveyResponse.updated_at, SurveyResponse.id, SurveyResponse.customer_id).where(
        SurveyResponse.conversation_id.is_(None)
    )
    found = sweep.position(name)
    rows = _read(
        session, _after(query, SurveyResponse.updated_at, SurveyResponse.id, found, until), sweep
    )
    customers = {row[2] for row in rows}
    if customers:
        sweep.ids.update(
            session.scalars(select(Conversation.id).where(Conversation.customer_id.in_(customers)))
        )
    _advance(sweep, name, rows)


def _walk_orders(session: Session, *, sweep: Sweep) -> None:
    """New orders (by id): the customer's conversations resolved in the window before them."""
    name = "facts.orders"
    rows = _read(
        session,
        select(Order.id, Order.customer_id, Order.ordered_at)
        .where(Order.id > sweep.position(name).row_id)
        .order_by(Order.id),
        sweep,
    )
    if not rows:
        return
    orders: dict[int, list[datetime]] = {}
    for _order_id, customer_id, ordered_at in rows:
        orders.setdefault(customer_id, []).append(ordered_at)
    for conversation_id, customer_id, resolved_at in session.execute(
        select(Conversation.id, Conversation.customer_id, Conversation.resolved_at).where(
            Conversation.customer_id.in_(orders), Conversation.resolved_at.is_not(None)
        )
    ):
        if resolved_at is not None and any(
            resolved_at < at <= resolved_at + REPURCHASE_WINDOW for at in orders[customer_id]
        ):
            sweep.ids.add(conversation_id)
    sweep.positions[name] = Position(None, rows[-1][0])


def _walk_sentiment(session: Session, *, sweep: Sweep) -> None:
    """Customer messages the sentiment walk has scored since (it re-reads `OVERLAP` ids for
    late commits, so this walk stays that far behind it)."""
    name = "facts.sentiment"
    done = sweep.position(name).row_id
    walked = session.get(QualitySweepMark, MESSAGE_WALK)
    reached = (walked.conversation_id if walked else 0) - SENTIMENT_OVERLAP
    room = sweep.room
    if reached <= done or room == 0:
        sweep.more = sweep.more or reached > done
        return
    rows = _read(
        session,
        select(Message.id, Message.conversation_id)
        .where(Message.id > done, Message.id <= reached)
        .where(Message.author_kind == AuthorKind.CUSTOMER)
        .order_by(Message.id),
        sweep,
    )
    sweep.ids.update(row[1] for row in rows)
    sweep.positions[name] = Position(None, rows[-1][0] if len(rows) >= room else reached)


def _walk_closed_windows(session: Session, *, until: datetime, sweep: Sweep) -> None:
    """Conversations whose repurchase window closed: `repurchased` turns from null to False."""
    name = "facts.repurchase_windows"
    query = select(Conversation.resolved_at, Conversation.id, Conversation.id)
    closed_until = until - REPURCHASE_WINDOW
    found = sweep.position(name)
    rows = _read(
        session,
        _after(query, Conversation.resolved_at, Conversation.id, found, closed_until),
        sweep,
    )
    sweep.ids.update(row[2] for row in rows)
    _advance(sweep, name, rows)
