"""Predicted satisfaction: a CSAT-scale estimate (1..5) from the facts of a conversation.

A ridge regression on service facts (first reply, reopens, transfers, SLA breaches, resolution
time, messages), the conversation's kind (channel, priority, product, topic), sentiment and
quality steps, learned from the rated conversations. Each estimate comes with an interval and a
confidence taken from the cross-validated errors, and with its reasons: the contribution of
each fact relative to the average conversation. Pure: no database, no clock, no pickle."""

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

FORMAT_VERSION = 1
MIN_CATEGORY_COUNT = 5  # a channel/product/topic value seen fewer times is not a feature
REASON_COUNT = 4
REASON_FLOOR = 0.05  # contributions smaller than this are not worth a reason
ALPHAS = (0.1, 1.0, 10.0, 100.0, 1000.0)
BANDS = 4  # the interval and the confidence are measured per band of estimates
FIRST_REPLY_BINS = ((3600, "under 1"), (4 * 3600, "1-4"), (8 * 3600, "4-8"), (24 * 3600, "8-24"))
CATEGORIES = ("channel", "priority", "product", "topic")


@dataclass(frozen=True, slots=True)
class QualityFacts:
    """The automatic quality score of a conversation: the steps missed, the failure modes."""

    missed_steps: frozenset[str] = frozenset()
    failures: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class ConversationFacts:
    """What the model knows of one resolved conversation."""

    conversation_id: int
    channel: str
    priority: str
    product: str | None = None
    topic: str | None = None
    first_reply_business_seconds: int | None = None
    resolution_seconds: int | None = None
    reopened_count: int = 0
    transfers: int = 0
    team_changes: int = 0
    first_response_breached: bool = False
    resolution_breached: bool = False
    customer_messages: int = 1
    agent_messages: int = 1
    sentiment_start: float | None = None
    sentiment_end: float | None = None
    quality: QualityFacts | None = None


@dataclass(frozen=True, slots=True)
class Metrics:
    """Cross-validated error of the model and of always answering the mean rating."""

    n: int
    mae: float
    rmse: float
    baseline_mae: float
    baseline_rmse: float

    @property
    def beats_baseline(self) -> bool:
        return self.mae < self.baseline_mae

    def as_dict(self) -> dict[str, float]:
        return {
            "n": float(self.n),
            "mae": self.mae,
            "rmse": self.rmse,
            "baseline_mae": self.baseline_mae,
            "baseline_rmse": self.baseline_rmse,
        }


@dataclass(frozen=True, slots=True)
class Band:
    """Errors of cross-validated estimates up to `upper`: the interval and the confidence."""

    upper: float
    low_offset: float  # 10th percentile of (rating - estimate)
    high_offset: float  # 90th percentile
    within_one: float  # share of ratings within one point of the estimate


@dataclass(frozen=True, slots=True)
class SatisfactionModel:
    features: tuple[str, ...]
    coefficients: tuple[float, ...]  # per unit of each feature
    means: tuple[float, ...]  # the average conversation the reasons compare with
    intercept: float
    bands: tuple[Band, ...]
    metrics: Metrics
    alpha: float

    @property
    def average(self) -> float:
        return self.intercept + sum(
            c * m for c, m in zip(self.coefficients, self.means, strict=True)
        )


@dataclass(frozen=True, slots=True)
class Reason:
    feature: str
    text: str
    effect: float

    def as_dict(self) -> dict[str, object]:
        return {"feature": self.feature, "text": self.text, "effect": round(self.effect, 2)}


@dataclass(frozen=True, slots=True)
class Estimate:
    predicted: float  # 1..5
    low: float
    high: float
    confidence: float  # 0..1: how often such estimates fell within one point of the rating
    reasons: tuple[Reason, ...]
    contributions: dict[str, float] = field(default_factory=dict)  # every group, unrounded


def first_reply_bin(seconds: int | None) -> str:
    if seconds is None:
        return "none"
    for limit, label in FIRST_REPLY_BINS:
        if seconds < limit:
            return label
    return "over 24"


def feature_values(facts: ConversationFacts) -> dict[str, float]:
    """The facts as named numbers; a one-hot name is `group:value`."""
    values: dict[str, float] = {
        f"first_reply:{first_reply_bin(facts.first_reply_business_seconds)}": 1.0,
        "reopens": float(min(facts.reopened_count, 5)),
        "transfers": float(min(facts.transfers, 5)),
        "team_changes": float(min(facts.team_changes, 5)),
        "first_response_breached": float(facts.first_response_breached),
        "resolution_breached": float(facts.resolution_breached),
        "resolution_time": math.log1p(max(0, facts.resolution_seconds or 0) / 3600),
        "customer_messages": float(min(facts.customer_messages, 20)),
        "agent_messages": float(min(facts.agent_messages, 20)),
    }
    for name in ("sentiment_start", "sentiment_end"):
        value = getattr(facts, name)
        values[name] = float(value) if value is not None else 0.0
    values["sentiment:missing"] = float(facts.sentiment_end is None)
    if facts.quality is None:
        values["quality:missing"] = 1.0
    else:
        values.update({f"quality:missed {step}": 1.0 for step in facts.quality.missed_steps})
        values.update({f"quality:failure {mode}": 1.0 for mode in facts.quality.failures})
    for category in CATEGORIES:
        values[f"{category}:{getattr(facts, category) or 'none'}"] = 1.0
    return values


