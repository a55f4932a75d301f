"""Labelled sets for the sentiment model, read from /work/shared/data (never copied).

Ratings become labels: 1-5 as 1-2 negative, 3 neutral, 4-5 positive; 1-10 as 1-4 negative,
5-6 neutral, 7-10 positive. Splits are fixed by row ids, so every run sees the same rows.
Only `clothing_train` (CC0) and the project's own sentences train the shipped weights."""

import csv
import json
import os
from collections.abc import Callable
from pathlib import Path

DATA = Path(os.environ.get("GOODWILL_SHARED_DATA", "/work/shared/data"))
LABELS_DIR = Path(__file__).parent / "sentiment_labels"
Example = tuple[str, str]


def available() -> bool:
    return (DATA / "womens_clothing_reviews").is_dir() and (DATA / "twcs_sample").is_dir()


def label_5(rating: int) -> str:
    return "negative" if rating <= 2 else "neutral" if rating == 3 else "positive"


def label_10(rating: int) -> str:
    return "negative" if rating <= 4 else "neutral" if rating <= 6 else "positive"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _clothing(keep: Callable[[int], bool]) -> list[Example]:
    path = DATA / "womens_clothing_reviews" / "womens_clothing_reviews_even_rows.csv"
    examples = []
    for row in _rows(path):
        text = " ".join(part for part in (row["Title"], row["Review Text"]) if part).strip()
        if text and keep(int(row["orig_row"]) // 2):
            examples.append((text, label_5(int(row["Rating"]))))
    return examples


def clothing_train() -> list[Example]:
    """CC0 reviews, 80 % (row number // 2 not divisible by 5)."""
    return _clothing(lambda number: number % 5 != 0)


def clothing_test() -> list[Example]:
    """The held-out 20 % of the CC0 reviews (never trained on)."""
    return _clothing(lambda number: number % 5 == 0)


def ba_airline() -> list[Example]:
    """British Airways reviews (licence not stated: evaluation only), overall 1-10."""
    path = DATA / "ba_airline_reviews" / "ba_airline_reviews_even_reviewid.csv"
    return [
        (f"{row['ReviewHeader']} {row['ReviewBody']}".strip(), label_10(int(float(rating))))
        for row in _rows(path)
        if (rating := row["OverallRating"].strip())
    ]


def skytrax() -> list[Example]:
    """Skytrax airline reviews (licence caveat: evaluation only), overall 1-10."""
    path = DATA / "skytrax_airline_reviews_sample" / "airline.csv"
    return [
        (row["content"], label_10(int(float(rating))))
        for row in _rows(path)
        if (rating := row["overall_rating"].strip()).isdigit() and row["content"].strip()
    ]


def twcs_tweets() -> list[Example]:
    """Hand-labelled customer tweets (CC BY-NC-SA text: evaluation only)."""
    labels = {
        row["tweet_id"]: row["label"] for row in _rows(LABELS_DIR / "twcs_random5000_labels.csv")
    }
    path = DATA / "twcs_sample" / "twcs_random5000.csv"
    with path.open("rb") as handle:
        lines = (line.decode("utf-8").replace("\r", " ") for line in handle)
        texts = {row["tweet_id"]: row["text"] for row in csv.DictReader(lines)}
    return [(texts[tweet_id], label) for tweet_id, label in labels.items()]


def ibm_tweets() -> list[Example]:
    """Hand-labelled customer messages of the IBM customer-care conversations (Apache-2.0)."""
    labels = {
        row["tweet_id"]: row["label"] for row in _rows(LABELS_DIR / "ibm_customer_care_labels.csv")
    }
    texts = {}
    for name in ("dev.json", "test.json"):
        path = DATA / "twitter_customer_care_ibm" / name
        for conversation in json.loads(path.read_text(encoding="utf-8")):
            for turn in conversation["dialogContent"]:
                texts[str(turn.get("tweet_ID"))] = turn.get("message", "")
    return [(texts[tweet_id], label) for tweet_id, label in labels.items()]


EVALUATION_SETS: dict[str, Callable[[], list[Example]]] = {
    "customer tweets (twcs, hand-labelled)": twcs_tweets,
    "customer tweets (IBM, hand-labelled)": ibm_tweets,
    "clothing reviews, held-out 20 %": clothing_test,
    "British Airways reviews": ba_airline,
    "Skytrax airline reviews": skytrax,
}
