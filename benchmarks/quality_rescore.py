"""Re-scoring history in the background: the scoring rate, and the inbox with and without it.

    goodwill seed --conversations 1000000        # with GOODWILL_DATABASE_URL pointing at the file
    python benchmarks/quality_rescore.py --database PATH [--requests 200] [--seconds 120]

1. Inbox page latency (views in turn, one request at a time) and the latency of a small write
   (PATCH /api/v1/me) on an idle server: the baseline.
2. `quality rescore --all` is queued and a `goodwill worker` process runs it; the same requests
   are measured again while it runs, for at least --seconds.
3. Conversations scored per second (wall clock and per CPU-second of the worker), extrapolated
   to the whole database; and one range run in-process: its reading and scoring (no lock) and
   its write transaction (the only part that holds SQLite's write lock).
Prints JSON and writes benchmarks/out/quality_rescore.json.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from harness import OUT, SECRET, admin_token, percentile, running_server
from read_paths import session_cookie
from sqlalchemy import delete, func, select

from goodwill.conversations.models import Conversation
from goodwill.core.db import Database
from goodwill.core.jobs.models import Job
from goodwill.quality.jobs import RESCORE_CHUNK, RESCORE_RANGE_JOB, enqueue_rescore
from goodwill.quality.models import QualityScore
from goodwill.quality.services.score import prepare_scores, save_scores
from goodwill.web.sessions import SESSION_COOKIE

VIEWS = ["open", "unassigned", "mine", "breaching_soon", "waiting", "all"]


def milliseconds(timings: list[float]) -> dict[str, float]:
    return {
        "requests": len(timings),
        "p50_ms": round(percentile(timings, 0.5), 1),
        "p95_ms": round(percentile(timings, 0.95), 1),
        "max_ms": round(max(timings), 1),
    }


def measure(client: httpx.Client, *, requests: int, seconds: float) -> dict[str, Any]:
    """Inbox pages and small writes in turn, until both counts and the time are reached."""
    inbox: list[float] = []
    writes: list[float] = []
    started = time.monotonic()
    n = 0
    while len(inbox) < requests or time.monotonic() - started < seconds:
        began = time.perf_counter()
        answer = client.get(f"/inbox?view={VIEWS[n % len(VIEWS)]}")
        inbox.append((time.perf_counter() - began) * 1000)
        assert answer.status_code == 200, answer.text[:200]
        if n % 4 == 0:
            began = time.perf_counter()
            answer = client.patch("/api/v1/me", json={"is_available": n % 8 == 0})
            writes.append((time.perf_counter() - began) * 1000)
            assert answer.status_code == 200, answer.text[:200]
        n += 1
    return {"inbox_page": milliseconds(inbox), "small_write": milliseconds(writes)}


def scored_since(database: Database, moment: datetime) -> int:
    with database.reader() as session:
        query = select(func.count(QualityScore.id)).where(QualityScore.scored_at >= moment)
        return int(session.scalar(query) or 0)


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far (from /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class RolledBack(Exception):
    """Raised to leave a transaction without committing it."""


def sample_job(database: Database) -> dict[str, float]:
    """One range as a job runs it: read and score in a read-only session, then save in a write
    transaction (rolled back here). Only the saving holds SQLite's write lock."""
    with database.reader() as reader:
        first = reader.scalar(select(func.min(Conversation.id))) or 1
        wall, cpu = time.perf_counter(), time.process_time()
        ids = reader.scalars(
            select(Conversation.id).where(
                Conversation.id.between(first, first + RESCORE_CHUNK - 1),
                Conversation.first_response_at.is_not(None),
            )
        ).all()
        rows = prepare_scores(reader, ids, now=datetime.now(UTC))
        result = {
            "conversations": len(rows),
            "read_and_score_wall_s": round(time.perf_counter() - wall, 3),
            "read_and_score_cpu_s": round(time.process_time() - cpu, 3),
        }
    try:
        with database.transaction() as session:
            wall = time.perf_counter()
            save_scores(session, rows)
            session.flush()
            result["write_transaction_wall_s"] = round(time.perf_counter() - wall, 3)
            raise RolledBack
    except RolledBack:
        return result


def start_worker(url: str) -> subprocess.Popen[bytes]:
    env = os.environ | {"GOODWILL_DATABASE_URL": url, "GOODWILL_SECRET_KEY": SECRET}
    return subprocess.Popen(
        [sys.executable, "-m", "goodwill.cli", "worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", required=True, help="path of a seeded SQLite file")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=120.0, help="measure under load this long")
    parser.add_argument("--duty", type=float, default=0.5, help="as `quality rescore --duty`")
    args = parser.parse_args()
    url = f"sqlite:///{args.database}"
    token = admin_token(url)  # also migrates
    database = Database(url)
    with database.reader() as session:
        replied = session.scalar(
            select(func.count(Conversation.id)).where(Conversation.first_response_at.is_not(None))
        )
    results: dict[str, Any] = {
        "conversations_with_a_reply": replied,
        "chunk": RESCORE_CHUNK,
        "duty": args.duty,
        "load_average_before": os.getloadavg(),
        "one_job_cold": sample_job(database),
        "one_job_warm": sample_job(database),
    }
    with running_server(url) as (base, _process):
        headers = {"Authorization": f"Bearer {token}"}
        cookies = {SESSION_COOKIE: session_cookie(url)}
        with httpx.Client(base_url=base, headers=headers, cookies=cookies, timeout=60) as client:
            measure(client, requests=12, seconds=0)  # warm up
            results["idle"] = measure(client, requests=args.requests, seconds=0)
            began = datetime.now(UTC)
            with database.transaction() as session:
                enqueue_rescore(session, now=began, since=None, force=True, duty=args.duty)
            worker = start_worker(url)
            try:
                started = time.monotonic()
                results["during_rescore"] = measure(
                    client, requests=args.requests, seconds=args.seconds
                )
                elapsed = time.monotonic() - started
                worker_cpu = cpu_seconds(worker.pid)
                results["load_average_after"] = os.getloadavg()
            finally:
                worker.terminate()
                worker.wait(timeout=60)
    scored = scored_since(database, began)
    rate = scored / elapsed if elapsed else 0.0
    results["rescore"] = {
        "seconds": round(elapsed, 1),
        "conversations_scored": scored,
        "conversations_per_second": round(rate, 1),
        "worker_cpu_seconds": round(worker_cpu, 1),
        "conversations_per_worker_cpu_second": round(scored / worker_cpu, 1)
        if worker_cpu
        else None,
        "extrapolated_minutes_for_all": round(replied / rate / 60, 1) if rate else None,
        "extrapolated_minutes_per_million": round(1_000_000 / rate / 60, 1) if rate else None,
    }
    with database.transaction() as session:  # leave no half-done chain behind
        session.execute(delete(Job).where(Job.name == RESCORE_RANGE_JOB))
    database.dispose()
    OUT.mkdir(exist_ok=True)
    (OUT / "quality_rescore.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
