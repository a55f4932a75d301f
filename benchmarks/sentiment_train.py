"""Train the shipped sentiment weights (src/goodwill/satisfaction/sentiment_weights.npz).

    PYTHONPATH=src python benchmarks/sentiment_train.py

Training data, permissively licensed only: the CC0 women's clothing reviews (80 % split; 1-2
negative, 3 neutral, 4-5 positive) and the customer-service sentences of sentiment_seed.py
(written for this project, weighted x40 since there are few of them). A multinomial logistic
regression (scikit-learn, balanced classes, C=4) over goodwill.satisfaction.sentiment
features; an installation moves weights and intercept toward its own messages with `learn`.
Choices were compared on all held-out sets together (docs/satisfaction.md); distant labels
from the lexicon on the IBM tweets and a zero intercept were tried and dropped (worse)."""

from pathlib import Path

import numpy as np
from scipy import sparse
from sentiment_data import available, clothing_train
from sentiment_seed import seed_examples
from sklearn.linear_model import LogisticRegression

from goodwill.satisfaction.sentiment import (
    DIMENSION,
    LABELS,
    WEIGHTS_FILE,
    SentimentModel,
    featurise,
)

TARGET = Path(__file__).parents[1] / "src" / "goodwill" / "satisfaction" / WEIGHTS_FILE
SEED_WEIGHT = 40.0
VERSION = "builtin-1"


def train() -> SentimentModel:
    reviews, seeds = clothing_train(), seed_examples()
    examples = reviews + seeds
    features = featurise([text for text, _ in examples])
    matrix = sparse.csr_matrix(
        (features.values, features.indices, features.indptr), shape=(features.rows, DIMENSION)
    )
    targets = np.array([LABELS.index(label) for _, label in examples])
    counts = np.bincount(targets, minlength=3).astype(float)
    balance = len(targets) / (3 * counts)
    weights = balance[targets] * np.r_[np.ones(len(reviews)), np.full(len(seeds), SEED_WEIGHT)]
    classifier = LogisticRegression(C=4.0, max_iter=2000)
    classifier.fit(matrix, targets, sample_weight=weights)
    coefficients = classifier.coef_.astype(np.float32)
    bias = classifier.intercept_.astype(np.float32)
    return SentimentModel(coefficients, bias, VERSION)


def main() -> None:
    if not available():
        raise SystemExit("The shared data folder is missing: set GOODWILL_SHARED_DATA.")
    model = train()
    TARGET.write_bytes(model.to_bytes())
    print(f"wrote {TARGET} ({TARGET.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
