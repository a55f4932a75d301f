"""Every insights page and its API twin through a real server, at the default period (the last
30 days), on a seeded database with facts: p50/p95 latency and the server's memory.

    goodwill seed --conversations 1000000        # with GOODWILL_DATABASE_URL pointing at the file
    goodwill insights rebuild                    # facts and the daily rollup
    python benchmarks/insights_pages.py --database PATH [--requests 20]

Requests run one at a time (latency, not throughput), after two warm-ups each. The drill-down
rotates over conditions (CSAT <= 2, SLA breached, reopened, a channel) and pages. Server RSS is
read after every request; the peak is reported, and again while the CSV and Parquet exports of
the last 30 and 365 days stream to nowhere. Prints JSON and writes benchmarks/out/insights_pages.json.
"""

import argparse
import json
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
from harness import OUT, admin_token, percentile, rss_megabytes, running_server
from read_paths import session_cookie, sizes

from goodwill.web.sessions import SESSION_COOKIE

DRILLS = (
    "col=csat&op=le&val=2",
    "col=sla_breached&op=true",
    "col=reopens&op=gt&val=0",
    "col=channel&op=eq&val=chat",
)


def scenarios() -> dict[str, Callable[[int], str]]:
    pages = {
        f"{name} page": (lambda path: lambda n: path)(f"/insights/{name}")
        for name in ("service", "satisfaction", "quality", "drivers", "causes", "exports")
    }
    apis = {
        f"{name} API": (lambda path: lambda n: path)(f"/api/v1/insights/{name}")
        for name in ("service", "satisfaction", "quality", "causes")
    }
    return {
        **pages,
        **apis,
        "satisfaction retention card (loaded after the page)": lambda n: (
            "/insights/satisfaction/retention"
        ),
        "drivers API (csat)": lambda n: "/api/v1/insights/drivers?outcome=csat",
        "drill-down page": lambda n: f"/insights/conversations?{DRILLS[n % 4]}&page={1 + n % 3}",
        "drill-down API": lambda n: f"/api/v1/insights/conversations?{DRILLS[n % 4]}",
    }


def measure(
    client: httpx.Client, make_path: Callable[[int], str], count: int, pid: int
) -> dict[str, float]:
    timings, peak = [], 0.0
    for n in range(count):
        path = make_path(n)
        began = time.perf_counter()
        answer = client.get(path)
        timings.append((time.perf_counter() - began) * 1000)
        if answer.status_code != 200:
            raise RuntimeError(f"GET {path} answered {answer.status_code}: {answer.text[:200]}")
        peak = max(peak, rss_megabytes(pid))
    return {
        "p50_ms": round(percentile(timings, 0.5), 1),
        "p95_ms": round(percentile(timings, 0.95), 1),
        "server_rss_peak_mb": round(peak, 1),
    }


def stream_export(client: httpx.Client, pid: int, path: str) -> dict[str, float]:
    began, size, peak = time.perf_counter(), 0, 0.0
    with client.stream("GET", path) as answer:
        for chunk in answer.iter_bytes():
            size += len(chunk)
            peak = max(peak, rss_megabytes(pid))
    return {
        "seconds": round(time.perf_counter() - began, 1),
        "megabytes": round(size / 1e6, 1),
        "server_rss_peak_mb": round(peak, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", required=True, help="path of a seeded SQLite file")
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    url = f"sqlite:///{args.database}"
    token = admin_token(url)
    results: dict[str, object] = {"data": sizes(url)}
    with running_server(url) as (base, process):
        headers = {"Authorization": f"Bearer {token}"}
        cookies = {SESSION_COOKIE: session_cookie(url)}
        with httpx.Client(base_url=base, headers=headers, cookies=cookies, timeout=120) as client:
            results["server_rss_start_mb"] = round(rss_megabytes(process.pid), 1)
            for name, make_path in scenarios().items():
                measure(client, make_path, 2, process.pid)  # warm up
                results[name] = measure(client, make_path, args.requests, process.pid)
                print(name, results[name], flush=True)
            today = datetime.now(UTC).date()
            year = f"start={(today - timedelta(days=364)).isoformat()}"
            for fmt in ("csv", "parquet"):
                for label, query in (("last 30 days", ""), ("last 365 days", year)):
                    path = f"/api/v1/insights/export.{fmt}?{query}"
                    results[f"export.{fmt} ({label})"] = found = stream_export(
                        client, process.pid, path
                    )
                    print(path, found, flush=True)
    OUT.mkdir(exist_ok=True)
    (OUT / "insights_pages.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
