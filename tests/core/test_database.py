"""The unit of work: commits on success, rolls back on error; aware UTC datetimes only."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.exc import StatementError

from goodwill.core.db import Database
from goodwill.core.idempotency import IdempotentRequest
from goodwill.tags.models import Tag


def test_in_memory_sqlite_database_works() -> None:
    memory = Database("sqlite:///:memory:")
    with memory.transaction() as session:
        assert session.scalar(select(1)) == 1
    memory.dispose()


def test_failed_unit_of_work_leaves_nothing(database: Database) -> None:
    def failing() -> None:
        with database.transaction() as session:
            session.add(Tag(name="half-done"))
            session.flush()
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        failing()
    with database.reader() as session:
        assert session.scalar(select(Tag).where(Tag.name == "half-done")) is None


def test_datetimes_come_back_aware_utc_and_naive_ones_are_refused(database: Database) -> None:
    paris = datetime(2026, 6, 1, 14, 0, tzinfo=timezone(timedelta(hours=2)))
    with database.transaction() as session:
        row = IdempotentRequest(
            scope="s",
            key="k",
            request_hash="h",
            status_code=201,
            response_body={},
            created_at=paris,
        )
        session.add(row)
        session.flush()
        row_id = row.id
    with database.reader() as session:
        stored = session.get(IdempotentRequest, row_id)
        assert stored is not None
        assert stored.created_at == datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
        assert stored.created_at.tzinfo is not None
    naive = datetime(2026, 6, 1)  # noqa: DTZ001  (the point of the test)

    def store_naive() -> None:
        with database.transaction() as session:
            session.add(
                IdempotentRequest(
                    scope="s",
                    key="k2",
                    request_hash="h",
                    status_code=201,
                    response_body={},
                    created_at=naive,
                )
            )
            session.flush()

    with pytest.raises(StatementError, match="naive datetime"):
        store_naive()
