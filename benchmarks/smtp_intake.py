"""SMTP intake on SQLite: accepted messages/s from concurrent smtplib clients, then filing speed.

    PYTHONPATH=src python benchmarks/smtp_intake.py [--messages 5000] [--clients 8]

Starts `goodwill smtpd` as its own process on a fresh SQLite database (default settings, WAL),
sends N messages from K client threads that each keep one session open for many messages (as
a mail server relaying to us does), counts the rows afterwards, and then times the worker
turning them into conversations (the `mail.process_inbound` jobs) when that handler exists.
"""

import argparse
import json
import logging
import os
import smtplib
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from harness import OUT, SECRET, free_port, percentile, rss_megabytes
from sqlalchemy import Select, func, select

from goodwill.conversations.services.messages import DELIVER_JOB
from goodwill.core.clock import SystemClock
from goodwill.core.db import Database
from goodwill.core.jobs.models import Job, JobStatus
from goodwill.core.jobs.registry import find_handler
from goodwill.core.jobs.worker import Worker
from goodwill.mail.models import InboundMail
from goodwill.mail.services.accept import PROCESS_INBOUND_JOB
from goodwill.schema import upgrade_to_head
from goodwill.settings import Settings

SUPPORT = "support@goodwill.example"
CUSTOMERS = 1000
PARAGRAPH = (
    "Hello, I ordered the stainless steel kettle on Monday and it arrived yesterday, but it "
    "switches itself off after a few seconds and the light blinks red. I tried another socket "
    "and descaled it as the manual says. Could you tell me what to do, or send a replacement? "
)


def build_message(number: int) -> bytes:
    """A realistic ~3 KB customer email: relay headers, text and HTML alternatives."""
    customer = f"customer{number % CUSTOMERS}@mail.example"
    message = EmailMessage()
    message["Received"] = "from mx.mail.example (mx.mail.example [192.0.2.7]) by goodwill.example"
    message["From"] = f"Customer {number % CUSTOMERS} <{customer}>"
    message["To"] = SUPPORT
    message["Subject"] = f"Order {100000 + number}: kettle switches itself off"
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(f"bench{number}", "mail.example")
    message.set_content(PARAGRAPH * 3 + f"\nOrder {100000 + number}\n\nThanks,\nCustomer")
    message.add_alternative(f"<html><body><p>{PARAGRAPH * 3}</p></body></html>", subtype="html")
    return message.as_bytes()


def start_server(url: str, port: int, log_path: Path) -> subprocess.Popen[bytes]:
    env = os.environ | {"GOODWILL_DATABASE_URL": url, "GOODWILL_SECRET_KEY": SECRET}
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "goodwill.cli", "smtpd", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            smtplib.SMTP("127.0.0.1", port, timeout=2).quit()
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"goodwill smtpd did not start; see {log_path}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (from /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def send_all(port: int, messages: list[bytes], clients: int) -> tuple[float, list[float]]:
    """Send every message over `clients` long sessions; returns (seconds, per-message latencies)."""
    latencies: list[float] = []
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)

    def session(index: int) -> None:
        mine = messages[index::clients]
        timings: list[float] = []
        with smtplib.SMTP("127.0.0.1", port, timeout=60) as client:
            client.ehlo("mx.mail.example")
            start.wait()
            for raw in mine:
                began = time.perf_counter()
                refused = client.sendmail("bounce@mail.example", [SUPPORT], raw)
                timings.append(time.perf_counter() - began)
                if refused:
                    raise RuntimeError(f"refused: {refused}")
        with lock:
            latencies.extend(timings)

    with ThreadPoolExecutor(clients) as pool:
        futures = [pool.submit(session, index) for index in range(clients)]
        start.wait()
        began = time.perf_counter()
        for future in futures:
            future.result()
        return time.perf_counter() - began, latencies


def count_rows(database: Database) -> int:
    with database.reader() as session:
        return int(session.scalar(select(func.count()).select_from(InboundMail)) or 0)


def jobs_by_state(database: Database) -> dict[str, int]:
    with database.reader() as session:
        rows = session.execute(
            select(Job.name, Job.status, func.count()).group_by(Job.name, Job.status)
        ).all()
    return {f"{name} {status}": int(count) for name, status, count in rows}


