"""Evaluate the service-step rules against hand labels on real agent messages.

    python benchmarks/quality_eval.py                        # held-out labels, summary table
    python benchmarks/quality_eval.py --labels benchmarks/quality_labels/dev.csv --show-errors

Labels (ids + 0/1 per step, no texts) are in benchmarks/quality_labels/; texts are read from the
shared data folder (see quality_data.py). Each message is scored with the customer text it answers
when the data has it (what the scorer sees inside Goodwill), and also text-only (what
`goodwill analyze steps` sees). Also runs the politeness-spam check: real replies labelled without
rapport and gratitude, stuffed with apologies and thanks, must still score neither.
"""

import argparse
import csv
import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from quality_data import AgentMessage, all_messages, data_available

from goodwill.quality.rubric import STEPS
from goodwill.quality.steps import detect_message_steps

LABELS = Path(__file__).resolve().parent / "quality_labels"
SPAM_SUFFIXES = (
    " Sorry! So sorry. We apologise. Thanks, thank you so much, many thanks!",
    " We're sorry, sorry, sorry. Thank you! Thanks again! Thanks!",
    " Apologies. Sorry for any inconvenience. We apologize. Thanks so much, thank you, thanks.",
)


@dataclass(frozen=True, slots=True)
class StepMetrics:
    step: str
    n: int
    positives: int
    precision: float
    recall: float
    f1: float
    accuracy: float
    kappa: float


def read_labels(path: Path) -> dict[str, dict[str, int]]:
    with path.open(newline="") as handle:
        return {row["id"]: {s: int(row[s]) for s in STEPS} for row in csv.DictReader(handle)}


def cohen_kappa(pairs: list[tuple[int, int]]) -> float:
    n = len(pairs)
    if n == 0:
        return 0.0
    observed = sum(1 for a, b in pairs if a == b) / n
    p_a, p_b = sum(a for a, _ in pairs) / n, sum(b for _, b in pairs) / n
    expected = p_a * p_b + (1 - p_a) * (1 - p_b)
    return 1.0 if expected == 1 else (observed - expected) / (1 - expected)


def step_metrics(step: str, pairs: list[tuple[int, int]]) -> StepMetrics:
    """`pairs` = (label, prediction)."""
    tp = sum(1 for label, pred in pairs if label and pred)
    fp = sum(1 for label, pred in pairs if not label and pred)
    fn = sum(1 for label, pred in pairs if label and not pred)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    accuracy = sum(1 for label, pred in pairs if label == pred) / len(pairs) if pairs else 0.0
    return StepMetrics(
        step,
        len(pairs),
        sum(label for label, _ in pairs),
        precision,
        recall,
        f1,
        accuracy,
        cohen_kappa(pairs),
    )


def predict(message: AgentMessage, *, with_context: bool) -> dict[str, int]:
    steps = detect_message_steps(
        message.text, customer_text=message.customer_text if with_context else ""
    )
    return {step: int(steps.done(step)) for step in STEPS}


def evaluate(
    labels: dict[str, dict[str, int]], messages: dict[str, AgentMessage], *, with_context: bool
) -> list[StepMetrics]:
    predictions = {i: predict(messages[i], with_context=with_context) for i in labels}
    return [
        step_metrics(step, [(labels[i][step], predictions[i][step]) for i in labels])
        for step in STEPS
    ]


def politeness_spam(
    labels: dict[str, dict[str, int]], messages: dict[str, AgentMessage]
) -> tuple[int, int]:
    """(stuffed replies scored with rapport or gratitude, stuffed replies tried)."""
    plain = [i for i, row in labels.items() if not row["rapport"] and not row["gratitude"]]
    flipped = tried = 0
    for index, message_id in enumerate(plain):
        suffix = SPAM_SUFFIXES[index % len(SPAM_SUFFIXES)]
        steps = detect_message_steps(messages[message_id].text + suffix)
        tried += 1
        flipped += int(steps.rapport or steps.gratitude)
    return flipped, tried


def print_table(title: str, metrics: list[StepMetrics]) -> None:
    print(f"\n{title}")
    print("| step | n | positives | precision | recall | F1 | accuracy | kappa |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for m in metrics:
        print(
            f"| {m.step} | {m.n} | {m.positives} | {m.precision:.2f} | {m.recall:.2f} | "
            f"{m.f1:.2f} | {m.accuracy:.2f} | {m.kappa:.2f} |"
        )


def show_errors(labels: dict[str, dict[str, int]], messages: dict[str, AgentMessage]) -> None:
    for message_id, row in labels.items():
        predicted = predict(messages[message_id], with_context=True)
        wrong = [f"{s}={predicted[s]}(label {row[s]})" for s in STEPS if predicted[s] != row[s]]
        if wrong:
            print(f"\n{message_id}: {', '.join(wrong)}\n  A: {messages[message_id].text[:300]!r}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=Path, default=LABELS / "heldout.csv")
    parser.add_argument("--show-errors", action="store_true")
    parser.add_argument("--json", action="store_true", help="print metrics as JSON")
    args = parser.parse_args()
    if not data_available():
        print("shared data not found (set GOODWILL_SHARED_DATA)", file=sys.stderr)
        return 2
    labels = read_labels(args.labels)
    messages = all_messages()
    with_context = evaluate(labels, messages, with_context=True)
    text_only = evaluate(labels, messages, with_context=False)
    flipped, tried = politeness_spam(labels, messages)
    if args.json:
        print(
            json.dumps(
                {
                    "with_context": [asdict(m) for m in with_context],
                    "text_only": [asdict(m) for m in text_only],
                    "spam": {"flipped": flipped, "tried": tried},
                },
                indent=2,
            )
        )
        return 0
    print(f"labels: {args.labels} ({len(labels)} agent messages)")
    print_table("with the customer text it answers (as scored inside Goodwill)", with_context)
    print_table("text only (as `goodwill analyze steps`)", text_only)
    print(f"\npoliteness spam: {flipped} of {tried} stuffed replies scored rapport or gratitude")
    if args.show_errors:
        show_errors(labels, messages)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