def choose_features(rows: Iterable[ConversationFacts]) -> tuple[str, ...]:
    """Every feature seen in at least MIN_CATEGORY_COUNT training rows, in a stable order."""
    counts: dict[str, int] = {}
    for facts in rows:
        for name, value in feature_values(facts).items():
            counts[name] = counts.get(name, 0) + (value != 0.0 or ":" not in name)
    return tuple(sorted(name for name, count in counts.items() if count >= MIN_CATEGORY_COUNT))


def matrix(rows: Sequence[ConversationFacts], features: Sequence[str]) -> np.ndarray:
    index = {name: column for column, name in enumerate(features)}
    result = np.zeros((len(rows), len(features)))
    for row, facts in enumerate(rows):
        for name, value in feature_values(facts).items():
            if name in index:
                result[row, index[name]] = value
    return result


def _fit_ridge(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float, float]:
    """Ridge on standardised columns; coefficients returned per unit of the raw feature."""
    means = x.mean(axis=0)
    scales = x.std(axis=0)
    scales[scales == 0] = 1.0
    from sklearn.linear_model import RidgeCV  # type: ignore[import-untyped]  # (on first use:
    # scikit-learn costs the web process ~150 MB it never needs to serve pages)

    ridge = RidgeCV(alphas=ALPHAS).fit((x - means) / scales, y)
    coefficients = np.asarray(ridge.coef_) / scales
    intercept = float(ridge.intercept_) - float(coefficients @ means)
    return coefficients, intercept, float(ridge.alpha_)


def cross_validate(
    rows: Sequence[ConversationFacts], ratings: Sequence[float], *, folds: int = 5, seed: int = 0
) -> tuple[Metrics, np.ndarray]:
    """K-fold errors of the model and of the training folds' mean; the held-out estimates."""
    y = np.asarray(ratings, dtype=float)
    estimates = np.zeros(len(y))
    baseline = np.zeros(len(y))
    from sklearn.model_selection import KFold  # type: ignore[import-untyped]

    for train, test in KFold(folds, shuffle=True, random_state=seed).split(y):
        train_rows = [rows[i] for i in train]
        features = choose_features(train_rows)
        coefficients, intercept, _ = _fit_ridge(matrix(train_rows, features), y[train])
        test_x = matrix([rows[i] for i in test], features)
        estimates[test] = np.clip(test_x @ coefficients + intercept, 1.0, 5.0)
        baseline[test] = y[train].mean()
    metrics = Metrics(
        n=len(y),
        mae=float(np.mean(np.abs(y - estimates))),
        rmse=float(np.sqrt(np.mean((y - estimates) ** 2))),
        baseline_mae=float(np.mean(np.abs(y - baseline))),
        baseline_rmse=float(np.sqrt(np.mean((y - baseline) ** 2))),
    )
    return metrics, estimates


def _bands(estimates: np.ndarray, ratings: np.ndarray) -> tuple[Band, ...]:
    edges = [*np.quantile(estimates, np.linspace(0, 1, BANDS + 1)[1:-1]).tolist(), math.inf]
    bands, lower = [], -math.inf
    for upper in edges:
        inside = (estimates > lower) & (estimates <= upper)
        if inside.sum() < 10:
            inside = np.ones(len(estimates), dtype=bool)
        errors = ratings[inside] - estimates[inside]
        bands.append(
            Band(
                upper=float(upper),
                low_offset=float(np.quantile(errors, 0.1)),
                high_offset=float(np.quantile(errors, 0.9)),
                within_one=float(np.mean(np.abs(errors) < 1.0)),
            )
        )
        lower = upper
    return tuple(bands)


def fit(
    rows: Sequence[ConversationFacts], ratings: Sequence[float], *, folds: int = 5, seed: int = 0
) -> SatisfactionModel:
    """Cross-validate, then fit on every rated conversation."""
    if len(rows) != len(ratings) or len(rows) < 2 * folds:
        raise ValueError(f"need at least {2 * folds} rated conversations, got {len(rows)}")
    metrics, estimates = cross_validate(rows, ratings, folds=folds, seed=seed)
    y = np.asarray(ratings, dtype=float)
    features = choose_features(rows)
    x = matrix(rows, features)
    coefficients, intercept, alpha = _fit_ridge(x, y)
    return SatisfactionModel(
        features=features,
        coefficients=tuple(float(c) for c in coefficients),
        means=tuple(float(m) for m in x.mean(axis=0)),
        intercept=intercept,
        bands=_bands(estimates, y),
        metrics=metrics,
        alpha=alpha,
    )


def group_of(feature: str) -> str:
    return feature.split(":", 1)[0]


