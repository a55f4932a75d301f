"""Loading demo and benchmark data into a database: `goodwill demo` and `goodwill seed`."""

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from sqlalchemy import func, select

from goodwill import all_models
from goodwill.agents.business_hours import as_utc
from goodwill.core.db import Database
from goodwill.demo.pipeline import generated_batches
from goodwill.demo.reference import ensure_reference_data
from goodwill.demo.rows import Batch
from goodwill.demo.writer import bulk_connection, check_columns, reset_sequences, write_batch

DEFAULT_ADMIN_EMAIL = "admin@goodwill.example"
DEMO_CONVERSATIONS = 4000  # a year of a small business's support
BACKGROUND_FROM = 20_000  # generate in a second process from this many conversations


@dataclass(frozen=True)
class SeedReport:
    conversations: int
    messages: int
    customers: int
    seconds: float


def seed_database(
    database: Database, *, conversations: int, seed: int, now: datetime, progress: bool = True
) -> SeedReport:
    """Append `conversations` generated conversations (reference data only where missing).

    Ids continue after the current maximum of each table, so running it twice appends. Writes
    one transaction per batch; nothing else should write to the database meanwhile.
    """
    return _seed(
        database,
        conversations=conversations,
        seed=seed,
        now=now,
        progress=progress,
        admin_email=DEFAULT_ADMIN_EMAIL,
        password_hash=None,
    )


def load_demo(
    database: Database,
    *,
    now: datetime,
    seed: int = 7,
    admin_email: str = DEFAULT_ADMIN_EMAIL,
    admin_password: str,
    progress: bool = True,
) -> SeedReport:
    """A year of a small business's support, plus an admin who can log in; only into a database
    without conversations (otherwise nothing is loaded and the report counts zero)."""
    started = time.perf_counter()
    password_hash = str(PasswordHasher().hash(admin_password))
    if _count_conversations(database):
        return SeedReport(0, 0, 0, time.perf_counter() - started)
    return _seed(
        database,
        conversations=DEMO_CONVERSATIONS,
        seed=seed,
        now=now,
        progress=progress,
        admin_email=admin_email,
        password_hash=password_hash,
    )


def _seed(
    database: Database,
    *,
    conversations: int,
    seed: int,
    now: datetime,
    progress: bool,
    admin_email: str,
    password_hash: str | None,
) -> SeedReport:
    started = time.perf_counter()
    now = as_utc(now, "now")  # refuses a naive datetime
    check_columns()
    with database.engine.begin() as connection:
        world = ensure_reference_data(
            connection, now=now, admin_email=admin_email, password_hash=password_hash
        )
    totals = Batch()
    with (
        generated_batches(
            world,
            conversations=conversations,
            seed=seed,
            now=int(now.timestamp()),
            in_background=conversations >= BACKGROUND_FROM,
        ) as batches,
        bulk_connection(database.engine) as connection,
        _progress_bar(conversations, enabled=progress) as advance,
    ):
        for batch in batches:
            write_batch(connection, batch)
            totals.conversations += batch.conversations
            totals.messages += batch.messages
            totals.customers += batch.customers
            advance(batch.conversations)
    reset_sequences(database.engine)
    return SeedReport(
        totals.conversations, totals.messages, totals.customers, time.perf_counter() - started
    )


def _count_conversations(database: Database) -> int:
    conversations = all_models.metadata.tables["conversations"]
    with database.engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(conversations)) or 0)


@contextmanager
def _progress_bar(total: int, *, enabled: bool) -> Iterator[Callable[[int], None]]:
    if not enabled:
        yield _ignore
        return
    columns = (
        TextColumn("Generating conversations"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns) as bar:
        task = bar.add_task("seed", total=total)
        yield lambda count: bar.advance(task, count)


def _ignore(count: int) -> None:  # noqa: ARG001
    return None
