"""Writing generated batches: one transaction per batch, executemany per table, explicit ids."""

import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, Table, insert, text

from goodwill import all_models
from goodwill.core.types import UtcDateTime
from goodwill.demo.rows import COLUMNS, ID_TABLES, JSON_COLUMNS, TIME_COLUMNS, Batch, Row

# SQLite gets a fast path: rows go straight to the driver, SQLite itself turns the integer times
# into SQLAlchemy's datetime text, and the FTS5 index of an external-content table is filled with
# one set-based INSERT per batch instead of a trigger firing per row. The trigger is dropped and
# re-created inside the batch's transaction, so other connections always see it in place and the
# index ends up exactly as the trigger would have left it. Other databases use Core inserts.

# SQLAlchemy's DateTime storage format on SQLite, computed by SQLite from epoch seconds (in C,
# cheaper than formatting in Python).
SQLITE_TIME = "datetime(?, 'unixepoch') || '.000000'"

# While seeding, on the seeding connection only: no per-row foreign-key checks (the rows are
# consistent by construction), a 256 MiB page cache, no fsync per commit and fewer checkpoints.
# A crash of the machine (not of the process) during a seed can lose or damage the seeded data.
SQLITE_BULK = {
    "foreign_keys": 0,
    "cache_size": -262_144,
    "synchronous": 0,
    "wal_autocheckpoint": 20_000,
}

_FTS5 = re.compile(r"using\s+fts5\s*\((?P<arguments>.*)\)\s*$", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True, slots=True)
class FullTextIndex:
    """An FTS5 table kept in step with `table` by an AFTER INSERT trigger."""

    table: str
    fts_table: str
    columns: tuple[str, ...]
    rowid: str
    trigger: str
    trigger_sql: str


def check_columns() -> None:
    """The generator's columns exist, cover every required column, and agree on types."""
    for name, columns in COLUMNS.items():
        table = all_models.metadata.tables[name]
        unknown = set(columns) - set(table.c.keys())
        missing = {
            column.name
            for column in table.columns
            if not column.nullable
            and column.server_default is None
            and column.name not in columns
            and not (column.primary_key and column.autoincrement is True)
        }
        times = {column for column in columns if isinstance(table.c[column].type, UtcDateTime)}
        if unknown or missing or times != set(columns) & TIME_COLUMNS:
            raise RuntimeError(
                f"demo rows for {name} disagree with the model: "
                f"unknown {unknown}, missing {missing}"
            )


@contextmanager
def bulk_connection(engine: Engine) -> Iterator[Connection]:
    """One connection for the whole run, tuned for bulk writes on SQLite (see SQLITE_BULK)."""
    with engine.connect() as connection:
        if connection.dialect.name != "sqlite":
            yield connection
            return
        driver = connection.connection.driver_connection
        assert driver is not None
        saved = {name: driver.execute(f"PRAGMA {name}").fetchone()[0] for name in SQLITE_BULK}
        for name, value in SQLITE_BULK.items():
            driver.execute(f"PRAGMA {name}={value}")
        try:
            yield connection
        finally:
            for name, value in saved.items():
                driver.execute(f"PRAGMA {name}={int(value)}")


def write_batch(connection: Connection, batch: Batch) -> None:
    """One transaction for the batch."""
    with connection.begin():
        if connection.dialect.name == "sqlite":
            _write_sqlite(connection, batch)
        else:
            _write_portable(connection, batch)


def reset_sequences(engine: Engine) -> None:
    """PostgreSQL: move each id sequence past the explicit ids we inserted."""
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as connection:
        for name in ID_TABLES:
            connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {name}), false)"
                )
            )


# SQLite ------------------------------------------------------------------------------------


def _write_sqlite(connection: Connection, batch: Batch) -> None:
    indexes = [
        index
        for table in ("conversations", "messages")
        for index in full_text_indexes(connection, table)
    ]
    for index in indexes:
        connection.exec_driver_sql(f'DROP TRIGGER "{index.trigger}"')
    for name, rows in batch.rows.items():
        if rows:
            connection.exec_driver_sql(_sqlite_insert(name), rows)
    for index in indexes:
        rows = batch.rows[index.table]
        if rows:
            _index_rows(connection, index, rows[0][0], rows[-1][0])
        connection.exec_driver_sql(index.trigger_sql)


def _sqlite_insert(name: str) -> str:
    columns = COLUMNS[name]
    values = ", ".join(SQLITE_TIME if column in TIME_COLUMNS else "?" for column in columns)
    return f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({values})"


def full_text_indexes(connection: Connection, table: str) -> list[FullTextIndex]:
    """External-content FTS5 tables on `table` whose insert trigger we can replace."""
    found = []
    virtual = connection.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql LIKE "
        "'CREATE VIRTUAL TABLE%'"
    ).all()
    triggers = connection.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?", (table,)
    ).all()
    for fts_table, sql in virtual:
        parsed = _parse_fts5(sql)
        if parsed is None or parsed[0] != table:
            continue
        for trigger, trigger_sql in triggers:
            compact = " ".join(trigger_sql.lower().split())
            if (
                "after insert on" in compact
                and f"insert into {fts_table.lower()}(" in compact.replace(" (", "(")
            ):
                found.append(
                    FullTextIndex(table, fts_table, parsed[1], parsed[2], trigger, trigger_sql)
                )
    return found


def _parse_fts5(sql: str) -> tuple[str, tuple[str, ...], str] | None:
    """(content table, indexed columns, content rowid) of an external-content FTS5 table."""
    match = _FTS5.search(sql)
    if match is None:
        return None
    columns, options = [], {}
    for part in match["arguments"].split(","):
        name, equals, value = part.strip().partition("=")
        if equals:
            options[name.strip().lower()] = value.strip().strip("'\"")
        elif name:
            columns.append(name.split()[0])
    if "content" not in options or not options["content"]:
        return None
    return options["content"], tuple(columns), options.get("content_rowid", "rowid")


def _index_rows(connection: Connection, index: FullTextIndex, first: int, last: int) -> None:
    columns = ", ".join(index.columns)
    connection.exec_driver_sql(
        f"INSERT INTO {index.fts_table} (rowid, {columns}) "
        f"SELECT {index.rowid}, {columns} FROM {index.table} "
        f"WHERE {index.rowid} BETWEEN ? AND ?",
        (first, last),
    )


# Other databases ---------------------------------------------------------------------------


def _write_portable(connection: Connection, batch: Batch) -> None:
    for name, rows in batch.rows.items():
        if rows:
            table: Table = all_models.metadata.tables[name]
            convert = _converters(name)
            connection.execute(
                insert(table),
                [
                    {column: to(value) for (column, to), value in zip(convert, row, strict=True)}
                    for row in rows
                ],
            )


def _converters(name: str) -> list[tuple[str, Callable[[Any], Any]]]:
    return [
        (
            column,
            _as_datetime
            if column in TIME_COLUMNS
            else _as_json
            if column in JSON_COLUMNS
            else _same,
        )
        for column in COLUMNS[name]
    ]


def _as_datetime(value: int | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value, UTC)


def _as_json(value: str) -> Any:
    return json.loads(value)


def _same(value: Row) -> Row:
    return value
