"""A separate, committed database seeded by the demo generator, for the facts tests.

The demo writer commits through its own connections, so these tests cannot use the rolled-back
test connection: on SQLite they get a file of their own, on PostgreSQL a database of their own
on the test server (dropped afterwards)."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from sqlalchemy import create_engine

from goodwill.core.db import Database
from goodwill.demo.generator import DemoGenerator
from goodwill.demo.loader import DEFAULT_ADMIN_EMAIL
from goodwill.demo.outcomes import Truth
from goodwill.demo.reference import ensure_reference_data
from goodwill.demo.writer import bulk_connection, check_columns, reset_sequences, write_batch
from goodwill.schema import upgrade_to_head


@contextmanager
def own_database(database_url: str, db_kind: str, folder: Path, name: str) -> Iterator[Database]:
    """A freshly migrated database named `name`, disposed (and dropped on PostgreSQL) after."""
    if db_kind == "sqlite":
        url = f"sqlite:///{folder / name}.db"
    else:
        base = database_url.rsplit("/", 1)[0]
        _admin(base, f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}")
        url = f"{base}/{name}"
    upgrade_to_head(url)
    database = Database(url)
    try:
        yield database
    finally:
        database.dispose()
        if db_kind != "sqlite":
            _admin(database_url.rsplit("/", 1)[0], f"DROP DATABASE IF EXISTS {name}")


def _admin(base: str, *statements: str) -> None:
    admin = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        for statement in statements:
            connection.exec_driver_sql(statement)
    admin.dispose()


def seed_with_truth(
    database: Database, *, conversations: int, seed: int, now: datetime
) -> list[Truth]:
    """What `goodwill seed` writes, plus the generator's ground truth of each resolved
    conversation (whether the agent greeted by name, asked, thanked)."""
    check_columns()
    with database.engine.begin() as connection:
        world = ensure_reference_data(
            connection, now=now, admin_email=DEFAULT_ADMIN_EMAIL, password_hash=None
        )
    generator = DemoGenerator(
        world, conversations=conversations, seed=seed, now=int(now.timestamp()), keep_truth=True
    )
    with bulk_connection(database.engine) as connection:
        for batch in generator.batches():
            write_batch(connection, batch)
    reset_sequences(database.engine)
    return generator.truth
