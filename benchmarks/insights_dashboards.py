"""Latency of the service dashboard and the drill-down, in process, on a seeded database.

    goodwill seed --conversations 1000000          # GOODWILL_DATABASE_URL pointing at the file
    goodwill insights rebuild                # fill conversation_facts once
    python benchmarks/insights_dashboards.py --database PATH [--runs 20] [--days 30]

The period is the last `--days` days of the facts (up to the newest opened_on). Each function
runs `--runs` times after one warm-up, in one read-only session each time, as a page would;
p50 and p95 in milliseconds, with the number of facts in the period and SQL statements per call.
"""

import argparse
import json
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from harness import percentile
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from goodwill.core.db import Database
from goodwill.insights.drill import DrillCondition, DrillRequest, Op
from goodwill.insights.filters import InsightFilter
from goodwill.insights.models import ConversationFact
from goodwill.insights.query import fact_conditions
from goodwill.insights.services.drill import drill_conversations
from goodwill.insights.services.service_dashboard import load_service_dashboard
from goodwill.insights.services.service_view import service_view

DRILLS = {
    "drill_all": DrillRequest(),
    "drill_sla_breached": DrillRequest(condition=DrillCondition("sla_breached", Op.TRUE)),
    "drill_reopened": DrillRequest(condition=DrillCondition("reopens", Op.GT, 0)),
    "drill_backlog": DrillRequest(backlog=True),
    "drill_page_20": DrillRequest(page=20),
}


def timed(database: Database, call: Callable[[Session], Any], runs: int) -> dict[str, float]:
    statements: list[str] = []

    def count(*_args: Any) -> None:
        statements.append("")

    with database.reader() as session:
        call(session)  # warm-up: caches, page cache
    samples = []
    engine = getattr(database, "read_engine", database.engine)
    event.listen(engine, "before_cursor_execute", count)
    try:
        for _ in range(runs):
            started = time.perf_counter()
            with database.reader() as session:
                call(session)
            samples.append((time.perf_counter() - started) * 1000)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return {
        "p50_ms": round(percentile(samples, 0.5), 1),
        "p95_ms": round(percentile(samples, 0.95), 1),
        "statements_per_call": len(statements) / runs,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True, help="path of the SQLite database file")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--days", type=int, default=30)
    args = parser.parse_args()
    database = Database(f"sqlite:///{args.database}")
    with database.reader() as session:
        newest = session.scalar(select(func.max(ConversationFact.opened_on)))
        if newest is None:
            raise SystemExit("conversation_facts is empty: run `goodwill insights rebuild`")
        period = InsightFilter(start=newest - timedelta(days=args.days - 1), end=newest)
        facts = session.scalar(
            select(func.count()).select_from(ConversationFact).where(*fact_conditions(period))
        )
    now = datetime.combine(newest + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    results: dict[str, Any] = {"period": [str(period.start), str(period.end)], "facts": facts}
    results["service_dashboard"] = timed(
        database, lambda s: service_view(load_service_dashboard(s, period, now)), args.runs
    )
    for name, request in DRILLS.items():
        results[name] = timed(
            database,
            lambda s, r=request: drill_conversations(s, period, r, now),  # type: ignore[misc]
            args.runs,
        )
    database.dispose()
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
