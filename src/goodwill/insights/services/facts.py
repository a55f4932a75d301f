"""Build and keep `conversation_facts`: one row per non-spam conversation (docs/insights.md).

`refresh_facts` recomputes given conversations, `rebuild_all_facts` walks them all in id
batches (one transaction each, optionally computed by worker processes), and `sweep_facts`
(the `insights.refresh_facts` job) refreshes those changed since the watermarks."""

from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from multiprocessing import get_context
from typing import Any, cast

from sqlalchemy import Table, delete, insert, select
from sqlalchemy.orm import Session

from goodwill.conversations.models import Conversation
from goodwill.core.db import Database
from goodwill.insights.models import ConversationFact
from goodwill.insights.services.facts_sweep import (
    LOCK_MARK,
    SETTLE,
    SWEEP_LIMIT,
    Position,
    collect_changed,
    lock_sweep,
    positions_as_of,
    save_positions,
)
from goodwill.insights.services.facts_values import compute_facts
from goodwill.insights.services.rollup import refresh_rollup_days

DEFAULT_BATCH = 2000
MAX_BATCH = 5000  # conversations computed at once; larger calls are split
FACTS = cast(Table, ConversationFact.__table__)


def refresh_facts(
    session: Session,
    conversation_ids: Sequence[int],
    now: datetime,
    *,
    reader: Session | None = None,
) -> int:
    """(Re)compute and upsert the facts of these conversations; rows of spam or missing
    conversations are deleted. A fixed number of queries per batch of up to `MAX_BATCH`. Reads
    with `reader` (default: `session`), writes with `session`. Returns rows written."""
    ids = sorted(set(conversation_ids))
    if not ids:
        return 0
    lock_sweep(session, now)
    written = 0
    for start in range(0, len(ids), MAX_BATCH):  # keeps each IN list within SQLite's limits
        chunk = ids[start : start + MAX_BATCH]
        values = compute_facts(reader or session, chunk, now)
        save_facts(session, chunk, values)
        written += len(values)
    return written


def save_facts(session: Session, ids: Sequence[int], values: list[dict[str, Any]]) -> None:
    """Replace the rows of these conversations: one DELETE, then one executemany INSERT (far
    faster than updating row by row). Writers of facts queue on `lock_sweep` (PostgreSQL).
    Then the daily rollup of every day these rows were or are on is recomputed, in the same
    transaction, so fact_daily always equals the facts."""
    chosen = ConversationFact.conversation_id.in_(list(ids))
    days = set(session.scalars(select(ConversationFact.opened_on).where(chosen).distinct()))
    session.execute(
        delete(ConversationFact).where(chosen), execution_options={"synchronize_session": False}
    )
    if values:
        # One prepared statement, executemany: pipelined on PostgreSQL, a C loop on SQLite
        # (ten times less CPU than multi-row VALUES with 75 parameters a row).
        session.connection().execute(insert(FACTS), values)
    session.flush()
    refresh_rollup_days(session, days | {row["opened_on"] for row in values})


def rebuild_all_facts(
    database: Database,
    now: datetime,
    *,
    batch_size: int = DEFAULT_BATCH,
    progress: Callable[[int], None] | None = None,
    workers: int = 1,
) -> int:
    """Rebuild the facts of every conversation, walking ids in batches (one transaction each).
    `progress` is called with the number of conversations of each batch; the job's marks move
    to the rebuild's start (minus the settling time). With `workers` > 1,
    worker processes compute batches from their own connections while this one writes (the
    data must be committed: not for a test's rolled-back connection). Returns rows written."""
    batch_size = max(1, min(batch_size, MAX_BATCH))
    with database.reader() as reader:
        positions = positions_as_of(reader, now=now)
    written = 0
    for ids, values in _computed_batches(database, now, batch_size, workers):
        with database.transaction() as session:
            if values is None:
                written += refresh_facts(session, ids, now)
            else:
                lock_sweep(session, now)
                save_facts(session, ids, values)
                written += len(values)
        if progress is not None:
            progress(len(ids))
    with database.transaction() as session:
        save_positions(session, positions, now)  # the job goes on from here, not from scratch
    return written


def _id_batches(database: Database, batch_size: int) -> Iterator[list[int]]:
    after = 0
    while True:
        with database.reader() as session:
            ids = list(
                session.scalars(
                    select(Conversation.id)
                    .where(Conversation.id > after)
                    .order_by(Conversation.id)
                    .limit(batch_size)
                )
            )
        if not ids:
            return
        yield ids
        after = ids[-1]


def _computed_batches(
    database: Database, now: datetime, batch_size: int, workers: int
) -> Iterator[tuple[list[int], list[dict[str, Any]] | None]]:
    """(ids, values) per batch; values None means "compute in the writing transaction"."""
    if workers <= 1:
        for ids in _id_batches(database, batch_size):
            yield ids, None
        return
    pending: deque[tuple[list[int], Future[list[dict[str, Any]]]]] = deque()
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=get_context("spawn"),
        initializer=_start_worker,
        initargs=(database.url,),
    ) as pool:
        for ids in _id_batches(database, batch_size):
            pending.append((ids, pool.submit(_compute_in_worker, ids, now)))
            if len(pending) > workers:
                done_ids, future = pending.popleft()
                yield done_ids, future.result()
        while pending:
            done_ids, future = pending.popleft()
            yield done_ids, future.result()


_worker_database: Database | None = None


def _start_worker(url: str) -> None:
    global _worker_database  # one database per worker process
    _worker_database = Database(url)


def _compute_in_worker(ids: list[int], now: datetime) -> list[dict[str, Any]]:
    if _worker_database is None:
        raise RuntimeError("the facts worker process was not started with a database URL")
    with _worker_database.reader() as reader:
        return compute_facts(reader, ids, now)


@dataclass(frozen=True, slots=True)
class SweepResult:
    refreshed: int  # conversations whose facts were recomputed
    more: bool  # a source had more changes than one run takes


def sweep_facts(
    session: Session,
    *,
    now: datetime,
    limit: int = SWEEP_LIMIT,
    settle: timedelta = SETTLE,
    reader: Session | None = None,
) -> SweepResult:
    """Refresh the facts of conversations changed since the marks, then advance the marks.
    Reads with `reader` (default: `session`); two sweeps at once queue on a lock (PostgreSQL)."""
    lock_sweep(session, now)
    sweep = collect_changed(reader or session, now=now, limit=limit, settle=settle)
    refresh_facts(session, sorted(sweep.ids), now, reader=reader)
    sweep.positions.setdefault(LOCK_MARK, Position(None, 0))  # its updated_at: the last run
    save_positions(session, sweep.positions, now)
    return SweepResult(len(sweep.ids), sweep.more)
