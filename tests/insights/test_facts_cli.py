"""`goodwill insights rebuild`: rebuilds the facts with a progress bar; a bad database URL is
one sentence and exit code 2, never a traceback."""

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from facts_demo_support import own_database
from sqlalchemy import delete, func, select

from goodwill.conversations.models import Conversation
from goodwill.core.db import Database
from goodwill.demo.loader import DEMO_CONVERSATIONS, seed_database
from goodwill.insights.models import ConversationFact
from goodwill.insights.rollup import fact_daily

TEST_SECRET = "test-secret-key-0123456789abcdef"
NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


def rebuild(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOODWILL_")}
    env.update({"COLUMNS": "200", "NO_COLOR": "1", "GOODWILL_SECRET_KEY": TEST_SECRET})
    return subprocess.run(
        [sys.executable, "-m", "goodwill.cli", "insights", "rebuild", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def seeded(
    database_url: str, db_kind: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    folder = tmp_path_factory.mktemp("facts-cli")
    with own_database(database_url, db_kind, folder, "goodwill_facts_cli") as database:
        seed_database(database, conversations=60, seed=3, now=NOW, progress=False)
        yield database


def test_rebuild_writes_one_row_per_conversation_with_a_progress_bar(
    seeded: Database, tmp_path: Path
) -> None:
    result = rebuild("--database-url", seeded.url, "--batch-size", "25", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    output = result.stdout + result.stderr
    assert "Rebuilding facts" in output and "60/60" in output
    assert "rebuilt facts of 60 conversations" in output
    with seeded.reader() as session:
        assert session.scalar(select(func.count()).select_from(ConversationFact)) == 60


def test_rebuild_with_worker_processes_gives_the_same_rows(
    seeded: Database, tmp_path: Path
) -> None:
    result = rebuild("--database-url", seeded.url, "--workers", "2", "--quiet", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Rebuilding facts" not in result.stdout + result.stderr
    with seeded.reader() as session:
        rows = session.execute(
            select(ConversationFact.conversation_id, ConversationFact.greeted_by_name)
        ).all()
    assert len(rows) == 60 and any(greeted for _, greeted in rows)


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("nonsense-url", "cannot rebuild facts"),
        ("sqlite:////no/such/folder/goodwill.db", "unable to open database file"),
    ],
)
def test_a_bad_database_url_is_one_sentence_and_exit_2(url: str, says: str, tmp_path: Path) -> None:
    result = rebuild("--database-url", url, cwd=tmp_path)
    assert result.returncode == 2
    assert says in result.stderr
    assert "Traceback" not in result.stderr


def test_a_database_never_migrated_says_to_migrate(tmp_path: Path) -> None:
    result = rebuild("--database-url", f"sqlite:///{tmp_path / 'empty.db'}", cwd=tmp_path)
    assert result.returncode == 2
    assert "goodwill migrate" in result.stderr and "Traceback" not in result.stderr


def test_the_demo_command_leaves_facts_for_every_conversation(
    database_url: str, db_kind: str, tmp_path: Path
) -> None:
    with own_database(database_url, db_kind, tmp_path, "goodwill_facts_democli") as database:
        env = {k: v for k, v in os.environ.items() if not k.startswith("GOODWILL_")}
        env.update(
            {
                "NO_COLOR": "1",
                "GOODWILL_SECRET_KEY": TEST_SECRET,
                "GOODWILL_DATABASE_URL": database.url,
            }
        )
        result = subprocess.run(
            [sys.executable, "-m", "goodwill.cli", "demo", "--no-serve"],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=600,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        with database.reader() as session:
            facts = session.scalar(select(func.count()).select_from(ConversationFact))
            conversations = session.scalar(select(func.count()).select_from(Conversation))
        assert facts == conversations == DEMO_CONVERSATIONS


def test_rollup_only_recomputes_the_daily_rollup_from_the_facts(
    seeded: Database, tmp_path: Path
) -> None:
    assert rebuild("--database-url", seeded.url, cwd=tmp_path).returncode == 0
    with seeded.transaction() as session:
        expected = session.execute(select(func.sum(fact_daily.c.conversations))).scalar()
        session.execute(delete(fact_daily))
    result = rebuild("--database-url", seeded.url, "--rollup-only", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "rebuilt the daily rollup" in result.stdout + result.stderr
    with seeded.reader() as session:
        assert session.execute(select(func.sum(fact_daily.c.conversations))).scalar() == expected
    assert expected == 60
