"""Root cause from text (attribute_text) against labels taken from real review sub-scores.

    PYTHONPATH=src python benchmarks/cause_evaluation.py

Airline reviews score the staff (cabin staff, ground service) apart from the product (seat,
food and drink, entertainment, wifi, value for money). Among unhappy reviews (overall <= 4 of
10) a review is labelled "service" when its staff scores average <= 2 of 5 while its product
scores average >= 3, and "product" in the reverse case; the rest (both low, both fine, missing)
carry no label and are left out. Nothing is read from the ratings by the rules: only the text.

Rows: the rules (none/policy count as wrong), the majority class, and a plain keyword count
(staff words against product words, ties to the majority). Also the share of low-rated
(1-2 of 5) women's clothing reviews put on the product, and, on customer-support tweets, the
causes found. The sets are read in place from /work/shared/data (never copied).
"""

import csv
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from goodwill.insights.cause_rules import attribute_text

DATA = Path("/work/shared/data")
BA = DATA / "ba_airline_reviews" / "ba_airline_reviews_even_reviewid.csv"
SKYTRAX = DATA / "skytrax_airline_reviews_sample" / "airline.csv"
CLOTHING = DATA / "womens_clothing_reviews" / "womens_clothing_reviews_even_rows.csv"
TWCS = DATA / "twcs_sample" / "twcs_random5000.csv"
LABELS = ("service", "product")
UNHAPPY_OVERALL = 4  # of 10
LOW, FINE = 2.0, 3.0  # of 5

