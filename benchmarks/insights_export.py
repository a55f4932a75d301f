"""The conversation export streamed from a real server to /dev/null, as CSV and as Parquet:
rows per second and the server's peak memory (RSS sampled every 50 ms while it streams).

    goodwill seed --conversations 1000000        # with GOODWILL_DATABASE_URL pointing at the file
    python benchmarks/insights_export.py --database PATH [--build-facts]

The export covers every conversation with facts (the whole period of the data, at most 3 years).
Facts are built first when the table is empty (or with --build-facts), with the facts builder.
"""

import argparse
import json
import sqlite3
import threading
import time
from datetime import UTC, date, datetime

import httpx
from harness import admin_token, rss_megabytes, running_server
from sqlalchemy import create_engine, func, select

from goodwill.core.db import Database
from goodwill.insights.filters import MAX_DAYS
from goodwill.insights.models import ConversationFact


def fact_span(url: str) -> tuple[int, date | None, date | None]:
    engine = create_engine(url)
    with engine.connect() as connection:
        count, first, last = connection.execute(
            select(
                func.count(),
                func.min(ConversationFact.opened_on),
                func.max(ConversationFact.opened_on),
            )
        ).one()
    engine.dispose()
    return int(count), first, last


def build_facts(url: str, workers: int) -> float:
    from goodwill.insights.services.facts import rebuild_all_facts

    database = Database(url)
    began = time.perf_counter()
    rebuild_all_facts(database, datetime.now(UTC), workers=workers)
    database.dispose()
    return time.perf_counter() - began


def multiply(path: str, times: int) -> int:
    """Copy every conversation and its facts row `times` more times (ids offset, references
    suffixed), to test memory at sizes the facts builder would take long to reach. Returns rows."""
    connection = sqlite3.connect(path)
    try:
        top = connection.execute("SELECT max(id) FROM conversations").fetchone()[0]
        for table, key in (("conversations", "id"), ("conversation_facts", "conversation_id")):
            columns = [row[1] for row in connection.execute(f"PRAGMA table_info({table})")]
            for copy in range(1, times + 1):
                values = [
                    f"{key} + {copy * top}"
                    if name == key
                    else f"reference || '-{copy}'"
                    if name == "reference"
                    else name
                    for name in columns
                ]
                connection.execute(
                    f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)} "
                    f"FROM {table} WHERE {key} <= {top}"
                )
            connection.commit()
        return int(connection.execute("SELECT count(*) FROM conversation_facts").fetchone()[0])
    finally:
        connection.close()


class PeakRss:
    """Samples a process's RSS in a thread until stopped; keeps the highest."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak = rss_megabytes(pid)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            self.peak = max(self.peak, rss_megabytes(self.pid))

    def __enter__(self) -> "PeakRss":
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def stream(client: httpx.Client, path: str, pid: int) -> dict[str, float]:
    before = rss_megabytes(pid)
    began = time.perf_counter()
    size = 0
    lines = 0
    with (
        PeakRss(pid) as sampler,
        client.stream("GET", path) as response,
        open("/dev/null", "wb") as sink,
    ):
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} answered {response.status_code}")
        for chunk in response.iter_bytes():
            sink.write(chunk)
            size += len(chunk)
            lines += chunk.count(b"\n")
    seconds = time.perf_counter() - began
    return {
        "seconds": round(seconds, 2),
        "megabytes": round(size / 1e6, 1),
        "newlines": lines,
        "server_rss_before_mb": round(before, 1),
        "server_rss_peak_mb": round(sampler.peak, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", required=True, help="path of a seeded SQLite file")
    parser.add_argument("--build-facts", action="store_true", help="rebuild the facts first")
    parser.add_argument("--fact-workers", type=int, default=2)
    parser.add_argument(
        "--multiply",
        type=int,
        default=0,
        help="first copy the data this many more times (memory test)",
    )
    args = parser.parse_args()
    url = f"sqlite:///{args.database}"
    token = admin_token(url)
    results: dict[str, object] = {}
    count, first, last = fact_span(url)
    if args.build_facts or count == 0:
        results["facts_build_seconds"] = round(build_facts(url, args.fact_workers), 1)
        count, first, last = fact_span(url)
    if args.multiply:
        results["rows_after_copies"] = multiply(args.database, args.multiply)
        count, first, last = fact_span(url)
    if first is None or last is None:
        raise SystemExit("no conversations with facts to export")
    if (last - first).days + 1 > MAX_DAYS:
        first = date.fromordinal(last.toordinal() - MAX_DAYS + 1)
    query = f"start={first}&end={last}"
    results["rows"] = count
    with running_server(url) as (base, process):
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=base, headers=headers, timeout=600) as client:
            client.get(f"/api/v1/insights/export.csv?{query}&channel=none")  # warm up imports
            results["server_rss_idle_mb"] = round(rss_megabytes(process.pid), 1)
            # A tenth of the period first, then all of it: flat memory means the same peak.
            tenth = date.fromordinal(last.toordinal() - max(1, (last - first).days // 10))
            part = stream(
                client, f"/api/v1/insights/export.csv?start={tenth}&end={last}", process.pid
            )
            results["csv_tenth_of_the_period"] = part
            for kind in ("csv", "parquet"):
                figures = stream(client, f"/api/v1/insights/export.{kind}?{query}", process.pid)
                figures["rows_per_second"] = round(count / figures["seconds"])
                if kind == "csv":
                    figures["rows_in_csv"] = int(figures.pop("newlines")) - 1  # the header
                else:
                    figures.pop("newlines")
                results[kind] = figures
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
