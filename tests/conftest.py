"""Test fixtures: a migrated database (SQLite or PostgreSQL), rolled-back units of work, the app."""

import os
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, create_engine
from sqlalchemy.orm import Session

from factories import Factories
from goodwill.core.clock import FixedClock
from goodwill.core.db import Database, make_engine
from goodwill.main import create_app
from goodwill.schema import upgrade_to_head
from goodwill.settings import Settings
from support.postgres_server import running_postgres

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday, 09:00 UTC
TEST_SECRET = "test-secret-key-0123456789abcdef"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db", choices=["sqlite", "postgres"], default="sqlite", help="database the suite runs on"
    )


@pytest.fixture(scope="session")
def db_kind(request: pytest.FixtureRequest) -> str:
    return str(request.config.getoption("--db"))


@pytest.fixture(scope="session")
def database_url(db_kind: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if db_kind == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'goodwill-test.db'}"
        return
    with running_postgres(tmp_path_factory.mktemp("postgres")) as url:
        yield url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    upgrade_to_head(database_url)
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """One outer transaction per test, rolled back at the end: tests never share state."""
    with engine.connect() as conn:
        outer = conn.begin()
        yield conn
        if outer.is_active:
            outer.rollback()


@pytest.fixture
def database(connection: Connection, database_url: str) -> Database:
    return Database(database_url, connection=connection)


@pytest.fixture
def session(connection: Connection) -> Iterator[Session]:
    with Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    ) as session:
        yield session


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        secret_key=TEST_SECRET,
        environment="test",
        email_backend="capture",
        _env_file=None,  # type: ignore[call-arg]
    )


@pytest.fixture
def app(settings: Settings, database: Database, clock: FixedClock) -> FastAPI:
    return create_app(settings, database=database, clock=clock)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def make(session: Session, clock: FixedClock) -> Factories:
    return Factories(session, clock)


@pytest.fixture(scope="session")
def file_database_url(
    db_kind: str, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> str:
    """A separate, committed database for tests that run a real server (browser, HTTP, workers)."""
    if db_kind == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('live') / 'goodwill-live.db'}"
        upgrade_to_head(url)
        return url
    base = database_url.rsplit("/", 1)[0]
    admin = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql("DROP DATABASE IF EXISTS goodwill_live")
        conn.exec_driver_sql("CREATE DATABASE goodwill_live")
    admin.dispose()
    url = f"{base}/goodwill_live"
    upgrade_to_head(url)
    return url


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault("GOODWILL_SECRET_KEY", TEST_SECRET)
