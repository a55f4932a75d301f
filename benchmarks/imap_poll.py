"""IMAP polling from a local dovecot into SQLite: messages/s, and how long each batch holds the lock.

    PYTHONPATH=src:tests python benchmarks/imap_poll.py [--messages 2000] [--batch 100]

Starts Debian's dovecot (tests/support/imap_server.py) on a loopback port, APPENDs N ~3 KB messages,
then polls the mailbox batch after batch (each batch one transaction, as the `mail.poll_mailbox`
job does) into a fresh SQLite database until nothing is left. On SQLite a poll's transaction holds
the database's write lock from its first statement to its commit, IMAP round trips included, so the
per-batch time is also how long other writers wait behind a poll.
"""

import argparse
import json
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from harness import OUT, percentile
from sqlalchemy import func, select

from goodwill.core.db import Database
from goodwill.mail.imap import ImapSecurity
from goodwill.mail.mailbox_schemas import MailboxCreate
from goodwill.mail.models import InboundMail
from goodwill.mail.services.mailboxes import create_mailbox
from goodwill.mail.services.poll import poll_mailbox
from goodwill.schema import upgrade_to_head
from support.imap_server import dovecot_missing_reason, running_imap_server

PARAGRAPH = (
    "Hello, I ordered the stainless steel kettle on Monday and it arrived yesterday, but it "
    "switches itself off after a few seconds and the light blinks red. Could you help? "
)


def build_message(number: int) -> bytes:
    body = (PARAGRAPH * 12 + f"\r\nOrder {100000 + number}\r\n").encode()
    headers = (
        f"From: Customer {number} <customer{number}@mail.example>\r\n"
        "To: support@example.test\r\n"
        f"Subject: Order {100000 + number}: kettle switches itself off\r\n"
        "Date: Mon, 02 Mar 2026 08:00:00 +0000\r\n"
        f"Message-ID: <bench{number}@mail.example>\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
    )
    return headers.encode() + body


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args()
    if reason := dovecot_missing_reason():
        raise SystemExit(reason)
    with tempfile.TemporaryDirectory() as scratch, running_imap_server(Path(scratch)) as server:
        started = time.perf_counter()
        server.append(*(build_message(n) for n in range(args.messages)))
        append_seconds = time.perf_counter() - started
        url = f"sqlite:///{Path(scratch) / 'bench.db'}"
        upgrade_to_head(url)
        database = Database(url)
        with database.transaction() as session:
            data = MailboxCreate(
                name="Bench",
                host=server.host,
                port=server.imap_port,
                security=ImapSecurity.NONE,
                username=server.username,
                password=server.password,  # type: ignore[arg-type]
            )
            mailbox_id = create_mailbox(session, data=data, now=datetime.now(UTC)).id
        batches: list[float] = []
        started = time.perf_counter()
        while True:
            batch_started = time.perf_counter()
            with database.transaction() as session:
                result = poll_mailbox(
                    session, mailbox_id, now=datetime.now(UTC), limit=args.batch,
                    continue_later=False,
                )  # fmt: skip
            batches.append(time.perf_counter() - batch_started)
            if result.error:
                raise SystemExit(result.error)
            if not result.more_waiting:
                break
        seconds = time.perf_counter() - started
        with database.reader() as session:
            stored = session.scalar(select(func.count()).select_from(InboundMail)) or 0
        database.dispose()
    report = {
        "messages": args.messages,
        "stored": stored,
        "batch": args.batch,
        "seconds": round(seconds, 2),
        "messages_per_second": round(stored / seconds, 1),
        "batch_ms_p50": round(percentile(batches, 0.5) * 1000, 1),
        "batch_ms_p95": round(percentile(batches, 0.95) * 1000, 1),
        "batch_ms_max": round(max(batches) * 1000, 1),
        "append_seconds": round(append_seconds, 2),
    }
    OUT.mkdir(exist_ok=True)
    (OUT / "imap_poll.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
