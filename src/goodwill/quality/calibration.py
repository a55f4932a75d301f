"""Agreement between two raters on categorical labels: percent agreement and Cohen's kappa. Pure.

Cohen's kappa = (p_o - p_e) / (1 - p_e), where p_o is the share of items both raters labelled
the same and p_e the share they would agree on by chance, given how often each used each label.
Counts come in as a confusion table {(label_a, label_b): n} so a database can aggregate them.
"""

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

LABELS = ("done", "missed", "na")
ConfusionCounts = Mapping[tuple[str, str], int]

# Landis and Koch (1977): the usual plain-words reading of kappa.
_BANDS = (
    (0.81, "almost perfect agreement"),
    (0.61, "substantial agreement"),
    (0.41, "moderate agreement"),
    (0.21, "fair agreement"),
    (0.0, "slight agreement"),
)


@dataclass(frozen=True, slots=True)
class Agreement:
    """How far two raters agree on one question (one step) over `n` items rated by both."""

    n: int
    agreed: int
    percent: float | None  # p_o as a share 0..1; None without items
    expected: float | None  # p_e, the agreement expected by chance
    kappa: float | None  # None when undefined: no items, or both raters used one same label
    confusion: dict[tuple[str, str], int]

    @property
    def guidance(self) -> str:
        return describe_agreement(self)


def agreement_from_counts(counts: ConfusionCounts) -> Agreement:
    """Percent agreement and Cohen's kappa from a confusion table of (rater a, rater b) labels."""
    if any(n < 0 for n in counts.values()):
        raise ValueError("confusion counts cannot be negative")
    confusion = {pair: int(n) for pair, n in counts.items() if n > 0}
    total = sum(confusion.values())
    if total == 0:
        return Agreement(0, 0, None, None, None, {})
    agreed = sum(n for (a, b), n in confusion.items() if a == b)
    observed = agreed / total
    expected = _chance_agreement(confusion, total)
    kappa = None if expected >= 1.0 else (observed - expected) / (1.0 - expected)
    if kappa is not None and agreed == total:
        kappa = 1.0  # exact, not 0.9999999 from rounding
    return Agreement(total, agreed, observed, expected, kappa, confusion)


def agreement_from_pairs(pairs: Iterable[tuple[str, str]]) -> Agreement:
    """The same from (rater a, rater b) label pairs, one per item both rated."""
    return agreement_from_counts(Counter(pairs))


def _chance_agreement(confusion: Mapping[tuple[str, str], int], total: int) -> float:
    """p_e = sum over labels of (share of a's items with the label) * (share of b's)."""
    by_a: Counter[str] = Counter()
    by_b: Counter[str] = Counter()
    for (a, b), n in confusion.items():
        by_a[a] += n
        by_b[b] += n
    return sum(by_a[label] * by_b[label] for label in by_a) / (total * total)


def cohens_kappa(pairs: Iterable[tuple[str, str]]) -> float | None:
    """Cohen's kappa of label pairs; None when it is undefined (see Agreement.kappa)."""
    return agreement_from_pairs(pairs).kappa


def kappa_band(kappa: float) -> str:
    """The plain-words band of a kappa value."""
    if kappa < 0:
        return "less agreement than chance"
    for floor, words in _BANDS:
        if kappa >= floor:
            return words
    return "slight agreement"  # pragma: no cover  (0 <= kappa < 0.0 cannot happen)


def describe_agreement(result: Agreement) -> str:
    """One sentence for a person: "kappa 0.41: moderate agreement", or why there is no kappa."""
    if result.n == 0:
        return "no items rated by both: nothing to compare yet"
    if result.kappa is None:
        label = next(iter(result.confusion))[0]
        share = round((result.percent or 0.0) * 100)
        return (
            f"kappa undefined: both said {label} every time ({result.n} of {result.n}), "
            f"so chance alone explains the {share}% agreement"
        )
    return f"kappa {result.kappa:.2f}: {kappa_band(result.kappa)}"


def per_step_agreement(
    counts_by_step: Mapping[str, ConfusionCounts], steps: Sequence[str]
) -> dict[str, Agreement]:
    """One Agreement per step, in `steps` order; steps without counts get an empty one."""
    return {step: agreement_from_counts(counts_by_step.get(step, {})) for step in steps}


def confusion_rows(result: Agreement, labels: Sequence[str] = LABELS) -> list[list[int]]:
    """The confusion table as rows (rater a's label) by columns (rater b's label)."""
    return [[result.confusion.get((a, b), 0) for b in labels] for a in labels]
