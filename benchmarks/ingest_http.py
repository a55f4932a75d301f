"""Ingest through the HTTP API on SQLite: messages/s, one by one (wrk) and by bulk import.

    python benchmarks/ingest_http.py [--seconds 20] [--workers 2]

Needs Debian's `wrk` for the one-by-one load (apt-get install wrk).
"""

import argparse
import json
import re
import shutil
import subprocess
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from harness import OUT, admin_token, rss_megabytes, running_server

WRK_SCRIPT = """
counter = 0
math.randomseed(os.time())
request = function()
  counter = counter + 1
  local id = math.random(1, 1000000000)
  local body = string.format('{"subject": "Order %d has not arrived", "channel": "email", '
    .. '"customer": {"value": "buyer%d@example.com", "name": "Sam Buyer"}, '
    .. '"message": {"body_text": "Hello, my order %d was due on Monday and has not arrived. '
    .. 'Can you tell me where it is?"}}', id, id % 50000, id)
  return wrk.format("POST", "/api/v1/conversations", wrk.headers, body)
end
"""


def run_wrk(base: str, token: str, seconds: int, out: Path) -> float:
    script = out / "post_conversation.lua"
    script.write_text(
        WRK_SCRIPT + f'wrk.headers["Authorization"] = "Bearer {token}"\n'
        'wrk.headers["Content-Type"] = "application/json"\n'
    )
    result = subprocess.run(
        ["wrk", "-t2", "-c16", f"-d{seconds}s", "-s", str(script), base],
        capture_output=True,
        text=True,
        check=True,
    )
    (out / "wrk.txt").write_text(result.stdout)
    match = re.search(r"Requests/sec:\s+([\d.]+)", result.stdout)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", result.stdout)
    if non_2xx:
        raise RuntimeError(f"{non_2xx.group(1)} requests failed; see {out / 'wrk.txt'}")
    return float(match.group(1)) if match else 0.0


def import_batch(batch: int, size: int) -> dict[str, object]:
    start = datetime.now(UTC) - timedelta(days=30)
    conversations = []
    for n in range(size):
        number = batch * size + n
        at = start + timedelta(minutes=number % 40000)
        conversations.append(
            {
                "subject": f"Refund for order {number}",
                "customer": {
                    "value": f"importer{number % 20000}@example.com",
                    "name": "Kim Importer",
                },
                "status": "resolved",
                "messages": [
                    {
                        "kind": "customer" if j % 2 == 0 else "reply",
                        "body_text": f"Message {j} about the refund for order {number}, thanks.",
                        "created_at": (at + timedelta(hours=j)).isoformat(),
                        "external_id": f"bench-{number}-{j}",
                    }
                    for j in range(4)
                ],
            }
        )
    return {"conversations": conversations}


def run_imports(base: str, token: str, seconds: int, threads: int = 2, size: int = 100) -> float:
    counter = iter(range(10**9))
    lock = threading.Lock()
    sent = [0]
    deadline = time.monotonic() + seconds

    def loop() -> None:
        with httpx.Client(
            base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60
        ) as client:
            while time.monotonic() < deadline:
                with lock:
                    batch = next(counter)
                answer = client.post(
                    "/api/v1/imports/conversations", json=import_batch(batch, size)
                )
                answer.raise_for_status()
                with lock:
                    sent[0] += int(answer.json()["imported_messages"])

    began = time.monotonic()
    workers = [threading.Thread(target=loop) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sent[0] / (time.monotonic() - began)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2, help="server processes")
    args = parser.parse_args()
    out = OUT / f"ingest-{int(time.time())}"
    out.mkdir(parents=True)
    url = f"sqlite:///{out / 'ingest.db'}"
    token = admin_token(url)
    results: dict[str, float] = {}
    with running_server(url, workers=args.workers) as (base, process):
        if shutil.which("wrk"):
            results["one_by_one_messages_per_s"] = run_wrk(base, token, args.seconds, out)
        results["bulk_import_messages_per_s"] = run_imports(base, token, args.seconds)
        results["server_rss_mb"] = rss_megabytes(process.pid)
    results["server_processes"] = args.workers
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
