"""Latency of the Drivers tab at a million conversations, on a SQLite file.

    python benchmarks/insights_drivers.py --database /tmp/drivers1m.db [--build] [--runs 20]

With `--build`, the file is created (migrated) and filled with 1,000,000 synthetic
conversation_facts rows over a year, drawn from the demo's planted model (goodwill.demo.effects):
CSAT answered for 9% of conversations, NPS for 2%, repurchase decided for those resolved more
than 120 days ago. (Facts only: the drivers read nothing else.) Then, for two 30-day periods (the
latest, where no repurchase is decided yet, and one 150 days back, where all are), it times the
page's work (three fits, the rows, sentences and charts): `cold` clears the in-process cache
first (one load and fit per outcome), `warm` is a page shown again while the facts are unchanged.
p50 and p95 wall-clock milliseconds, the p50 of this process's CPU time (SQLite runs in it; on a
shared, busy machine the CPU time is the steadier figure), rows per outcome, SQL statements.
"""

import argparse
import json
import sqlite3
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from harness import percentile
from sqlalchemy import event
from sqlalchemy.orm import Session

from goodwill.core.db import Database
from goodwill.demo.effects import PlantedEffects
from goodwill.insights.drivers_pages import outcome_view
from goodwill.insights.filters import InsightFilter
from goodwill.insights.services.drivers import clear_cache, drivers
from goodwill.schema import upgrade_to_head

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)
COLUMNS = [
    "conversation_id",
    "customer_id",
    "opened_at",
    "opened_on",
    "channel",
    "priority",
    "status",
    "segment",
    "product_id",
    "topic",
    "first_response_business_seconds",
    "reopens",
    "transfers",
    "promises_made",
    "promises_kept",
    "promises_broken",
    "greeted_by_name",
    "asked_needs",
    "thanked",
    "csat",
    "nps",
    "repurchased",
    "refreshed_at",
    "customer_messages",
    "agent_messages",
    "first_contact_resolution",
    "sla_applies",
    "sla_breached",
    "first_response_breached",
    "resolution_breached",
    "failure_not_listening",
    "failure_ignored",
    "failure_promise_broken",
    "failure_lacking_knowledge",
    "failure_no_follow_up",
    "survey_sent",
    "survey_answered",
]


def build(path: str, count: int, seed: int = 1) -> None:
    """A migrated file with `count` facts rows drawn from the planted model."""
    upgrade_to_head(f"sqlite:///{path}")
    effects = PlantedEffects()
    rng = np.random.default_rng(seed)
    connection = sqlite3.connect(path)
    connection.execute("DELETE FROM conversation_facts")
    for start in range(0, count, 100_000):
        rows = _rows(rng, effects, start, min(count, start + 100_000), count)
        marks = ",".join("?" * len(COLUMNS))
        connection.executemany(
            f"INSERT INTO conversation_facts ({','.join(COLUMNS)}) VALUES ({marks})", rows
        )
        connection.commit()
    connection.close()


