"""Calibration arithmetic: Cohen's kappa and percent agreement against hand-worked examples."""

import pytest
from sklearn.metrics import cohen_kappa_score

from goodwill.quality.calibration import (
    agreement_from_counts,
    agreement_from_pairs,
    cohens_kappa,
    confusion_rows,
    describe_agreement,
    kappa_band,
    per_step_agreement,
)

# Twenty conversations, one step, two reviewers (rows: reviewer A, columns: reviewer B).
#
#              B: done  missed  na   | A's total
#   A: done        8      2      0   |  10
#   A: missed      1      5      0   |   6
#   A: na          1      0      3   |   4
#   B's total     10      7      3   |  20
#
# Observed agreement p_o = (8 + 5 + 3) / 20 = 16 / 20 = 0.80
# Chance agreement   p_e = (10*10 + 6*7 + 4*3) / 20^2 = (100 + 42 + 12) / 400 = 154 / 400 = 0.385
# kappa = (p_o - p_e) / (1 - p_e) = (0.80 - 0.385) / (1 - 0.385) = 0.415 / 0.615 = 0.674797
HAND_WORKED = {
    ("done", "done"): 8,
    ("done", "missed"): 2,
    ("missed", "done"): 1,
    ("missed", "missed"): 5,
    ("na", "done"): 1,
    ("na", "na"): 3,
}


def _pairs(counts: dict[tuple[str, str], int]) -> list[tuple[str, str]]:
    return [pair for pair, n in counts.items() for _ in range(n)]


def test_the_hand_worked_example() -> None:
    result = agreement_from_counts(HAND_WORKED)
    assert result.n == 20
    assert result.agreed == 16
    assert result.percent == pytest.approx(0.80)
    assert result.expected == pytest.approx(0.385)
    assert result.kappa == pytest.approx(0.415 / 0.615)
    assert round(result.kappa or 0, 4) == 0.6748
    assert result.guidance == "kappa 0.67: substantial agreement"
    assert confusion_rows(result) == [[8, 2, 0], [1, 5, 0], [1, 0, 3]]


def test_pairs_and_counts_agree_with_an_independent_implementation() -> None:
    pairs = _pairs(HAND_WORKED)
    assert agreement_from_pairs(pairs) == agreement_from_counts(HAND_WORKED)
    a, b = zip(*pairs, strict=True)
    assert cohens_kappa(pairs) == pytest.approx(cohen_kappa_score(a, b))


def test_the_textbook_yes_no_example() -> None:
    # 50 items: yes/yes 20, yes/no 5, no/yes 10, no/no 15.
    # p_o = (20 + 15) / 50 = 0.70; A said yes 25 times, B 30 times.
    # p_e = (25*30 + 25*20) / 50^2 = (750 + 500) / 2500 = 0.50
    # kappa = (0.70 - 0.50) / (1 - 0.50) = 0.40, just below "moderate" (0.41).
    counts = {("yes", "yes"): 20, ("yes", "no"): 5, ("no", "yes"): 10, ("no", "no"): 15}
    result = agreement_from_counts(counts)
    assert result.percent == pytest.approx(0.70)
    assert result.expected == pytest.approx(0.50)
    assert result.kappa == pytest.approx(0.40)
    assert describe_agreement(result) == "kappa 0.40: fair agreement"


def test_perfect_agreement_is_exactly_one() -> None:
    # p_o = 1; p_e = (2*2 + 1*1 + 1*1) / 16 = 0.375; kappa = (1 - 0.375) / (1 - 0.375) = 1
    pairs = [("done", "done"), ("done", "done"), ("missed", "missed"), ("na", "na")]
    result = agreement_from_pairs(pairs)
    assert result.kappa == 1.0
    assert result.percent == 1.0
    assert result.guidance == "kappa 1.00: almost perfect agreement"


def test_both_raters_using_one_label_leaves_kappa_undefined() -> None:
    # p_o = 1 and p_e = (5*5) / 25 = 1: kappa = 0 / 0. Agreement is 100% but says nothing.
    result = agreement_from_pairs([("done", "done")] * 5)
    assert result.kappa is None
    assert result.percent == 1.0
    assert result.expected == 1.0
    assert result.guidance == (
        "kappa undefined: both said done every time (5 of 5), "
        "so chance alone explains the 100% agreement"
    )


def test_one_rater_always_saying_the_same_gives_kappa_zero() -> None:
    # A: done x4; B: done x3, missed x1. p_o = 3/4; p_e = (4*3 + 0*1) / 16 = 0.75; kappa = 0.
    pairs = [("done", "done")] * 3 + [("done", "missed")]
    result = agreement_from_pairs(pairs)
    assert result.percent == pytest.approx(0.75)
    assert result.kappa == pytest.approx(0.0)
    assert result.guidance == "kappa 0.00: slight agreement"


def test_systematic_disagreement_is_negative() -> None:
    # p_o = 0; p_e = (1*1 + 1*1) / 4 = 0.5; kappa = (0 - 0.5) / (1 - 0.5) = -1
    result = agreement_from_pairs([("done", "missed"), ("missed", "done")])
    assert result.kappa == pytest.approx(-1.0)
    assert result.guidance == "kappa -1.00: less agreement than chance"


def test_no_overlap_has_no_numbers() -> None:
    result = agreement_from_pairs([])
    assert (result.n, result.percent, result.expected, result.kappa) == (0, None, None, None)
    assert result.guidance == "no items rated by both: nothing to compare yet"
    assert agreement_from_counts({("done", "done"): 0}).n == 0


def test_negative_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        agreement_from_counts({("done", "done"): -1})


@pytest.mark.parametrize(
    ("kappa", "words"),
    [
        (-0.01, "less agreement than chance"),
        (0.0, "slight agreement"),
        (0.20, "slight agreement"),
        (0.21, "fair agreement"),
        (0.41, "moderate agreement"),
        (0.60, "moderate agreement"),
        (0.61, "substantial agreement"),
        (0.81, "almost perfect agreement"),
        (1.0, "almost perfect agreement"),
    ],
)
def test_kappa_bands(kappa: float, words: str) -> None:
    assert kappa_band(kappa) == words


def test_per_step_tables_keep_step_order_and_fill_gaps() -> None:
    steps = ("acknowledgement", "rapport", "needs")
    tables = per_step_agreement({"needs": HAND_WORKED, "rapport": {("na", "na"): 2}}, steps)
    assert list(tables) == list(steps)
    assert tables["acknowledgement"].n == 0
    assert tables["rapport"].kappa is None
    assert tables["needs"].kappa == pytest.approx(0.674797, abs=1e-6)
