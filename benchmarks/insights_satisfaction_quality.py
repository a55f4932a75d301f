"""Latency of the Satisfaction and Quality dashboard services on a large SQLite database.

    goodwill seed --conversations 1000000        # with GOODWILL_DATABASE_URL pointing at the file
    goodwill insights rebuild                    # fill conversation_facts
    python benchmarks/insights_satisfaction_quality.py --database PATH [--runs 20] [--days 30]

Times `satisfaction_dashboard` and `quality_dashboard` (the services the pages, the API and the
CSV exports call) in-process, one call at a time, over the last `--days` days of facts (ending on
the latest `opened_on`), unfiltered and narrowed to the busiest team; p50 and p95 of wall time
and p50 of this process's CPU time in ms (SQLite runs in-process, so CPU time is the work; wall
time adds the waits of a shared machine), and the SQL statements per call. Prints JSON and writes benchmarks/out/insights_satisfaction_quality.json.

Without a seeded database, `--synthesize N` first fills a NEW file with N random facts over 365
days (and 0.3 N orders) straight into the tables, so the dashboards' SQL can be timed at 1M:

    python benchmarks/insights_satisfaction_quality.py --database /tmp/facts.db --synthesize 1000000
"""

import argparse
import json
import random
import sqlite3
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from harness import OUT, percentile
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from goodwill.core.db import Database
from goodwill.insights.filters import InsightFilter
from goodwill.insights.models import ConversationFact as F
from goodwill.insights.query import fact_conditions
from goodwill.insights.services.quality_dashboard import quality_dashboard
from goodwill.insights.services.satisfaction_dashboard import satisfaction_dashboard
from goodwill.schema import upgrade_to_head

Service = Callable[[Session, InsightFilter, datetime], Any]


STEPS = ("acknowledgement", "rapport", "needs", "solution", "gratitude")
FAILURES = ("not_listening", "ignored", "promise_broken", "lacking_knowledge", "no_follow_up")
LAST_DAY = datetime(2026, 11, 23, tzinfo=UTC)