def _rows(
    rng: np.random.Generator, effects: PlantedEffects, first: int, last: int, total: int
) -> list[Any]:
    n = last - first
    # Ids in the order conversations were opened, as in a real desk (and in `goodwill seed`):
    # a period's facts then sit together in the table, in id (rowid) order.
    ages = np.sort(rng.uniform(365 * (1 - last / total), 365 * (1 - first / total), n))[::-1]
    products, topics = list(effects.product), list(effects.topic)
    channels = list(effects.channel)
    product, topic = rng.integers(0, len(products), n), rng.integers(0, len(topics), n)
    channel = rng.integers(0, len(channels), n)
    slow = rng.random(n) < 0.17
    asked, greeted, thanked = rng.random(n) < 0.65, rng.random(n) < 0.68, rng.random(n) < 0.64
    reopens = (rng.random(n) < np.where(asked, 0.06, 0.16)).astype(int)
    transferred = rng.random(n) < 0.08
    broken, kept = rng.random(n) < 0.05, rng.random(n) < 0.18
    satisfaction = (
        effects.csat_base
        + np.array([effects.product[p] for p in products])[product]
        + np.array([effects.topic[t] for t in topics])[topic]
        + np.array([effects.channel[c] for c in channels])[channel]
        + effects.slow_first_reply * slow
        + effects.per_reopen * reopens
        + effects.broken_promise * broken
        + effects.kept_promise * (kept & ~broken)
        + effects.greeted_by_name * greeted
        + effects.asked_needs * asked
        + effects.thanked * thanked
        + effects.transferred * transferred
        + rng.normal(0, effects.csat_noise_sd, n)
    )
    csat = np.clip(np.floor(satisfaction + 0.5), 1, 5).astype(int)
    nps_latent = effects.nps_base + effects.nps_per_satisfaction * (
        satisfaction - effects.csat_base
    )
    nps = np.clip(np.floor(nps_latent + rng.normal(0, effects.nps_noise_sd, n) + 0.5), 0, 10)
    logit = effects.repurchase_intercept + effects.repurchase_per_satisfaction * (
        satisfaction - effects.csat_base
    )
    bought = rng.random(n) < 1 / (1 + np.exp(-logit))
    rated, nps_rated = rng.random(n) < 0.09, rng.random(n) < 0.02
    rows = []
    for i in range(n):
        opened = NOW - timedelta(days=float(ages[i]))
        decided = ages[i] > 121
        rows.append(
            (
                first + i + 1,
                first + i + 1,
                opened.strftime("%Y-%m-%d %H:%M:%S.%f"),
                opened.date().isoformat(),
                channels[channel[i]],
                "normal",
                "resolved",
                "new",
                int(product[i]) + 1,
                topics[topic[i]],
                int(slow[i]) * 20000 + 600,
                int(reopens[i]),
                int(transferred[i]),
                int(broken[i] or kept[i]),
                int(kept[i] and not broken[i]),
                int(broken[i]),
                int(greeted[i]),
                int(asked[i]),
                int(thanked[i]),
                int(csat[i]) if rated[i] else None,
                int(nps[i]) if nps_rated[i] else None,
                int(bought[i]) if decided else None,
                NOW.strftime("%Y-%m-%d %H:%M:%S.%f"),
                2,
                2,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                int(rated[i]),
                int(rated[i]),
            )
        )
    return rows


def timed(database: Database, call: Callable[[Session], Any], runs: int, *, cold: bool) -> Any:
    statements: list[str] = []
    engine = getattr(database, "read_engine", database.engine)
    samples, cpu = [], []
    event.listen(engine, "before_cursor_execute", lambda *_: statements.append(""))
    for _ in range(runs):
        if cold:
            clear_cache()
        started, started_cpu = time.perf_counter(), time.process_time()
        with database.reader() as session:
            call(session)
        samples.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return {
        "p50_ms": round(percentile(samples, 0.5), 1),
        "p95_ms": round(percentile(samples, 0.95), 1),
        "cpu_p50_ms": round(percentile(cpu, 0.5), 1),
        "statements_per_call": len(statements) / runs,
    }


def page_work(period: InsightFilter) -> Callable[[Session], Any]:
    def work(session: Session) -> Any:
        fitted = drivers(session, period)
        return [outcome_view(period, result) for result in fitted.results]

    return work


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True, help="path of the SQLite database file")
    parser.add_argument("--build", action="store_true", help="create and fill the file first")
    parser.add_argument("--conversations", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    if args.build:
        started = time.perf_counter()
        build(args.database, args.conversations)
        print(f"built {args.conversations} facts in {time.perf_counter() - started:.0f} s")
    database = Database(f"sqlite:///{args.database}")
    results: dict[str, Any] = {}
    today = NOW.date()
    for name, end in (("latest_30_days", today), ("30_days_150_days_back", today - timedelta(150))):
        period = InsightFilter(start=end - timedelta(days=29), end=end)
        with database.reader() as session:
            fitted = drivers(session, period)
        results[name] = {
            "period": [str(period.start), str(period.end)],
            "rows": {result.outcome: result.n for result in fitted.results},
            "cold": timed(database, page_work(period), max(3, args.runs // 4), cold=True),
            "warm": timed(database, page_work(period), args.runs, cold=False),
        }
    database.dispose()
    print(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    main()