def describe(group: str, facts: ConversationFacts) -> str:
    """The fact behind a group of features, in plain words."""
    if group == "first_reply":
        label = first_reply_bin(facts.first_reply_business_seconds)
        return (
            "no reply before resolution"
            if label == "none"
            else f"first reply after {label} business hours"
        )
    if group in CATEGORIES:
        return f"{group}: {getattr(facts, group) or 'none'}"
    if group == "sentiment":
        return "no sentiment measured"
    if group == "quality":
        return _describe_quality(facts.quality)
    texts = {
        "reopens": f"reopened {facts.reopened_count} time(s)",
        "transfers": f"transferred {facts.transfers} time(s)",
        "team_changes": f"moved between teams {facts.team_changes} time(s)",
        "first_response_breached": "first-response SLA "
        + ("breached" if facts.first_response_breached else "met"),
        "resolution_breached": "resolution SLA "
        + ("breached" if facts.resolution_breached else "met"),
        "resolution_time": f"resolved in {(facts.resolution_seconds or 0) / 3600:.1f} hours",
        "customer_messages": f"{facts.customer_messages} customer message(s)",
        "agent_messages": f"{facts.agent_messages} agent message(s)",
        "sentiment_start": f"customer sentiment at the start {facts.sentiment_start or 0:+.1f}",
        "sentiment_end": f"customer sentiment at the end {facts.sentiment_end or 0:+.1f}",
    }
    return texts.get(group, group)


def _describe_quality(quality: QualityFacts | None) -> str:
    if quality is None:
        return "no quality score"
    missed = sorted(quality.missed_steps) + sorted(quality.failures)
    return "quality: " + (", ".join(missed) if missed else "every step done")


def predict(model: SatisfactionModel, facts: ConversationFacts) -> Estimate:
    """The estimate, its interval and confidence, and the facts that moved it most."""
    x = matrix([facts], model.features)[0]
    contributions: dict[str, float] = {}
    for name, coefficient, value, mean in zip(
        model.features, model.coefficients, x, model.means, strict=True
    ):
        group = group_of(name)
        contributions[group] = contributions.get(group, 0.0) + coefficient * (float(value) - mean)
    raw = model.average + sum(contributions.values())
    predicted = min(5.0, max(1.0, raw))
    band = next(band for band in model.bands if predicted <= band.upper)
    ranked = sorted(contributions.items(), key=lambda item: -abs(item[1]))
    reasons = tuple(
        Reason(group, describe(group, facts), effect)
        for group, effect in ranked[:REASON_COUNT]
        if abs(effect) >= REASON_FLOOR
    )
    return Estimate(
        predicted=predicted,
        low=min(5.0, max(1.0, predicted + band.low_offset)),
        high=min(5.0, max(1.0, predicted + band.high_offset)),
        confidence=band.within_one,
        reasons=reasons,
        contributions=contributions,
    )


def dumps(model: SatisfactionModel) -> bytes:
    """JSON bytes (never pickle): a stored model cannot run code when it is loaded."""
    document = {
        "format": FORMAT_VERSION,
        "features": list(model.features),
        "coefficients": list(model.coefficients),
        "means": list(model.means),
        "intercept": model.intercept,
        "alpha": model.alpha,
        "bands": [
            [
                band.upper if math.isfinite(band.upper) else None,
                band.low_offset,
                band.high_offset,
                band.within_one,
            ]
            for band in model.bands
        ],
        "metrics": model.metrics.as_dict(),
    }
    return json.dumps(document, sort_keys=True).encode()


def loads(data: bytes) -> SatisfactionModel:
    document = json.loads(data)
    if document.get("format") != FORMAT_VERSION:
        raise ValueError(f"unknown satisfaction model format {document.get('format')!r}")
    metrics = document["metrics"]
    return SatisfactionModel(
        features=tuple(str(name) for name in document["features"]),
        coefficients=tuple(float(c) for c in document["coefficients"]),
        means=tuple(float(m) for m in document["means"]),
        intercept=float(document["intercept"]),
        alpha=float(document["alpha"]),
        bands=tuple(
            Band(math.inf if upper is None else float(upper), float(low), float(high), float(share))
            for upper, low, high, share in document["bands"]
        ),
        metrics=Metrics(
            n=int(metrics["n"]),
            mae=float(metrics["mae"]),
            rmse=float(metrics["rmse"]),
            baseline_mae=float(metrics["baseline_mae"]),
            baseline_rmse=float(metrics["baseline_rmse"]),
        ),
    )


def trust_problem(metrics: Metrics | None, *, ratings: int, min_ratings: int) -> str | None:
    """Why the estimates should not be trusted, or None when they may be."""
    if ratings < min_ratings:
        return f"too few ratings ({ratings} of {min_ratings})"
    if metrics is None:
        return "no model trained yet"
    if not metrics.beats_baseline:
        return (
            f"the model is no better than the mean rating (cross-validated MAE {metrics.mae:.2f} "
            f"vs {metrics.baseline_mae:.2f})"
        )
    return None
