"""Rebuilding `conversation_facts`: conversations per second, extrapolated to 1,000,000.

    python benchmarks/facts_rebuild.py --conversations 20000              # SQLite file in /tmp
    python benchmarks/facts_rebuild.py --conversations 20000 --postgres   # throwaway PostgreSQL

Seeds the demo generator's data (`goodwill seed`), then times `rebuild_all_facts` twice: into an
empty table in one process, and again over full rows with `--workers` processes computing while
the main one writes; plus one `insights.refresh_facts` sweep of 2,000 changed conversations (the
job's bounded batch). Wall time depends on what else runs; the CPU seconds less so. Prints JSON and writes
benchmarks/out/facts_rebuild_<database>.json.
"""

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from harness import OUT
from sqlalchemy import delete, func, select, update

from goodwill.conversations.models import Conversation
from goodwill.core.db import Database
from goodwill.demo.loader import seed_database
from goodwill.insights.models import ConversationFact
from goodwill.insights.services.facts import rebuild_all_facts, sweep_facts
from goodwill.insights.services.facts_sweep import SWEEP_LIMIT
from goodwill.schema import upgrade_to_head

ROOT = Path(__file__).resolve().parent.parent
TARGET = 1_000_000


@contextmanager
def database_url(postgres: bool) -> Iterator[str]:
    if not postgres:
        with tempfile.TemporaryDirectory(prefix="facts-bench-") as folder:
            yield f"sqlite:///{folder}/facts.db"
        return
    sys.path.insert(0, str(ROOT / "tests"))
    from support.postgres_server import running_postgres

    with (
        tempfile.TemporaryDirectory(prefix="facts-bench-pg-") as folder,
        running_postgres(Path(folder)) as url,
    ):
        yield url


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (the worker processes)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def timed_rebuild(
    database: Database, now: datetime, batch_size: int, workers: int
) -> dict[str, Any]:
    started, cpu = time.perf_counter(), cpu_seconds()
    written = rebuild_all_facts(database, now, batch_size=batch_size, workers=workers)
    seconds = time.perf_counter() - started
    cpu = cpu_seconds() - cpu
    with database.reader() as session:
        conversations = int(session.scalar(select(func.count(Conversation.id))) or 0)
    per_second = conversations / seconds
    return {
        "workers": workers,
        "conversations": conversations,
        "facts_written": written,
        "python_cpu_seconds": round(cpu, 2),
        "seconds": round(seconds, 2),
        "conversations_per_second": round(per_second),
        "extrapolated_minutes_for_1m": round(TARGET / per_second / 60, 1),
    }


def timed_sweep(database: Database, now: datetime, changed: int) -> dict[str, Any]:
    """Touch `changed` conversations after the rebuild's marks, then time one sweep."""
    touched_at = now + timedelta(seconds=1)
    with database.transaction() as session:
        ids = list(
            session.scalars(select(Conversation.id).order_by(Conversation.id).limit(changed))
        )
        session.execute(
            update(Conversation)
            .where(Conversation.id.in_(ids))
            .values(updated_at=touched_at, last_activity_at=touched_at)
        )
    started = time.perf_counter()
    with database.transaction() as session:
        result = sweep_facts(session, now=now + timedelta(minutes=5), limit=changed)
    return {
        "changed": changed,
        "refreshed": result.refreshed,
        "seconds": round(time.perf_counter() - started, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--conversations", type=int, default=20_000)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--batch-size", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2, help="for the second rebuild")
    args = parser.parse_args()
    now = datetime.now(UTC).replace(microsecond=0)
    with database_url(args.postgres) as url:
        upgrade_to_head(url)
        database = Database(url)
        seeded = seed_database(
            database, conversations=args.conversations, seed=1, now=now, progress=False
        )
        with database.transaction() as session:
            session.execute(delete(ConversationFact))
        result = {
            "database": database.dialect,
            "seeded": {"conversations": seeded.conversations, "messages": seeded.messages},
            "batch_size": args.batch_size,
            "load_average_before": os.getloadavg()[0],
            "rebuild_empty": timed_rebuild(database, now, args.batch_size, 1),
            "rebuild_again": timed_rebuild(database, now, args.batch_size, args.workers),
            "sweep": timed_sweep(database, now, min(SWEEP_LIMIT, args.conversations)),
        }
        database.dispose()
    OUT.mkdir(exist_ok=True)
    (OUT / f"facts_rebuild_{result['database']}.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
