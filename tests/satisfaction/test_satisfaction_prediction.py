"""The satisfaction estimate on synthetic data with a planted effect: sign, reasons, JSON."""

import random

import pytest

from goodwill.satisfaction.prediction import (
    ConversationFacts,
    QualityFacts,
    dumps,
    fit,
    loads,
    predict,
    trust_problem,
)


def synthetic(n: int, seed: int = 1) -> tuple[list[ConversationFacts], list[float]]:
    """Each reopen costs 0.6 points, a slow first reply 0.8, the social channel 0.4."""
    rng = random.Random(seed)
    rows, ratings = [], []
    for index in range(n):
        reopens = rng.choice((0, 0, 0, 1, 2))
        slow = rng.random() < 0.3
        channel = rng.choice(("email", "chat", "social"))
        facts = ConversationFacts(
            conversation_id=index,
            channel=channel,
            priority="normal",
            first_reply_business_seconds=rng.randint(5, 7) * 3600 if slow else 1800,
            reopened_count=reopens,
            sentiment_end=None if rng.random() < 0.5 else rng.uniform(-1, 1),
            quality=None if rng.random() < 0.5 else QualityFacts(frozenset({"needs"})),
        )
        latent = 4.3 - 0.6 * reopens - 0.8 * slow - 0.4 * (channel == "social")
        ratings.append(float(min(5, max(1, round(latent + rng.gauss(0, 0.5))))))
        rows.append(facts)
    return rows, ratings


def test_fit_recovers_the_planted_effects_with_the_right_sign() -> None:
    rows, ratings = synthetic(600)
    model = fit(rows, ratings)
    coefficient = dict(zip(model.features, model.coefficients, strict=True))
    assert -0.8 < coefficient["reopens"] < -0.35
    assert coefficient["first_reply:4-8"] < coefficient["first_reply:under 1"] - 0.4
    assert coefficient["channel:social"] < coefficient["channel:email"]
    assert model.metrics.n == 600
    assert model.metrics.beats_baseline
    assert model.metrics.mae < 0.8 * model.metrics.baseline_mae
    assert model.metrics.rmse < model.metrics.baseline_rmse


def test_reasons_explain_the_estimate_relative_to_the_average() -> None:
    rows, ratings = synthetic(600)
    model = fit(rows, ratings)
    bad = ConversationFacts(
        conversation_id=0,
        channel="social",
        priority="normal",
        first_reply_business_seconds=6 * 3600,
        reopened_count=2,
    )
    estimate = predict(model, bad)
    total = model.average + sum(estimate.contributions.values())
    assert estimate.predicted == pytest.approx(min(5.0, max(1.0, total)))
    assert estimate.predicted < model.average - 1.0
    assert 1.0 <= estimate.low <= estimate.predicted <= estimate.high <= 5.0
    assert 0.0 < estimate.confidence <= 1.0
    by_feature = {reason.feature: reason for reason in estimate.reasons}
    assert by_feature["reopens"].effect < 0
    assert by_feature["reopens"].text == "reopened 2 time(s)"
    assert by_feature["first_reply"].text == "first reply after 4-8 business hours"
    assert by_feature["first_reply"].effect < 0
    effects = [abs(reason.effect) for reason in estimate.reasons]
    assert effects == sorted(effects, reverse=True)


def test_serialisation_round_trips_to_the_same_estimates() -> None:
    rows, ratings = synthetic(200)
    model = fit(rows, ratings)
    loaded = loads(dumps(model))
    assert loaded == model
    assert predict(loaded, rows[3]) == predict(model, rows[3])
    assert b"pickle" not in dumps(model)
    with pytest.raises(ValueError, match="format"):
        loads(b'{"format": 99}')


def test_too_few_ratings_and_no_better_than_the_mean_are_said_plainly() -> None:
    assert trust_problem(None, ratings=37, min_ratings=200) == "too few ratings (37 of 200)"
    with pytest.raises(ValueError, match="at least 10"):
        fit(*synthetic(6))
    rows, _ = synthetic(300)
    noise = [float(random.Random(index).randint(1, 5)) for index in range(300)]
    model = fit(rows, noise)
    assert not model.metrics.beats_baseline
    problem = trust_problem(model.metrics, ratings=300, min_ratings=200)
    assert problem is not None and "no better than the mean" in problem
    good = fit(*synthetic(300))
    assert trust_problem(good.metrics, ratings=300, min_ratings=200) is None
