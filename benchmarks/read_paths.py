"""Latency of the inbox page, the list API and search on a large SQLite database, and server RSS.

    goodwill seed --conversations 1000000        # with GOODWILL_DATABASE_URL pointing at the file
    python benchmarks/read_paths.py --database PATH [--requests 100]

Requests run one at a time (latency, not throughput); p50 and p90 in milliseconds.
"""

import argparse
import json
import random
import time
from collections.abc import Callable

import httpx
from harness import SECRET, admin_token, percentile, rss_megabytes, running_server
from sqlalchemy import create_engine, func, select

from goodwill.agents.models import Agent
from goodwill.conversations.models import Conversation, Message
from goodwill.customers.models import Customer
from goodwill.web.sessions import SESSION_COOKIE, SessionSigner

SEARCH_WORDS = [
    "refund",
    "delivery",
    "charger",
    "invoice",
    "broken",
    "password",
    "tracking",
    "replacement",
    "damaged",
    "subscription",
]


def sizes(url: str) -> dict[str, int]:
    engine = create_engine(url)
    with engine.connect() as connection:
        counts = {
            "conversations": connection.scalar(select(func.max(Conversation.id))) or 0,
            "messages": connection.scalar(select(func.max(Message.id))) or 0,
            "customers": connection.scalar(select(func.max(Customer.id))) or 0,
        }
    engine.dispose()
    return counts


def session_cookie(url: str) -> str:
    engine = create_engine(url)
    with engine.connect() as connection:
        agent_id, version = connection.execute(
            select(Agent.id, Agent.session_version).where(Agent.email == "bench@goodwill.example")
        ).one()
    engine.dispose()
    return SessionSigner(SECRET, max_age_seconds=3600).dumps(agent_id=agent_id, version=version)


def measure(client: httpx.Client, make_path: Callable[[int], str], count: int) -> dict[str, float]:
    timings = []
    for n in range(count):
        path = make_path(n)
        began = time.perf_counter()
        answer = client.get(path)
        timings.append((time.perf_counter() - began) * 1000)
        if answer.status_code != 200:
            raise RuntimeError(f"GET {path} answered {answer.status_code}: {answer.text[:200]}")
    return {
        "p50_ms": round(percentile(timings, 0.5), 1),
        "p90_ms": round(percentile(timings, 0.9), 1),
    }


def scenarios(counts: dict[str, int]) -> dict[str, Callable[[int], str]]:
    rng = random.Random(7)
    views = ["open", "unassigned", "mine", "breaching_soon", "waiting", "all"]
    return {
        "inbox page (views rotate)": lambda n: f"/inbox?view={views[n % len(views)]}",
        "list API, open": lambda n: "/api/v1/conversations?view=open&limit=25",
        "list API, all, filtered by channel": lambda n: (
            "/api/v1/conversations?channel=chat&limit=25"
        ),
        "list API, one customer": lambda n: (
            f"/api/v1/conversations?customer_id={rng.randint(1, counts['customers'])}"
        ),
        "search API": lambda n: (
            f"/api/v1/conversations/search?q={SEARCH_WORDS[n % len(SEARCH_WORDS)]}"
        ),
        "search page": lambda n: f"/search?q={SEARCH_WORDS[(n + 3) % len(SEARCH_WORDS)]}",
        "conversation page": lambda n: f"/conversations/{rng.randint(1, counts['conversations'])}",
        "customer page": lambda n: f"/customers/{rng.randint(1, counts['customers'])}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", required=True, help="path of a seeded SQLite file")
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args()
    url = f"sqlite:///{args.database}"
    token = admin_token(url)
    counts = sizes(url)
    results: dict[str, object] = {"data": counts}
    with running_server(url) as (base, process):
        headers = {"Authorization": f"Bearer {token}"}
        cookies = {SESSION_COOKIE: session_cookie(url)}
        with httpx.Client(base_url=base, headers=headers, cookies=cookies, timeout=30) as client:
            for name, make_path in scenarios(counts).items():
                measure(client, make_path, 5)  # warm up
                results[name] = measure(client, make_path, args.requests)
        results["server_rss_mb"] = round(rss_megabytes(process.pid), 1)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
