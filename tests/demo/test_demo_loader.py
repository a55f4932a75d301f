"""Loading demo data into a real SQLite file: counts, appending, search index, logins."""

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from goodwill import all_models
from goodwill.agents.models import Agent
from goodwill.conversations.models import Conversation, ConversationEvent
from goodwill.core.db import Database
from goodwill.demo import loader, pipeline
from goodwill.demo.loader import load_demo, seed_database
from goodwill.schema import upgrade_to_head

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


def count(engine: Engine, table: str) -> int:
    with engine.connect() as connection:
        return int(
            connection.scalar(select(func.count()).select_from(all_models.metadata.tables[table]))
            or 0
        )


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    database = Database(f"sqlite:///{tmp_path / 'demo.db'}")
    all_models.metadata.create_all(database.engine)
    yield database
    database.dispose()


@pytest.fixture
def migrated(tmp_path: Path) -> Iterator[Database]:
    url = f"sqlite:///{tmp_path / 'migrated.db'}"
    upgrade_to_head(url)
    database = Database(url)
    yield database
    database.dispose()


def test_seeding_loads_what_the_report_says(database: Database) -> None:
    report = seed_database(database, conversations=300, seed=3, now=NOW, progress=False)
    assert report.conversations == count(database.engine, "conversations") == 300
    assert report.messages == count(database.engine, "messages")
    assert report.customers == count(database.engine, "customers")
    assert count(database.engine, "agents") == 12
    assert count(database.engine, "teams") == 3
    assert count(database.engine, "conversation_events") > 10 * 300


def test_seeding_refuses_a_naive_now(database: Database) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        seed_database(
            database, conversations=10, seed=1, now=NOW.replace(tzinfo=None), progress=False
        )


def test_seeding_twice_appends_after_the_existing_ids(database: Database) -> None:
    first = seed_database(database, conversations=200, seed=1, now=NOW, progress=False)
    second = seed_database(database, conversations=150, seed=1, now=NOW, progress=False)
    assert count(database.engine, "conversations") == 350
    assert count(database.engine, "messages") == first.messages + second.messages
    assert count(database.engine, "agents") == 12  # reference data is not duplicated
    with Session(database.engine) as session:
        references = session.scalars(select(Conversation.reference)).all()
        assert len(set(references)) == 350
        assert session.scalar(select(func.max(Conversation.id))) == 350


def test_rows_read_back_through_the_models(database: Database) -> None:
    seed_database(database, conversations=100, seed=2, now=NOW, progress=False)
    with Session(database.engine) as session:
        conversation = session.scalars(
            select(Conversation).where(Conversation.first_response_at.is_not(None)).limit(1)
        ).one()
        assert conversation.created_at.tzinfo is not None
        assert conversation.created_at < conversation.first_response_at <= NOW
        event = session.scalars(
            select(ConversationEvent).where(ConversationEvent.kind == "first_response").limit(1)
        ).one()
        assert set(event.data) == {"seconds", "business_seconds"}


def test_the_seeded_database_keeps_its_foreign_keys(database: Database) -> None:
    seed_database(database, conversations=200, seed=4, now=NOW, progress=False)
    with database.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_search_index_covers_seeded_messages(migrated: Database) -> None:
    seed_database(migrated, conversations=200, seed=5, now=NOW, progress=False)
    with migrated.engine.begin() as connection:
        indexed = connection.exec_driver_sql(
            "SELECT count(*) FROM fts_messages WHERE fts_messages MATCH 'order'"
        ).scalar()
        matching = connection.exec_driver_sql(
            "SELECT count(*) FROM messages WHERE body_text LIKE '%order%'"
        ).scalar()
        assert indexed == matching > 0
        subjects = connection.exec_driver_sql("SELECT count(*) FROM fts_conversations").scalar()
        assert subjects == 200
        triggers = (
            connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            .scalars()
            .all()
        )
        assert {"fts_messages_insert", "fts_conversations_insert"} <= set(triggers)
        connection.execute(
            text(
                "INSERT INTO messages (conversation_id, channel, direction, author_kind, body_text, "
                "is_auto_reply, created_at) VALUES (1, 'email', 'note', 'agent', 'zebracorn', 0, "
                "'2026-11-20 15:00:00.000000')"
            )
        )
        found = connection.exec_driver_sql(
            "SELECT count(*) FROM fts_messages WHERE fts_messages MATCH 'zebracorn'"
        ).scalar()
        assert found == 1  # the trigger is back in place


def test_background_generation_writes_the_same_rows(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    databases = []
    for name, background_from in (("inline", 10**9), ("background", 0)):
        monkeypatch.setattr(loader, "BACKGROUND_FROM", background_from)
        monkeypatch.setattr(pipeline, "QUEUE_DEPTH", 1)
        database = Database(f"sqlite:///{tmp_path / name}.db")
        all_models.metadata.create_all(database.engine)
        seed_database(database, conversations=120, seed=9, now=NOW, progress=False)
        databases.append(database)
    with databases[0].engine.connect() as one, databases[1].engine.connect() as other:
        for table in ("conversations", "messages", "conversation_events", "survey_responses"):
            query = f"SELECT * FROM {table} ORDER BY 1"
            assert one.exec_driver_sql(query).all() == other.exec_driver_sql(query).all()
    for database in databases:
        database.dispose()


def test_demo_loads_a_year_with_an_admin_who_can_log_in(database: Database) -> None:
    report = load_demo(
        database,
        now=NOW,
        admin_email="boss@example.com",
        admin_password="correct horse battery",
        progress=False,
    )
    assert 3000 <= report.conversations <= 5000
    with Session(database.engine) as session:
        admin = session.scalars(select(Agent).where(Agent.email == "boss@example.com")).one()
        assert admin.role == "admin"
        assert PasswordHasher().verify(admin.password_hash, "correct horse battery")
        first = session.scalar(select(func.min(Conversation.created_at)))
        assert first is not None and (NOW - first).days >= 360
    again = load_demo(
        database,
        now=NOW,
        admin_email="boss@example.com",
        admin_password="correct horse battery",
        progress=False,
    )
    assert again.conversations == 0
    assert count(database.engine, "conversations") == report.conversations