def run_worker_until(worker: Worker, remaining: Select[int]) -> tuple[int, float, float]:
    """Run due jobs until `remaining` counts none; returns (jobs run, seconds, CPU seconds)."""
    began, cpu_began = time.perf_counter(), time.process_time()
    ran = 0
    while True:
        with worker.database.reader() as session:
            if not session.scalar(remaining):
                break
        claimed = worker.claim(worker.batch_size)
        for item in claimed:
            worker.run_claimed(item)
        ran += len(claimed)
        if not claimed:
            time.sleep(0.05)  # what is left waits for a retry
    return ran, time.perf_counter() - began, time.process_time() - cpu_began


def unfinished(name: str | None = None) -> Select[int]:
    query = select(func.count()).where(Job.status.in_([JobStatus.QUEUED, JobStatus.RUNNING]))
    return query.where(Job.name == name) if name else query


def file_everything(url: str, log_path: Path) -> dict[str, object] | None:
    """Time the worker filing every stored mail (mail.process_inbound), then delivering the
    acknowledgements that queued (to the capturing sender); None without the handler."""
    import goodwill.jobs_index  # noqa: F401  (registers the handlers)

    if find_handler(PROCESS_INBOUND_JOB) is None:
        return None
    logging.basicConfig(filename=log_path, level=logging.INFO, force=True)
    database = Database(url)
    settings = Settings(
        database_url=url,
        secret_key=SECRET,
        email_backend="capture",
        _env_file=None,
    )
    worker = Worker(database, clock=SystemClock(), settings=settings)
    filing = run_worker_until(worker, unfinished(PROCESS_INBOUND_JOB))
    delivering = run_worker_until(worker, unfinished())
    jobs = jobs_by_state(database)
    database.dispose()
    filed = jobs.get(f"{PROCESS_INBOUND_JOB} {JobStatus.DONE}", 0)
    delivered = jobs.get(f"{DELIVER_JOB} {JobStatus.DONE}", 0)
    return {
        "filing_seconds": round(filing[1], 2),
        "inbound_filed_per_s": round(filed / filing[1], 1),
        "filing_cpu_ms_per_message": round(filing[2] * 1000 / max(filed, 1), 2),
        "then_delivery_seconds": round(delivering[1], 2),
        "acknowledgements_delivered_per_s": round(delivered / max(delivering[1], 1e-9), 1),
        "jobs": jobs,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=8, help="concurrent SMTP sessions")
    parser.add_argument("--no-filing", action="store_true", help="skip the worker phase")
    args = parser.parse_args()
    out = OUT / f"smtp-{int(time.time())}"
    out.mkdir(parents=True)
    url = f"sqlite:///{out / 'smtp.db'}"
    upgrade_to_head(url)
    messages = [build_message(number) for number in range(args.messages)]
    port = free_port()
    server = start_server(url, port, out / "smtpd.log")
    try:
        cpu_before = cpu_seconds(server.pid)
        seconds, latencies = send_all(port, messages, args.clients)
        server_cpu = cpu_seconds(server.pid) - cpu_before
        rss = rss_megabytes(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    database = Database(url)
    stored = count_rows(database)
    database.dispose()
    results: dict[str, object] = {
        "messages": args.messages,
        "clients": args.clients,
        "mean_bytes": round(sum(map(len, messages)) / len(messages)),
        "stored_rows": stored,
        "seconds": round(seconds, 2),
        "accepted_per_s": round(args.messages / seconds, 1),
        "latency_ms_p50": round(percentile(latencies, 0.5) * 1000, 1),
        "latency_ms_p99": round(percentile(latencies, 0.99) * 1000, 1),
        "server_cpu_ms_per_message": round(server_cpu * 1000 / args.messages, 2),
        "server_rss_mb": round(rss, 1),
        "load_average": os.getloadavg()[0],
    }
    if stored != args.messages:
        raise SystemExit(f"{args.messages} accepted but {stored} stored: {json.dumps(results)}")
    if not args.no_filing:
        results["filing"] = (
            file_everything(url, out / "worker.log") or "mail.process_inbound is not registered"
        )
    (out / "results.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
