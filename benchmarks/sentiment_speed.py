"""Speed of the sentiment model: customer messages scored per second on one core.

    PYTHONPATH=src python benchmarks/sentiment_speed.py [--rounds 3] [--batch 512]
    PYTHONPATH=src python benchmarks/sentiment_speed.py --database sqlite:////tmp/seeded.db

Scores the real customer tweets of ../shared/data (twcs samples and the IBM customer-care
conversations; 10,000+ messages) in batches, as `satisfaction.score_sentiment` does, with no I/O
in the timed loop. The first round starts with an empty token cache (a fresh process), so it is
the cold figure; later rounds are warm. Clock: process CPU time, so other work on a shared
machine does not count. Target: >= 5,000 messages/s per core. Writes out/sentiment_speed.json.

With --database (a migrated, seeded database, e.g. `goodwill seed --conversations 5000`), it
instead runs the scoring service as the job does, one transaction per batch of 2,000, until
every customer message is scored, and reports wall-clock messages/s including the database."""

import argparse
import csv
import json
import platform
import time
from datetime import UTC, datetime
from pathlib import Path

import goodwill.all_models  # noqa: F401  (every table, so foreign keys resolve)
from goodwill.core.db import Database
from goodwill.satisfaction.sentiment import builtin_model
from goodwill.satisfaction.services.sentiment import score_messages

DATA = Path("/work/shared/data")
OUT = Path(__file__).resolve().parent / "out"


def messages() -> list[str]:
    texts = []
    for name in ("twcs_head5000.csv", "twcs_random5000.csv"):
        with (DATA / "twcs_sample" / name).open("rb") as handle:
            lines = (line.decode("utf-8").replace("\r", " ") for line in handle)
            texts += [row["text"] or "" for row in csv.DictReader(lines)]
    for name in ("dev.json", "test.json"):
        path = DATA / "twitter_customer_care_ibm" / name
        for conversation in json.loads(path.read_text(encoding="utf-8")):
            texts += [turn.get("message", "") for turn in conversation["dialogContent"]]
    return texts


def through_database(url: str) -> dict[str, object]:
    database = Database(url)
    scored, batches = 0, 0
    started = time.perf_counter()
    more = True
    while more:
        with database.transaction() as session:
            result = score_messages(session, now=datetime.now(UTC))
        scored, batches, more = scored + result.scored, batches + 1, result.more
    seconds = time.perf_counter() - started
    database.dispose()
    return {
        "database": url.split(":")[0],
        "scored": scored,
        "transactions": batches,
        "seconds": round(seconds, 2),
        "messages_per_s": round(scored / seconds),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batch", type=int, default=512)
    parser.add_argument("--database", help="score a seeded database with the job's service")
    args = parser.parse_args()
    if args.database:
        print(json.dumps(through_database(args.database), indent=2))
        return
    texts = messages()
    model = builtin_model()
    rates = []
    for _ in range(args.rounds):
        started = time.process_time()
        for start in range(0, len(texts), args.batch):
            model.predict(texts[start : start + args.batch])
        rates.append(len(texts) / (time.process_time() - started))
    result = {
        "messages": len(texts),
        "batch": args.batch,
        "cold_messages_per_s": round(rates[0]),
        "warm_messages_per_s": round(max(rates)),
        "machine": f"{platform.processor() or platform.machine()}, {platform.python_version()}",
    }
    OUT.mkdir(exist_ok=True)
    (OUT / "sentiment_speed.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
