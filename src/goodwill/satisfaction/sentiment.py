"""Sentiment of customer messages: hashed word and character n-grams and a linear model.

Pure model code (no database, no I/O but the shipped weights): `featurise` turns texts into
hashed sparse features (CRC-32, so the same on every machine and run), `SentimentModel`
predicts negative / neutral / positive and a score in -1..1 (P(positive) - P(negative)),
`learn` adapts a model to an installation's own labels, and `to_bytes`/`from_bytes`
serialise it as a compressed .npz of plain arrays (never pickle). The built-in weights
(`sentiment_weights.npz`) are trained by benchmarks/sentiment_train.py from permissively
licensed text only (CC0 reviews and sentences written for this project)."""

import io
import itertools
import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
from numpy.typing import NDArray

LABELS = ("negative", "neutral", "positive")
DIMENSION = 1 << 18
FORMAT_VERSION = 1
WEIGHTS_FILE = "sentiment_weights.npz"
MAX_CHARS = 2000  # longer messages are cut: the opening carries the mood, the rest the cost

_URL = re.compile(r"https?://\S+|www\.\S+")
_HANDLE = re.compile(r"@\w+")
_NUMBER = re.compile(r"\d+")
_TOKEN = re.compile(r"[a-z_']+|[!?]|[\u2600-\u27bf\U0001f300-\U0001faff]|:\)|:\(|:-\)|:-\(")
_NEGATORS = frozenset(
    [
        "not",
        "no",
        "never",
        "cannot",
        "can't",
        "won't",
        "don't",
        "doesn't",
        "didn't",
        "isn't",
        "wasn't",
        "aren't",
        "haven't",
        "hasn't",
        "nothing",
        "nobody",
        "couldn't",
        "wouldn't",
        "shouldn't",
        "cant",
        "wont",
        "dont",
        "doesnt",
        "didnt",
        "isnt",
        "wasnt",
        "havent",
    ]
)
_CLAUSE_END = frozenset(["!", "?", "but"])

Label = str


def _hash(feature: str) -> tuple[int, float]:
    code = zlib.crc32(feature.encode("utf-8"))
    return code & (DIMENSION - 1), (1.0 if code & 0x80000000 else -1.0)


@lru_cache(maxsize=200_000)
def _token_features(token: str) -> tuple[tuple[int, float], ...]:
    """The word itself and its character 4-grams (with word boundaries), hashed."""
    features = [_hash("w:" + token)]
    if token.isalpha() and len(token) > 3:
        padded = f"<{token}>"
        features.extend(_hash("c:" + padded[i : i + 4]) for i in range(len(padded) - 3))
    return tuple(features)


def tokens(text: str) -> list[str]:
    """Lower-cased tokens; URLs, @handles and numbers folded; words after a negator marked."""
    text = _URL.sub(" _url_ ", text[:MAX_CHARS].lower().replace("\u2019", "'"))
    text = _NUMBER.sub("0", _HANDLE.sub(" _user_ ", text))
    words = _TOKEN.findall(text.replace("0", " _num_ "))
    marked, negated = [], 0
    for word in words:
        if word in _CLAUSE_END:
            negated = 0
        marked.append("not_" + word if negated else word)
        if word in _NEGATORS:
            negated = 3
        elif negated:
            negated -= 1
    return marked


def text_features(text: str) -> dict[int, float]:
    """Hashed unigram, bigram and character features of one text, L2-normalised."""
    words = tokens(text)
    counts: dict[int, float] = {}
    for word in words:
        for index, sign in _token_features(word):
            counts[index] = counts.get(index, 0.0) + sign
    for first, second in itertools.pairwise(words):
        index, sign = _hash(f"b:{first} {second}")
        counts[index] = counts.get(index, 0.0) + sign
    norm = float(np.sqrt(sum(value * value for value in counts.values()))) or 1.0
    return {index: value / norm for index, value in counts.items()}


@dataclass(frozen=True, slots=True)
class Features:
    """Sparse rows (CSR layout): row i holds `indices[indptr[i]:indptr[i+1]]` and its values."""

    indptr: NDArray[np.int64]
    indices: NDArray[np.int64]
    values: NDArray[np.float64]

    @property
    def rows(self) -> int:
        return len(self.indptr) - 1

    def row_ids(self) -> NDArray[np.int64]:
        return np.repeat(np.arange(self.rows), np.diff(self.indptr))

    def times(self, weights: NDArray[np.float32] | NDArray[np.float64]) -> NDArray[np.float64]:
        """(rows x classes): each row's features times `weights` (classes x DIMENSION)."""
        row_ids = self.row_ids()
        return np.stack(
            [
                np.bincount(row_ids, weights=line[self.indices] * self.values, minlength=self.rows)
                for line in weights
            ],
            axis=1,
        )


def featurise(texts: Iterable[str]) -> Features:
    """Hashed features of each text (indices in 0..DIMENSION-1)."""
    indptr, indices, values = [0], list[int](), list[float]()
    for text in texts:
        features = text_features(text)
        indices.extend(features)
        values.extend(features.values())
        indptr.append(len(indices))
    return Features(
        np.asarray(indptr, np.int64), np.asarray(indices, np.int64), np.asarray(values, np.float64)
    )


@dataclass(frozen=True, slots=True)
class Prediction:
    label: Label
    score: float  # P(positive) - P(negative), -1..1


