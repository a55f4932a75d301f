"""Import a generated mbox of support mail and report messages/s (`goodwill import-mail`'s path).

PYTHONPATH=src python benchmarks/mail_import.py /tmp/mail-bench.db --messages 20000
PYTHONPATH=src python benchmarks/mail_import.py --database-url postgresql+psycopg://... --messages 20000

The mbox holds threads the way a team's support mailbox does: a customer writes, we answer
from the support address, the customer answers back (In-Reply-To and References), over a year,
interleaved in date order; some HTML alternatives, people in Cc, out-of-office replies,
attachments and bounces. The SQLite file is recreated; a PostgreSQL database must be empty."""

import argparse
import random
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

from sqlalchemy import func, select

from goodwill.cli.import_mail import run_mail_import
from goodwill.conversations.models import Conversation, Message
from goodwill.core.db import Database
from goodwill.mail.sources import open_mail_source
from goodwill.schema import upgrade_to_head
from goodwill.settings import Settings

SUPPORT = "support@shop.example"
FIRST = ["Maria", "Jon", "Aiko", "Lena", "Omar", "Priya", "Tom", "Sofia", "Ivan", "Chen"]
LAST = ["Lopez", "Smith", "Tanaka", "Berg", "Haddad", "Rao", "Meyer", "Rossi", "Petrov", "Wu"]
TOPICS = [
    "My order has not arrived",
    "Refund for a broken kettle",
    "Cannot log in to my account",
    "Invoice shows the wrong address",
    "Question about the warranty",
    "Wrong size delivered",
]
SENTENCES = [
    "I ordered it two weeks ago and the tracking page has not changed since Monday.",
    "Could you please tell me what happens next and when I can expect an answer?",
    "The box arrived damaged and the kettle does not switch on any more.",
    "I already tried resetting my password twice, the link in the mail has expired.",
    "Thank you for the quick answer, that solved part of the problem.",
    "My order number is 48151623 and I paid by credit card.",
    "We are sorry for the trouble; a replacement is on its way and should arrive this week.",
]


def _body(rng: random.Random, quoted: str | None) -> str:
    text = " ".join(rng.choice(SENTENCES) for _ in range(rng.randint(2, 6)))
    lines = [text, "", "Best regards"]
    if quoted:
        lines += ["", "On a previous day, someone wrote:"] + [
            f"> {line}" for line in quoted.splitlines()
        ]
    return "\n".join(lines)


def _message(rng: random.Random, head: dict[str, str], body: str) -> str:
    headers = "".join(f"{name}: {value}\n" for name, value in head.items())
    roll = rng.random()
    if roll < 0.3:
        html = (
            "<html><body>"
            + "".join(f"<p>{line}</p>" for line in body.splitlines())
            + "</body></html>"
        )
        boundary = f"b{rng.getrandbits(48):x}"
        return (
            f'{headers}MIME-Version: 1.0\nContent-Type: multipart/alternative; boundary="{boundary}"\n\n'
            f"--{boundary}\nContent-Type: text/plain; charset=utf-8\n\n{body}\n"
            f"--{boundary}\nContent-Type: text/html; charset=utf-8\n\n{html}\n--{boundary}--\n"
        )
    if roll < 0.32:
        boundary = f"b{rng.getrandbits(48):x}"
        blob = "".join(
            rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef0123456789+/") for _ in range(76)
        )
        attachment = "\n".join([blob] * 200)  # ~15 KB of base64
        return (
            f'{headers}MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="{boundary}"\n\n'
            f"--{boundary}\nContent-Type: text/plain; charset=utf-8\n\n{body}\n"
            f'--{boundary}\nContent-Type: application/pdf; name="invoice.pdf"\n'
            f'Content-Transfer-Encoding: base64\nContent-Disposition: attachment; filename="invoice.pdf"\n\n'
            f"{attachment}\n--{boundary}--\n"
        )
    return f"{headers}MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n{body}\n"


def _bounce(rng: random.Random, at: datetime, original: str, recipient: str) -> str:
    boundary = f"b{rng.getrandbits(48):x}"
    return (
        f"From: Mail Delivery System <MAILER-DAEMON@mx.example>\nTo: {SUPPORT}\n"
        f"Subject: Undelivered Mail Returned to Sender\nDate: {format_datetime(at)}\n"
        f"Message-ID: <dsn.{original}>\nMIME-Version: 1.0\n"
        f'Content-Type: multipart/report; report-type=delivery-status; boundary="{boundary}"\n\n'
        f"--{boundary}\nContent-Type: text/plain\n\nYour message could not be delivered.\n"
        f"--{boundary}\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example\n\n"
        f"Final-Recipient: rfc822; {recipient}\nAction: failed\nStatus: 5.1.1\n\n"
        f"--{boundary}\nContent-Type: text/rfc822-headers\n\nMessage-ID: <{original}>\n\n"
        f"--{boundary}--\n"
    )