def synthesize(path: str, count: int) -> None:
    """Random but plausible facts (one per conversation id 1..count) and orders, into a new file
    (foreign keys off: conversations and customers are not created)."""
    url = f"sqlite:///{path}"
    upgrade_to_head(url)
    connection = sqlite3.connect(path)
    if connection.execute("SELECT count(*) FROM conversation_facts").fetchone()[0]:
        raise SystemExit(f"{path} already has facts: --synthesize needs a new file")
    rng = random.Random(7)
    columns = list(fact_row(rng, 1, count))
    sql = (
        f"INSERT INTO conversation_facts ({', '.join(columns)}) "
        f"VALUES ({', '.join('?' for _ in columns)})"
    )
    for start in range(1, count + 1, 50_000):
        rows = [
            tuple(fact_row(rng, i, count).values())
            for i in range(start, min(count, start + 49_999) + 1)
        ]
        connection.executemany(sql, rows)
        connection.commit()
    orders = [
        (rng.randint(1, count * 2 // 5), stamp(LAST_DAY - timedelta(days=rng.uniform(0, 365))))
        for _ in range(count * 3 // 10)
    ]
    connection.executemany(
        "INSERT INTO orders (customer_id, ordered_at, amount_cents, currency) "
        "VALUES (?, ?, 1000, 'USD')",
        orders,
    )
    connection.commit()
    connection.close()


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def fact_row(rng: random.Random, ident: int, count: int) -> dict[str, object]:
    opened = LAST_DAY - timedelta(days=365 * (count - ident) / count, minutes=rng.uniform(0, 60))
    resolved = rng.random() < 0.85
    rated = resolved and rng.random() < 0.3
    scored = rng.random() < 0.8
    agent = rng.randint(1, 12) if rng.random() < 0.95 else None  # as `goodwill seed` makes them
    row: dict[str, object] = {
        "conversation_id": ident,
        "customer_id": rng.randint(1, count * 2 // 5),
        "opened_at": stamp(opened),
        "opened_on": opened.date().isoformat(),
        "channel": rng.choice(("email", "chat", "web_form", "phone", "social", "sms")),
        "priority": "normal",
        "status": "resolved" if resolved else "open",
        "team_id": 1 + agent % 3 if agent else None,
        "agent_id": agent,
        "product_id": rng.randint(1, 6) if rng.random() < 0.7 else None,
        "topic": rng.choice(("delivery", "refund", "billing", "product")),
        "segment": rng.choice(("new", "returning")),
        "resolved_at": stamp(opened + timedelta(hours=5)) if resolved else None,
        "survey_sent": int(resolved and rng.random() < 0.6),
        "survey_answered": int(rated),
        "csat": rng.randint(1, 5) if rated else None,
        "ces": rng.randint(1, 7) if rated else None,
        "nps": rng.randint(0, 10) if rated and rng.random() < 0.5 else None,
        "predicted_csat": rng.uniform(1, 5) if resolved and not rated else None,
        "sentiment_start": rng.uniform(-1, 1),
        "sentiment_end": rng.uniform(-1, 1),
        "repurchased": rng.choice((0, 1, None)) if resolved else None,
        "quality_total": rng.randint(0, 100) if scored else None,
        "refreshed_at": stamp(LAST_DAY),
    }
    zero = (
        "customer_messages agent_messages reopens transfers first_contact_resolution sla_applies "
        "sla_breached first_response_breached resolution_breached promises_made promises_kept "
        "promises_broken"
    )
    row |= dict.fromkeys(zero.split(), 0)
    for step in STEPS:
        row[f"step_{step}"] = rng.choice(("done", "done", "missed", "na")) if scored else None
    for mode in FAILURES:
        row[f"failure_{mode}"] = int(scored and rng.random() < 0.05)
    return row


def period(session: Session, days: int) -> InsightFilter:
    last = session.scalar(select(func.max(F.opened_on)))
    if last is None:
        raise SystemExit("conversation_facts is empty: run `goodwill insights rebuild` first")
    return InsightFilter(start=last - timedelta(days=days - 1), end=last)


def busiest_team(session: Session, insight_filter: InsightFilter) -> int | None:
    query = (
        select(F.team_id)
        .where(*fact_conditions(insight_filter), F.team_id.is_not(None))
        .group_by(F.team_id)
        .order_by(func.count().desc())
        .limit(1)
    )
    return session.scalar(query)


def measure(
    database: Database, service: Service, insight_filter: InsightFilter, runs: int
) -> dict[str, float]:
    now = datetime.combine(insight_filter.end + timedelta(days=1), datetime.min.time(), UTC)
    timings: list[float] = []
    cpu: list[float] = []
    statements: list[int] = []
    engine = getattr(database, "read_engine", database.engine)  # SQLite reads on their own engine
    for _ in range(runs):
        seen: list[str] = []

        def count(*_args: object, seen: list[str] = seen) -> None:
            seen.append("")

        event.listen(engine, "before_cursor_execute", count)
        try:
            with database.reader() as session:
                started, cpu_started = time.perf_counter(), time.process_time()
                service(session, insight_filter, now)
                timings.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - cpu_started) * 1000)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        statements.append(len(seen))
    return {
        "p50_ms": round(percentile(timings, 0.5), 1),
        "p95_ms": round(percentile(timings, 0.95), 1),
        "max_ms": round(max(timings), 1),
        "cpu_p50_ms": round(percentile(cpu, 0.5), 1),  # this process only: less noisy when shared
        "statements": max(statements),  # BEGIN included
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", required=True, help="path of the SQLite database file")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--synthesize", type=int, default=0, help="fill a new file with N facts")
    args = parser.parse_args()
    if args.synthesize:
        synthesize(args.database, args.synthesize)
    database = Database(f"sqlite:///{args.database}")
    with database.reader() as session:
        whole = period(session, args.days)
        facts = session.scalar(select(func.count()).where(*fact_conditions(whole))) or 0
        total = session.scalar(select(func.count()).select_from(F)) or 0
        team = busiest_team(session, whole)
    filters = {"all": whole}
    if team is not None:
        filters["team"] = InsightFilter(start=whole.start, end=whole.end, team_id=team)
    results: dict[str, Any] = {
        "database": args.database,
        "facts": total,
        "period": f"{whole.start} to {whole.end}",
        "facts_in_period": facts,
        "runs": args.runs,
    }
    for name, service in (("satisfaction", satisfaction_dashboard), ("quality", quality_dashboard)):
        for label, insight_filter in filters.items():
            measure(database, service, insight_filter, 1)  # warm the page cache
            results[f"{name}_{label}"] = measure(database, service, insight_filter, args.runs)
    database.dispose()
    print(json.dumps(results, indent=2))
    OUT.mkdir(exist_ok=True)
    (OUT / "insights_satisfaction_quality.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