@dataclass(frozen=True, slots=True)
class SentimentModel:
    """A multinomial logistic regression over hashed features (classes in LABELS order)."""

    weights: NDArray[np.float32]  # (3, DIMENSION)
    bias: NDArray[np.float32]  # (3,)
    version: str

    def probabilities(self, texts: Sequence[str]) -> NDArray[np.float64]:
        if not texts:
            return np.zeros((0, len(LABELS)))
        return _softmax(featurise(texts).times(self.weights) + self.bias)

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        probabilities = self.probabilities(texts)
        scores = np.clip(probabilities[:, 2] - probabilities[:, 0], -1.0, 1.0)
        return [
            Prediction(LABELS[int(best)], round(float(score), 4))
            for best, score in zip(probabilities.argmax(axis=1), scores, strict=True)
        ]

    def to_bytes(self) -> bytes:
        """Compressed .npz of plain arrays (float16 weights); read back with `from_bytes`."""
        buffer = io.BytesIO()
        np.savez_compressed(
            buffer,
            weights=self.weights.astype(np.float16),
            bias=self.bias.astype(np.float32),
            meta=np.array([FORMAT_VERSION, DIMENSION], np.int64),
            version=np.array(self.version),
        )
        return buffer.getvalue()


def from_bytes(data: bytes) -> SentimentModel:
    """A model from `to_bytes` output; ValueError if it was made for other features."""
    with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
        meta = arrays["meta"]
        if int(meta[0]) != FORMAT_VERSION or int(meta[1]) != DIMENSION:
            raise ValueError("These sentiment weights were made for another feature format.")
        weights = arrays["weights"].astype(np.float32)
        return SentimentModel(weights, arrays["bias"].astype(np.float32), str(arrays["version"]))


@lru_cache(maxsize=1)
def builtin_model() -> SentimentModel:
    """The model shipped with Goodwill (nothing is downloaded)."""
    data = resources.files("goodwill.satisfaction").joinpath(WEIGHTS_FILE).read_bytes()
    return from_bytes(data)


def _softmax(logits: NDArray[np.float64]) -> NDArray[np.float64]:
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    result: NDArray[np.float64] = shifted / shifted.sum(axis=1, keepdims=True)
    return result


def label_index(labels: Sequence[Label]) -> NDArray[np.int64]:
    unknown = sorted({label for label in labels if label not in LABELS})
    if unknown:
        raise ValueError(f"Unknown sentiment labels {unknown}: use one of {', '.join(LABELS)}.")
    return np.array([LABELS.index(label) for label in labels], np.int64)


def learn(
    base: SentimentModel,
    examples: Sequence[tuple[str, Label]],
    *,
    steps: int = 300,
    rate: float = 2.0,
    pull: float = 1e-3,
    version: str = "adapted",
) -> SentimentModel:
    """`base` adapted to labelled examples: gradient descent on the balanced log-loss,
    starting from the base weights and pulled back toward them (L2 of the change), so a few
    hundred labels shift the model toward the installation's language without forgetting."""
    if not examples:
        return base
    features = featurise([text for text, _ in examples])
    targets = label_index([label for _, label in examples])
    onehot = np.eye(len(LABELS))[targets]
    counts = np.bincount(targets, minlength=len(LABELS)).astype(np.float64)
    sample_weight = (len(targets) / (len(LABELS) * np.maximum(counts, 1)))[targets]
    sample_weight /= sample_weight.sum()
    columns, local_indices = np.unique(features.indices, return_inverse=True)
    local = Features(features.indptr, local_indices.astype(np.int64), features.values)
    row_ids = local.row_ids()
    start = base.weights[:, columns].astype(np.float64)
    weights, bias = start.copy(), base.bias.astype(np.float64)
    for _ in range(steps):
        error = (_softmax(local.times(weights) + bias) - onehot) * sample_weight[:, None]
        gradient = np.stack(
            [
                np.bincount(
                    local.indices, weights=error[row_ids, c] * local.values, minlength=len(columns)
                )
                for c in range(len(LABELS))
            ]
        )
        weights -= rate * (gradient + pull * (weights - start))
        bias -= rate * error.sum(axis=0)
    adapted = base.weights.copy()
    adapted[:, columns] = weights.astype(np.float32)
    return SentimentModel(adapted, bias.astype(np.float32), version)


def csat_label(rating: int) -> Label:
    """CSAT 1-5: 1-2 negative, 3 neutral, 4-5 positive."""
    return "negative" if rating <= 2 else "neutral" if rating == 3 else "positive"


def nps_label(rating: int) -> Label:
    """NPS 0-10: detractors (0-6) negative, passives (7-8) neutral, promoters (9-10) positive."""
    return "negative" if rating <= 6 else "neutral" if rating <= 8 else "positive"


def macro_f1(truth: Sequence[Label], predicted: Sequence[Label]) -> float:
    """Mean F1 over the labels present in either list (0.0 for no examples)."""
    scores = []
    for label in LABELS:
        hits = sum(t == p == label for t, p in zip(truth, predicted, strict=True))
        guessed, actual = list(predicted).count(label), list(truth).count(label)
        if guessed or actual:
            scores.append(2 * hits / (guessed + actual))
    return float(np.mean(scores)) if scores else 0.0