def _thread(rng: random.Random, number: int, start: datetime) -> list[tuple[datetime, str]]:
    person = rng.randrange(len(FIRST) * len(LAST) * 40)
    name = f"{FIRST[person % 10]} {LAST[(person // 10) % 10]}"
    address = f"customer{person}@mail{person % 97}.example"
    subject = rng.choice(TOPICS)
    at, ids, out, quoted = start, [], [], None
    for turn in range(rng.choice([1, 2, 2, 3, 3, 3, 4, 4, 5, 6])):
        ours = turn % 2 == 1
        message_id = f"{number}.{turn}.{rng.getrandbits(32):x}@{'shop' if ours else 'mail'}.example"
        head = {
            "From": f"Shop Support <{SUPPORT}>" if ours else f"{name} <{address}>",
            "To": f"{name} <{address}>" if ours else SUPPORT,
            "Subject": ("Re: " if turn else "") + subject,
            "Date": format_datetime(at),
            "Message-ID": f"<{message_id}>",
        }
        if ids:
            head["In-Reply-To"] = f"<{ids[-1]}>"
            head["References"] = " ".join(f"<{i}>" for i in ids)
        if not ours and rng.random() < 0.05:
            head["Cc"] = f"Partner <partner{person}@mail{person % 97}.example>"
        body = _body(rng, quoted)
        out.append((at, _message(rng, head, body)))
        ids.append(message_id)
        quoted = body
        at += timedelta(hours=rng.uniform(0.5, 72))
        if ours and rng.random() < 0.01:  # our reply bounced
            out.append((at, _bounce(rng, at, message_id, address)))
        if ours and rng.random() < 0.03:  # an out-of-office answer to our reply
            away = {**head, "From": head["To"], "To": SUPPORT, "Auto-Submitted": "auto-replied"}
            away |= {"Message-ID": f"<ooo.{message_id}>", "In-Reply-To": f"<{message_id}>"}
            out.append((at, _message(rng, away, "I am out of the office until Monday.")))
    return out


def generate_mbox(path: Path, *, messages: int, seed: int) -> int:
    rng = random.Random(seed)
    year_ago = datetime(2025, 11, 1, tzinfo=UTC)
    mails: list[tuple[datetime, str]] = []
    number = 0
    while len(mails) < messages:
        number += 1
        mails.extend(_thread(rng, number, year_ago + timedelta(minutes=rng.uniform(0, 525_600))))
    mails = sorted(mails[:messages], key=lambda item: item[0])
    with path.open("w", encoding="utf-8") as handle:
        for at, text in mails:
            handle.write(f"From archive@shop.example {at.strftime('%a %b %d %H:%M:%S %Y')}\n")
            handle.write(text.replace("\nFrom ", "\n>From "))
            handle.write("\n")
    return len(mails)


def _cpu() -> tuple[float, float]:
    """CPU seconds of this process and of its finished children (the parsing processes)."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", type=Path, nargs="?", help="SQLite file to (re)create")
    parser.add_argument("--database-url", help="an empty PostgreSQL database instead")
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=None, help="parsing processes (CPUs - 1)")
    arguments = parser.parse_args(argv)
    if arguments.database_url:
        url = arguments.database_url
    elif arguments.path:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{arguments.path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{arguments.path}"
    else:
        parser.error("give a SQLite path or --database-url")
    upgrade_to_head(url)
    settings = Settings(
        database_url=url,
        secret_key="benchmark-secret-0123456789abcdef",
        support_address=SUPPORT,
        _env_file=None,  # type: ignore[call-arg]
    )
    with tempfile.TemporaryDirectory() as folder:
        mbox = Path(folder) / "support.mbox"
        started = time.perf_counter()
        count = generate_mbox(mbox, messages=arguments.messages, seed=arguments.seed)
        size = mbox.stat().st_size / 2**20
        print(
            f"generated {count:,} messages ({size:,.1f} MiB) in {time.perf_counter() - started:.1f} s"
        )
        database = Database(url)
        for run in ("first import", "same mbox again"):
            before = _cpu()
            summary = run_mail_import(
                database,
                open_mail_source(mbox),
                settings=settings,
                now=datetime.now(UTC),
                batch_size=arguments.batch_size,
                workers=arguments.jobs,
            )
            main_cpu, workers_cpu = (
                after - start for after, start in zip(_cpu(), before, strict=True)
            )
            print(
                f"{run}: {summary.read:,} messages in {summary.seconds:.1f} s = "
                f"{summary.read / summary.seconds:,.0f} messages/s ({summary.stored:,} stored, "
                f"{summary.duplicates:,} duplicates, {summary.bounces:,} bounces, "
                f"{len(summary.rejected):,} rejected, {summary.conversations:,} conversations); "
                f"CPU per message: {main_cpu / summary.read * 1e6:,.0f} us in the importing "
                f"process, {workers_cpu / summary.read * 1e6:,.0f} us in parsing processes"
            )
        with database.reader() as session:
            conversations = session.scalar(select(func.count()).select_from(Conversation))
            stored = session.scalar(select(func.count()).select_from(Message))
        print(f"database: {conversations:,} conversations, {stored:,} messages")
        database.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