STAFF_WORDS = re.compile(
    r"\b(?:staff|crew|attendants?|stewards?|stewardess\w*|service|rude|friendly|unfriendly|"
    r"helpful|unhelpful|agents?|check-?in|desk|ground|attitude|manager|customer service)\b",
    re.IGNORECASE,
)
PRODUCT_WORDS = re.compile(
    r"\b(?:seats?|legroom|food|meals?|drinks?|entertainment|wifi|wi-fi|screens?|toilets?|"
    r"cabin|aircraft|plane|price|value|money|expensive|cheap|dirty|uncomfortable|quality)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    label: str


def available() -> bool:
    return BA.is_file() and SKYTRAX.is_file()


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


def _mean(values: Sequence[float | None]) -> float | None:
    known = [value for value in values if value is not None]
    return sum(known) / len(known) if known else None


def sub_score_label(staff: Sequence[float | None], product: Sequence[float | None]) -> str | None:
    """service / product / None from the staff and product sub-scores of one unhappy review."""
    staff_mean, product_mean = _mean(staff), _mean(product)
    if staff_mean is None or product_mean is None:
        return None
    if staff_mean <= LOW and product_mean >= FINE:
        return "service"
    if product_mean <= LOW and staff_mean >= FINE:
        return "product"
    return None


def _rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        yield from csv.DictReader(handle)


def _labelled(
    path: Path, text: Sequence[str], overall: str, staff: Sequence[str], product: Sequence[str]
) -> list[Example]:
    examples = []
    for row in _rows(path):
        score = _number(row.get(overall))
        if score is None or score > UNHAPPY_OVERALL:
            continue
        label = sub_score_label(
            [_number(row.get(c)) for c in staff], [_number(row.get(c)) for c in product]
        )
        body = " ".join((row.get(column) or "").strip().strip('"') for column in text)
        if label is not None and body.strip():
            examples.append(Example(body, label))
    return examples


def ba_examples() -> list[Example]:
    product = ["SeatComfort", "Food&Beverages", "InflightEntertainment", "Wifi&Connectivity"]
    return _labelled(
        BA,
        ["ReviewHeader", "ReviewBody"],
        "OverallRating",
        ["CabinStaffService", "GroundService"],
        [*product, "ValueForMoney"],
    )


def skytrax_examples() -> list[Example]:
    product = [
        "seat_comfort_rating",
        "food_beverages_rating",
        "inflight_entertainment_rating",
        "wifi_connectivity_rating",
        "value_money_rating",
    ]
    staff = ["cabin_staff_rating", "ground_service_rating"]
    return _labelled(SKYTRAX, ["content"], "overall_rating", staff, product)


def rules(texts: Sequence[str]) -> list[str]:
    return [attribute_text(text).cause for text in texts]


def keyword_count(majority: str) -> Callable[[Sequence[str]], list[str]]:
    def predict(texts: Sequence[str]) -> list[str]:
        found = []
        for text in texts:
            staff, product = len(STAFF_WORDS.findall(text)), len(PRODUCT_WORDS.findall(text))
            found.append(
                "service" if staff > product else "product" if product > staff else majority
            )
        return found

    return predict


def scores(truth: Sequence[str], predicted: Sequence[str]) -> dict[str, float]:
    """Accuracy, per-class precision and recall, macro-F1 over the two labels."""
    result = {"accuracy": sum(t == p for t, p in zip(truth, predicted, strict=True)) / len(truth)}
    f1s = []
    for label in LABELS:
        hits = sum(t == p == label for t, p in zip(truth, predicted, strict=True))
        guessed, actual = list(predicted).count(label), list(truth).count(label)
        precision = hits / guessed if guessed else 0.0
        recall = hits / actual if actual else 0.0
        result[f"{label}_precision"], result[f"{label}_recall"] = precision, recall
        f1s.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    result["macro_f1"] = sum(f1s) / len(f1s)
    named = [(t, p) for t, p in zip(truth, predicted, strict=True) if p in LABELS]
    result["coverage"] = len(named) / len(predicted)
    result["accuracy_named"] = sum(t == p for t, p in named) / len(named) if named else 0.0
    return result


def evaluate(examples: Sequence[Example]) -> dict[str, dict[str, float]]:
    texts = [example.text for example in examples]
    truth = [example.label for example in examples]
    majority = max(LABELS, key=truth.count)
    methods: dict[str, Callable[[Sequence[str]], list[str]]] = {
        "rules (attribute_text)": rules,
        f"majority ({majority})": lambda texts: [majority] * len(texts),
        "keyword count": keyword_count(majority),
    }
    return {name: scores(truth, method(texts)) for name, method in methods.items()}


def clothing_causes() -> Counter[str]:
    """Causes of the women's clothing reviews rated 1-2 of 5 (expected: mostly product)."""
    found: Counter[str] = Counter()
    for row in _rows(CLOTHING):
        if (_number(row.get("Rating")) or 5) <= 2:
            text = f"{row.get('Title') or ''}. {row.get('Review Text') or ''}"
            found[attribute_text(text).cause] += 1
    return found


def tweet_causes() -> Counter[str]:
    """Causes of customer tweets (inbound) that name one, to show the mix on support traffic."""
    found: Counter[str] = Counter()
    for row in _rows(TWCS):
        if row.get("inbound") == "True":
            found[attribute_text(row.get("text") or "").cause] += 1
    return found


def _print_table(title: str, examples: Sequence[Example]) -> None:
    counts = Counter(example.label for example in examples)
    print(f"\n{title}: {len(examples)} labelled unhappy reviews ({dict(counts)})")
    header = (
        "method                  acc   macroF1  P(svc) R(svc) P(prod) R(prod) coverage acc(named)"
    )
    print(header)
    for name, result in evaluate(examples).items():
        print(
            f"{name:<22} {result['accuracy']:.3f}  {result['macro_f1']:.3f}   "
            f"{result['service_precision']:.3f}  {result['service_recall']:.3f}  "
            f"{result['product_precision']:.3f}   {result['product_recall']:.3f}   "
            f"{result['coverage']:.3f}    {result['accuracy_named']:.3f}"
        )


def _print_shares(title: str, found: Counter[str]) -> None:
    total = sum(found.values())
    shares = ", ".join(f"{cause} {count / total:.1%}" for cause, count in found.most_common())
    print(f"\n{title} ({total}): {shares}")


def main() -> None:
    if not available():
        sys.exit("shared data not present under /work/shared/data")
    _print_table("British Airways (development set)", ba_examples())
    _print_table("Skytrax, many airlines (second set)", skytrax_examples())
    if CLOTHING.is_file():
        _print_shares("Women's clothing reviews rated 1-2 of 5", clothing_causes())
    if TWCS.is_file():
        _print_shares("Customer tweets (twcs random sample)", tweet_causes())


if __name__ == "__main__":
    main()
