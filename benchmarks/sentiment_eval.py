"""Evaluate the built-in sentiment model against baselines on held-out real data.

    PYTHONPATH=src python benchmarks/sentiment_eval.py

Per set: macro-F1 and accuracy of the model, the lexicon (sentiment_lexicon.py), "always
negative" and the majority class of that set. Also the model adapted with `learn` to half of the
labelled tweets and of 800 BA reviews (by position parity), scored on the other half, to show
learning from an installation's own labels."""

from collections.abc import Callable, Sequence

import numpy as np
from sentiment_data import EVALUATION_SETS, Example, ba_airline, twcs_tweets
from sentiment_lexicon import lexicon_label

from goodwill.satisfaction.sentiment import LABELS, SentimentModel, builtin_model, learn

Scores = dict[str, float]


def macro_f1(truth: Sequence[str], predicted: Sequence[str]) -> float:
    scores = []
    for label in LABELS:
        hits = sum(t == p == label for t, p in zip(truth, predicted, strict=True))
        guessed, actual = predicted.count(label), truth.count(label)
        if actual == 0 and guessed == 0:
            continue
        precision = hits / guessed if guessed else 0.0
        recall = hits / actual if actual else 0.0
        total = precision + recall
        scores.append(2 * precision * recall / total if total else 0.0)
    return float(np.mean(scores))


def accuracy(truth: Sequence[str], predicted: Sequence[str]) -> float:
    return sum(t == p for t, p in zip(truth, predicted, strict=True)) / len(truth)


def methods(
    model: SentimentModel, truth: Sequence[str]
) -> dict[str, Callable[[list[str]], list[str]]]:
    majority = max(LABELS, key=list(truth).count)
    return {
        "model": lambda texts: [p.label for p in model.predict(texts)],
        "lexicon": lambda texts: [lexicon_label(text) for text in texts],
        "always negative": lambda texts: ["negative"] * len(texts),
        f"majority ({majority})": lambda texts: [majority] * len(texts),
    }


def evaluate_set(model: SentimentModel, examples: list[Example]) -> dict[str, Scores]:
    texts = [text for text, _ in examples]
    truth = [label for _, label in examples]
    results = {}
    for name, method in methods(model, truth).items():
        predicted = method(texts)
        results[name] = {
            "macro_f1": macro_f1(truth, predicted),
            "accuracy": accuracy(truth, predicted),
        }
    return results


def adaptation(model: SentimentModel, examples: list[Example]) -> dict[str, Scores]:
    """Learn from the even-position half of a set; score both models on the odd half."""
    train, test = examples[0::2], examples[1::2]
    adapted = learn(model, train)
    truth = [label for _, label in test]
    texts = [text for text, _ in test]
    results = {}
    for name, candidate in (("built-in", model), (f"adapted to {len(train)}", adapted)):
        predicted = [p.label for p in candidate.predict(texts)]
        results[name] = {
            "macro_f1": macro_f1(truth, predicted),
            "accuracy": accuracy(truth, predicted),
        }
    return results


ADAPTATION_SETS: dict[str, Callable[[], list[Example]]] = {
    "customer tweets": twcs_tweets,
    "British Airways reviews (first 800)": lambda: ba_airline()[:800],
}


def main() -> None:
    model = builtin_model()
    for name, load in EVALUATION_SETS.items():
        examples = load()
        counts = {label: sum(1 for _, lab in examples if lab == label) for label in LABELS}
        print(f"\n{name}: {len(examples):,} examples {counts}")
        for method, scores in evaluate_set(model, examples).items():
            print(
                f"  {method:<22} macro-F1 {scores['macro_f1']:.3f}  accuracy {scores['accuracy']:.3f}"
            )
    for set_name, load in ADAPTATION_SETS.items():
        print(f"\nlearning from labels: {set_name}, even half learned, odd half held out")
        for name, scores in adaptation(model, load()).items():
            print(
                f"  {name:<22} macro-F1 {scores['macro_f1']:.3f}  accuracy {scores['accuracy']:.3f}"
            )


if __name__ == "__main__":
    main()
