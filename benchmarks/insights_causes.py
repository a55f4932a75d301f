"""Latency of the Root cause dashboard service on a large SQLite database.

    goodwill seed --conversations 1000000        # with GOODWILL_DATABASE_URL pointing at the file
    goodwill insights rebuild                    # fill conversation_facts (and their causes)
    python benchmarks/insights_causes.py --database PATH [--runs 20] [--days 30]

Times `causes_dashboard` (what the page, the API and the CSV exports call) in-process, one call at
a time, over the last `--days` days of facts, unfiltered and narrowed to the busiest team; p50
and p95 in ms and the SQL statements per call. Prints JSON and writes
benchmarks/out/insights_causes.json.

Without a seeded database, `--synthesize N` fills a NEW file with N random facts over 365 days
(insights_satisfaction_quality.synthesize), gives every unhappy one a cause and a detail, and adds
N / 10 reviews (a third of them low-rated, with causes). Conversations are not created there
(the list of the latest unhappy conversations then shows empty subjects).
"""

import argparse
import json
import random
import sqlite3
from datetime import timedelta
from typing import Any

from harness import OUT
from insights_satisfaction_quality import LAST_DAY, busiest_team, measure, period, stamp, synthesize
from sqlalchemy import func, select

from goodwill.core.db import Database
from goodwill.insights.filters import InsightFilter
from goodwill.insights.models import ConversationFact as F
from goodwill.insights.query import fact_conditions
from goodwill.insights.services.causes import causes_dashboard, unhappy_condition

DETAILS = (
    ("service", "attitude"),
    ("service", "slow_or_ignored"),
    ("service", "no_follow_up"),
    ("product", "defect"),
    ("product", "quality"),
    ("product", "delivery_operations"),
    ("policy", "policy"),
    ("none", None),
)


def add_causes(path: str, count: int) -> None:
    """Causes on the unhappy facts (by conversation id, so repeatable) and N / 10 reviews."""
    database = Database(f"sqlite:///{path}")
    with database.reader() as session:
        unhappy = list(session.scalars(select(F.conversation_id).where(unhappy_condition())))
    database.dispose()
    connection = sqlite3.connect(path)
    connection.executemany(
        "UPDATE conversation_facts SET cause = ?, cause_detail = ?, cause_evidence = ? "
        "WHERE conversation_id = ?",
        ((*DETAILS[ident % len(DETAILS)], "synthetic", ident) for ident in unhappy),
    )
    rng = random.Random(11)
    reviews = []
    for number in range(count // 10):
        low = rng.random() < 0.33
        cause, detail = DETAILS[number % len(DETAILS)] if low else (None, None)
        reviewed = LAST_DAY - timedelta(days=rng.uniform(0, 365))
        reviews.append(
            (rng.randint(1, 2) if low else rng.randint(3, 5), stamp(reviewed), cause, detail)
        )
    connection.executemany(
        "INSERT INTO reviews (rating, rating_scale, text, source, reviewed_at, title, cause, "
        "cause_detail) VALUES (?, 5, 'synthetic', 'import', ?, '', ?, ?)",
        reviews,
    )
    connection.commit()
    connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", required=True, help="path of the SQLite database file")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--synthesize", type=int, default=0, help="fill a new file with N facts")
    args = parser.parse_args()
    if args.synthesize:
        synthesize(args.database, args.synthesize)
        add_causes(args.database, args.synthesize)
    database = Database(f"sqlite:///{args.database}")
    with database.reader() as session:
        whole = period(session, args.days)
        in_period = session.scalar(select(func.count()).where(*fact_conditions(whole))) or 0
        unhappy = (
            session.scalar(select(func.count()).where(*fact_conditions(whole), unhappy_condition()))
            or 0
        )
        total = session.scalar(select(func.count()).select_from(F)) or 0
        team = busiest_team(session, whole)
    filters = {"all": whole}
    if team is not None:
        filters["team"] = InsightFilter(start=whole.start, end=whole.end, team_id=team)
    results: dict[str, Any] = {
        "database": args.database,
        "facts": total,
        "period": f"{whole.start} to {whole.end}",
        "facts_in_period": in_period,
        "unhappy_in_period": unhappy,
        "runs": args.runs,
    }
    for name, insight_filter in filters.items():
        measure(database, causes_dashboard, insight_filter, 1)  # warm-up
        results[f"causes_{name}"] = measure(database, causes_dashboard, insight_filter, args.runs)
    database.dispose()
    OUT.mkdir(exist_ok=True)
    (OUT / "insights_causes.json").write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
