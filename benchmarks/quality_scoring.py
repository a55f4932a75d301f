"""Speed of the service-step rules: agent messages scored per second on one core.

    python benchmarks/quality_scoring.py                 # demo-style + real messages, 3 rounds
    python benchmarks/quality_scoring.py --conversations 2000

Scores (1) agent messages in the demo generator's wording and, when ../shared/data is present,
(2) the real Twitter/IBM agent messages, with detect_message_steps, one process, no I/O in the
timed loop; then (3) whole conversations with score_conversation. Target: >= 5,000 messages/s
per core, so the clock is the process CPU time (time.process_time), not wall time: other work on
a shared machine does not count against the rules.
"""

import argparse
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from quality_data import all_messages, data_available

from goodwill.demo import replies
from goodwill.quality.scoring import (
    ConversationFacts,
    TranscriptMessage,
    score_conversation,
)
from goodwill.quality.steps import detect_message_steps

BODIES = (
    "I've checked with the courier and your parcel is at the local depot; it will be delivered "
    "tomorrow before noon.",
    "Could you send me the order number and a photo of the fault, please?",
    "Your refund of £49.99 has been processed and should reach your account within 3-5 days.",
    "Please hold the descale button for three seconds to reset the reminder.",
)


def demo_messages(count: int, seed: int = 7) -> list[tuple[str, str]]:
    """(agent text, customer first name) in the demo generator's words."""
    rng = random.Random(seed)
    names = ("Sarah", "Tom", "Priya", "Lukas", "Ana")
    made = []
    for _ in range(count):
        name = rng.choice(names)
        greeting = rng.choice(replies.GREETINGS_BY_NAME + replies.GREETINGS_GENERIC)
        topic = rng.choice(list(replies.ACKNOWLEDGEMENTS))
        opening = rng.choice(replies.ACKNOWLEDGEMENTS[topic]).replace("{item}", "kettle")
        closing = rng.choice(replies.CLOSINGS_THANKS + replies.CLOSINGS_PLAIN)
        text = greeting.format(first_name=name) + opening + rng.choice(BODIES)
        made.append((text + closing.replace("{first_name}", name), name))
    return made


def rate(texts: list[tuple[str, str]], rounds: int) -> float:
    best = 0.0
    for _ in range(rounds):
        started = time.process_time()
        for text, name in texts:
            detect_message_steps(text, customer_first_name=name)
        best = max(best, len(texts) / (time.process_time() - started))
    return best


def conversations(count: int) -> tuple[float, float]:
    """(conversations/s, agent messages/s) for score_conversation on 4-message threads."""
    start = datetime(2026, 3, 2, 9, tzinfo=UTC)
    demo = demo_messages(count * 2)
    threads = []
    for index in range(count):
        at = start + timedelta(minutes=index)
        messages = [
            TranscriptMessage("customer", "My kettle is leaking again, really annoying!", at),
            TranscriptMessage("agent", demo[2 * index][0], at + timedelta(hours=1), 1),
            TranscriptMessage(
                "customer", "Thanks, order 1234, photo attached.", at + timedelta(hours=2)
            ),
            TranscriptMessage("agent", demo[2 * index + 1][0], at + timedelta(hours=3), 1),
        ]
        facts = ConversationFacts(
            created_at=at,
            first_response_at=at + timedelta(hours=1),
            status="resolved",
            customer_first_name=demo[2 * index][1],
        )
        threads.append((messages, facts))
    started = time.process_time()
    for messages, facts in threads:
        score_conversation(messages, facts, now=start + timedelta(days=30))
    seconds = time.process_time() - started
    return count / seconds, 2 * count / seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--conversations", type=int, default=5_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    demo = demo_messages(args.messages)
    chars = sum(len(text) for text, _ in demo) / len(demo)
    print(f"demo wording: {rate(demo, args.rounds):,.0f} messages/s (mean {chars:.0f} chars)")
    if data_available():
        real = [(m.text, "") for m in all_messages().values()]
        chars = sum(len(text) for text, _ in real) / len(real)
        print(
            f"real agent messages ({len(real):,}): {rate(real, args.rounds):,.0f} messages/s "
            f"(mean {chars:.0f} chars)"
        )
    per_conversation, per_message = conversations(args.conversations)
    print(
        f"score_conversation: {per_conversation:,.0f} conversations/s "
        f"({per_message:,.0f} agent messages/s, 2 agent + 2 customer messages each)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
