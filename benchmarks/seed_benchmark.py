"""Seed N demo conversations into a fresh SQLite file and report the insert rate."""

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from goodwill import all_models
from goodwill.core.db import Database
from goodwill.demo.loader import seed_database
from goodwill.schema import upgrade_to_head

# PYTHONPATH=src python benchmarks/seed_benchmark.py /tmp/bench.db --conversations 100000
# deletes the file first; the schema comes from the Alembic migrations (with the FTS5 triggers a
# real installation has), or from Base.metadata.create_all with --create-all.


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", type=Path, help="SQLite file to (re)create")
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--create-all", action="store_true", help="skip the migrations")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    arguments = parser.parse_args(argv)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{arguments.path}{suffix}").unlink(missing_ok=True)
    url = f"sqlite:///{arguments.path}"
    if arguments.create_all:
        database = Database(url)
        all_models.metadata.create_all(database.engine)
    else:
        upgrade_to_head(url)
        database = Database(url)
    now = datetime.now(UTC).replace(microsecond=0)
    report = seed_database(
        database,
        conversations=arguments.conversations,
        seed=arguments.seed,
        now=now,
        progress=not arguments.quiet,
    )
    with database.engine.connect() as connection:
        events = connection.scalar(
            select(func.count()).select_from(all_models.metadata.tables["conversation_events"])
        )
    database.dispose()
    size = arguments.path.stat().st_size / 2**20
    print(
        f"{report.conversations:,} conversations, {report.messages:,} messages, "
        f"{events:,} events, {report.customers:,} customers in {report.seconds:.1f} s"
    )
    print(
        f"{report.messages / report.seconds:,.0f} messages/s "
        f"({report.conversations / report.seconds:,.0f} conversations/s), {size:,.0f} MiB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
