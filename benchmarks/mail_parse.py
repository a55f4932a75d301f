"""parse_mail speed on real mail: the shared corpus and its mailing-list mbox, repeated.

    PYTHONPATH=src python benchmarks/mail_parse.py [--rounds 5] [--repeat 20]

Each round parses every message `--repeat` times; the figures are the best round of wall time
(the machine is shared, so the best round is the least disturbed), the median round, and
messages per CPU-second of this process (what one core does when it is not shared). For
comparison it also times the bare standard-library parse with compat32 and with policy.default
reading the headers we read, which is why parse.py does not parse with policy.default.
"""

import argparse
import contextlib
import json
import mailbox
import statistics
import time
from collections.abc import Callable
from email import policy
from email.parser import BytesParser
from pathlib import Path

from harness import OUT

from goodwill.mail.parse import POLICY, parse_mail

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "data" / "email_corpus"
MBOX = CORPUS / "perl5_mail_box_mbox" / "mbox.src"
LIMIT = 10 * 1024 * 1024
HEADERS = ("from", "to", "cc", "reply-to", "subject", "date", "message-id", "in-reply-to")


def corpus_messages() -> list[bytes]:
    files = [
        path
        for path in sorted(CORPUS.rglob("*"))
        if path.is_file() and not path.name.startswith("LICENSE") and path != MBOX
    ]
    return [path.read_bytes() for path in files]


def mbox_messages() -> list[bytes]:
    return [message.as_bytes() for message in mailbox.mbox(MBOX)]


def ours(raw: bytes) -> None:
    parse_mail(raw, max_attachment_bytes=LIMIT)


def stdlib_compat32(raw: bytes) -> None:
    BytesParser(policy=POLICY).parsebytes(raw)


def stdlib_default(raw: bytes) -> None:
    message = BytesParser(policy=policy.default).parsebytes(raw)
    for name in HEADERS:
        with contextlib.suppress(Exception):  # policy.default raises on some malformed headers
            str(message.get(name))
    for part in message.walk():
        part.get_content_type()


def rate(
    parse: Callable[[bytes], None], messages: list[bytes], rounds: int, repeat: int
) -> dict[str, float]:
    """Messages per second of wall time (best and median round) and per CPU-second (best)."""
    wall, cpu = [], []
    for _ in range(rounds):
        started, started_cpu = time.perf_counter(), time.process_time()
        for _ in range(repeat):
            for raw in messages:
                parse(raw)
        count = len(messages) * repeat
        wall.append(count / (time.perf_counter() - started))
        cpu.append(count / max(time.process_time() - started_cpu, 1e-9))
    return {
        "wall_best": round(max(wall)),
        "wall_median": round(statistics.median(wall)),
        "per_cpu_second": round(max(cpu)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    sets = {"mbox": mbox_messages(), "corpus": corpus_messages()}
    results: dict[str, object] = {}
    for name, messages in sets.items():
        size = sum(map(len, messages))
        results[name] = {
            "messages": len(messages),
            "mean_bytes": round(size / len(messages)),
            "parse_mail": rate(ours, messages, args.rounds, args.repeat),
            "stdlib_compat32_only": rate(stdlib_compat32, messages, args.rounds, args.repeat),
            "stdlib_policy_default": rate(stdlib_default, messages, args.rounds, args.repeat),
        }
    OUT.mkdir(exist_ok=True)
    (OUT / "mail_parse.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
