"""The sentiment model: obvious cases, determinism, score range, serialisation, learning."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goodwill.satisfaction.sentiment import (
    DIMENSION,
    LABELS,
    SentimentModel,
    builtin_model,
    csat_label,
    featurise,
    from_bytes,
    learn,
    nps_label,
    tokens,
)


def labels(model: SentimentModel, texts: list[str]) -> list[str]:
    return [prediction.label for prediction in model.predict(texts)]


def test_obvious_customer_messages() -> None:
    model = builtin_model()
    assert labels(
        model,
        [
            "Still waiting for my refund, this is the worst service ever",
            "Nobody has replied to my emails for a week, I am so frustrated",
            "Thanks so much, all sorted now!",
            "Great support, the agent was really helpful",
            "What time do you open on Saturday?",
        ],
    ) == ["negative", "negative", "positive", "positive", "neutral"]


def test_score_is_positive_minus_negative_and_in_range() -> None:
    model = builtin_model()
    texts = ["Awful.", "Thank you!", "Order 1234", ""]
    probabilities = model.probabilities(texts)
    for prediction, row in zip(model.predict(texts), probabilities, strict=True):
        assert -1.0 <= prediction.score <= 1.0
        assert prediction.score == pytest.approx(row[2] - row[0], abs=1e-4)
        assert prediction.label == LABELS[int(row.argmax())]
    assert model.predict(["Awful."])[0].score < 0 < model.predict(["Thank you!"])[0].score


def test_features_are_deterministic_and_hashed_into_the_dimension() -> None:
    first = featurise(["My parcel hasn't arrived :( https://t.co/x @Brand 42"])
    second = featurise(["My parcel hasn't arrived :( https://t.co/x @Brand 42"])
    assert np.array_equal(first.indices, second.indices)
    assert np.array_equal(first.values, second.values)
    assert first.indices.max() < DIMENSION
    assert np.linalg.norm(first.values) == pytest.approx(1.0)
    assert tokens("It isn't good at all") == ["it", "isn't", "not_good", "not_at", "not_all"]
    assert "_url_" in tokens("see https://x.y/z") and "_user_" in tokens("@Brand hi")


def test_serialisation_round_trip_keeps_predictions() -> None:
    model = builtin_model()
    data = model.to_bytes()
    assert len(data) < 3_000_000
    again = from_bytes(data)
    texts = ["No reply again", "Lovely, thanks", "Where is my order?"]
    assert again.predict(texts) == model.predict(texts)
    assert again.version == model.version


def test_foreign_serialisation_is_refused() -> None:
    model = builtin_model()
    with pytest.raises(ValueError, match="pickled"):
        from_bytes(b"not an npz")  # numpy refuses to unpickle it
    import io

    buffer = io.BytesIO()
    np.savez_compressed(
        buffer, weights=model.weights[:, :8], bias=model.bias, meta=np.array([1, 8])
    )
    with pytest.raises(ValueError, match="another feature format"):
        from_bytes(buffer.getvalue())


def test_learning_moves_predictions_toward_the_new_labels() -> None:
    base = builtin_model()
    jargon = [
        ("the widget is kaput again", "negative"),
        ("my widget went kaput", "negative"),
        ("kaput, totally kaput", "negative"),
        ("widget is zoomy now", "positive"),
        ("so zoomy today", "positive"),
        ("zoomy zoomy", "positive"),
        ("widget model number please", "neutral"),
    ]
    adapted = learn(base, jargon)
    probe = ["kaput widget", "zoomy widget"]
    before, after = base.probabilities(probe), adapted.probabilities(probe)
    assert after[0, 0] > before[0, 0]  # more negative for the new negative word
    assert after[1, 2] > before[1, 2]
    assert labels(adapted, probe) == ["negative", "positive"]
    assert learn(base, []) is base
    assert base.probabilities(probe) == pytest.approx(before)  # the base is untouched


def test_learning_rejects_unknown_labels() -> None:
    with pytest.raises(ValueError, match="Unknown sentiment labels"):
        learn(builtin_model(), [("hi", "angry")])


def test_rating_labels() -> None:
    assert [csat_label(r) for r in range(1, 6)] == [
        "negative",
        "negative",
        "neutral",
        "positive",
        "positive",
    ]
    assert [nps_label(r) for r in (0, 6, 7, 8, 9, 10)] == [
        "negative",
        "negative",
        "neutral",
        "neutral",
        "positive",
        "positive",
    ]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=300), max_size=5))
def test_any_text_is_scored_without_error(texts: list[str]) -> None:
    predictions = builtin_model().predict(texts)
    assert len(predictions) == len(texts)
    for prediction in predictions:
        assert prediction.label in LABELS
        assert -1.0 <= prediction.score <= 1.0
