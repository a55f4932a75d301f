"""Declarative base, engines and the unit of work (one transaction per request or job)."""

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

from sqlalchemy import Connection, Engine, MetaData, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.pool import NullPool, StaticPool

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def _install_sqlite_pragmas(engine: Engine, *, begin: str) -> None:
    """WAL, foreign keys, busy timeout; transactions begin with `begin` (IMMEDIATE for writers)."""

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA cache_size=-32000")
        cursor.execute("PRAGMA temp_store=MEMORY")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Connection) -> None:
        connection.exec_driver_sql(begin)


def make_engine(url: str, *, writer: bool = True) -> Engine:
    if is_sqlite(url):
        in_memory = url in ("sqlite://", "sqlite:///:memory:")
        pooling: dict[str, Any] = (
            {"poolclass": StaticPool} if in_memory else {"pool_size": 8, "max_overflow": 8}
        )
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 10}, **pooling
        )
        _install_sqlite_pragmas(engine, begin="BEGIN IMMEDIATE" if writer else "BEGIN")
        return engine
    return create_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True)


class Database:
    """Engines and sessions: `transaction()` writes; `reader()` only reads (no write lock)."""

    def __init__(self, url: str, *, connection: Connection | None = None) -> None:
        self.url = url
        self.dialect = "sqlite" if is_sqlite(url) else "postgresql"
        self._write_lock: AbstractContextManager[object] = (
            threading.RLock() if self.dialect == "sqlite" else nullcontext()
        )
        if connection is not None:
            # Tests: each unit of work is a SAVEPOINT inside one outer, rolled-back transaction.
            self.engine = connection.engine
            self._writer = sessionmaker(
                bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
            )
            self._reader = self._writer
            return
        self.engine = make_engine(url, writer=True)
        self._writer = sessionmaker(self.engine, expire_on_commit=False)
        if self.dialect == "sqlite":
            self.read_engine = make_engine(url, writer=False)
            self._reader = sessionmaker(self.read_engine, expire_on_commit=False)
        else:
            self._reader = self._writer

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commits if the block succeeds, rolls back on any exception.

        On SQLite, writers of this process queue on a lock first: SQLite's own busy handler
        sleeps for milliseconds when writers collide, which would cut throughput tenfold.
        """
        with self._write_lock, self._writer.begin() as session:
            yield session

    @contextmanager
    def reader(self) -> Iterator[Session]:
        """A read-only unit of work; loaded objects stay readable (detached, not expired)."""
        session = self._reader()
        try:
            yield session
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()
        if hasattr(self, "read_engine"):
            self.read_engine.dispose()


def single_connection_engine(url: str) -> Engine:
    """An engine without pooling, for one-off scripts and migrations."""
    engine = create_engine(url, poolclass=NullPool)
    if is_sqlite(url):
        _install_sqlite_pragmas(engine, begin="BEGIN IMMEDIATE")
    return engine
