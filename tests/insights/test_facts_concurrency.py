"""Two workers refreshing the same facts at once: both succeed and the rows are right."""

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from facts_demo_support import own_database
from sqlalchemy import func, select, update

from goodwill.conversations.models import Conversation
from goodwill.core.db import Database
from goodwill.demo.loader import seed_database
from goodwill.insights.models import ConversationFact
from goodwill.insights.services.facts import rebuild_all_facts, sweep_facts

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
CONVERSATIONS = 150


@pytest.fixture
def seeded(
    database_url: str, db_kind: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    folder = tmp_path_factory.mktemp("facts-two")
    with own_database(database_url, db_kind, folder, "goodwill_facts_two") as database:
        seed_database(database, conversations=CONVERSATIONS, seed=4, now=NOW, progress=False)
        rebuild_all_facts(database, NOW)
        yield database


def test_two_sweeps_at_once_both_succeed(seeded: Database) -> None:
    touched_at = NOW + timedelta(seconds=1)
    with seeded.transaction() as session:
        session.execute(
            update(Conversation).values(
                status="closed", updated_at=touched_at, last_activity_at=touched_at
            )
        )
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def sweep() -> None:
        try:
            start.wait()
            with seeded.transaction() as session:
                sweep_facts(session, now=NOW + timedelta(minutes=5))
        except BaseException as error:  # reported by the assertion below
            errors.append(error)

    workers = [threading.Thread(target=sweep) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert errors == []
    with seeded.reader() as session:
        statuses = session.execute(
            select(ConversationFact.status, func.count()).group_by(ConversationFact.status)
        ).all()
    assert statuses == [("closed", CONVERSATIONS)]
