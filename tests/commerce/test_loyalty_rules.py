"""Loyalty arithmetic: repeat rate, cohorts, time to next purchase, churn rule, segments."""

from datetime import UTC, datetime, timedelta

import pytest

from goodwill.commerce.loyalty import (
    Signal,
    churn_risk,
    median_days_to_next_purchase,
    nps_group,
    repeat_purchase_rate,
    retention_cohorts,
    segment,
)

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)


def day(month: int, d: int = 1, year: int = 2026) -> datetime:
    return datetime(year, month, d, 12, tzinfo=UTC)


def test_repeat_rate_counts_only_orders_inside_the_period() -> None:
    orders = {1: [day(1), day(1, 20)], 2: [day(1, 5)], 3: [day(2), day(4)], 4: [day(5)]}
    rate = repeat_purchase_rate(orders, day(1), day(3))
    assert (rate.buyers, rate.repeaters) == (3, 1)
    assert rate.rate == pytest.approx(1 / 3)
    assert repeat_purchase_rate({}, day(1), day(3)).rate is None


def test_cohorts_share_of_customers_ordering_each_month_after_the_first() -> None:
    orders = {
        1: [day(12, 3, 2025), day(1, 10), day(3, 1)],
        2: [day(12, 9, 2025)],
        3: [day(1, 2), day(2, 2)],
    }
    cohorts = retention_cohorts(orders, now=NOW, months=4)
    assert [(c.month, c.size) for c in cohorts] == [("2025-12", 2), ("2026-01", 1)]
    assert cohorts[0].shares == [1.0, 0.5, 0.0, 0.5]
    assert cohorts[1].shares == [1.0, 1.0, 0.0, None]  # April 2026 has not happened yet


def test_median_days_to_next_purchase_over_every_consecutive_pair() -> None:
    orders = {1: [day(1, 1), day(1, 11), day(1, 31)], 2: [day(2, 1), day(2, 5)], 3: [day(1)]}
    assert median_days_to_next_purchase(orders) == 10.0
    assert median_days_to_next_purchase({3: [day(1)]}) is None


@pytest.mark.parametrize(
    ("score", "group"),
    [
        (0, "detractor"),
        (6, "detractor"),
        (7, "passive"),
        (8, "passive"),
        (9, "promoter"),
        (10, "promoter"),
    ],
)
def test_nps_groups(score: int, group: str) -> None:
    assert nps_group(score) == group


def test_churn_risk_uses_the_customers_own_gap() -> None:
    dates = [NOW - timedelta(days=70), NOW - timedelta(days=40), NOW - timedelta(days=10)]
    risk = churn_risk(dates, now=NOW, typical_gap_days=5, signals=[])
    assert risk is not None
    assert risk.level == "low"
    assert risk.reason == "last order 10 days ago, 0.3x their usual 30-day gap"


@pytest.mark.parametrize(
    ("days", "level"), [(20, "low"), (30, "medium"), (59, "medium"), (60, "high")]
)
def test_churn_risk_thresholds_on_the_typical_gap(days: int, level: str) -> None:
    risk = churn_risk([NOW - timedelta(days=days)], now=NOW, typical_gap_days=30)
    assert risk is not None and risk.level == level
    assert "the typical 30-day gap" in risk.reason


def test_an_unhappy_latest_signal_raises_the_risk_one_step() -> None:
    dates = [NOW - timedelta(days=40)]
    detractor = Signal(kind="nps", score=3, at=NOW - timedelta(days=5))
    happy_older = Signal(kind="csat", score=5, at=NOW - timedelta(days=30))
    risk = churn_risk(dates, now=NOW, typical_gap_days=30, signals=[happy_older, detractor])
    assert risk is not None and risk.level == "high"
    assert risk.reason.endswith("; latest NPS 3 is unhappy")
    calm = churn_risk(dates, now=NOW, typical_gap_days=30, signals=[happy_older])
    assert calm is not None and calm.level == "medium"


def test_churn_risk_without_orders_or_any_gap() -> None:
    assert churn_risk([], now=NOW, typical_gap_days=30) is None
    risk = churn_risk([NOW - timedelta(days=100)], now=NOW, typical_gap_days=None)
    assert risk is not None and risk.level == "medium" and "default 90-day" in risk.reason


def test_segments_satisfied_versus_loyal() -> None:
    contact = NOW - timedelta(days=20)
    happy = [Signal(kind="csat", score=4, at=contact)]
    assert segment([], [NOW]) == "unrated"
    assert segment([Signal(kind="csat", score=3, at=contact)], [NOW]) == "not satisfied"
    assert segment([Signal(kind="ces", score=1, at=contact)], [NOW]) == "not satisfied"
    assert segment(happy, [contact - timedelta(days=1)]) == "satisfied"
    assert segment(happy, [contact + timedelta(days=1)]) == "loyal"
    assert segment([Signal(kind="nps", score=7, at=contact)], [NOW]) == "loyal"
    assert segment([Signal(kind="predicted", score=4.2, at=contact)], []) == "satisfied"
