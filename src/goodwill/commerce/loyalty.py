"""Loyalty arithmetic on order dates and satisfaction signals: pure, `now` passed in.

Definitions (docs/loyalty.md): repeat-purchase rate, monthly retention cohorts, time to next
purchase, the churn-risk rule, NPS groups and the satisfied-vs-loyal segments."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise
from statistics import median
from typing import Literal

RiskLevel = Literal["low", "medium", "high"]
LEVELS: tuple[RiskLevel, ...] = ("low", "medium", "high")
DEFAULT_GAP_DAYS = 90.0  # expected gap when neither the customer nor the business has one
OVERDUE_HIGH = 2.0  # days since last order >= this many expected gaps: high risk
SECONDS_PER_DAY = 86_400.0


@dataclass(frozen=True, slots=True)
class RepeatRate:
    buyers: int
    repeaters: int

    @property
    def rate(self) -> float | None:
        return self.repeaters / self.buyers if self.buyers else None


@dataclass(frozen=True, slots=True)
class Cohort:
    month: str  # YYYY-MM of the first order
    size: int
    shares: list[float | None]  # index = months since the first; None = not reached yet


@dataclass(frozen=True, slots=True)
class Signal:
    """The latest answer of one kind (csat 1-5, nps 0-10, ces 1-7, predicted 1-5)."""

    kind: Literal["csat", "nps", "ces", "predicted"]
    score: float
    at: datetime


@dataclass(frozen=True, slots=True)
class ChurnRisk:
    level: RiskLevel
    reason: str


def repeat_purchase_rate(
    orders: Mapping[int, Sequence[datetime]], start: datetime, end: datetime
) -> RepeatRate:
    """Customers with >= 2 orders in [start, end) over customers with >= 1 there."""
    counts = [sum(1 for at in dates if start <= at < end) for dates in orders.values()]
    return RepeatRate(
        buyers=sum(1 for n in counts if n >= 1), repeaters=sum(1 for n in counts if n >= 2)
    )


def month_number(at: datetime) -> int:
    return at.year * 12 + at.month - 1


def month_label(number: int) -> str:
    return f"{number // 12:04d}-{number % 12 + 1:02d}"


def retention_cohorts(
    orders: Mapping[int, Sequence[datetime]], *, now: datetime, months: int = 12
) -> list[Cohort]:
    """Per first-order month: the share of its customers ordering k months later (k < months)."""
    active: dict[int, list[set[int]]] = {}
    current = month_number(now)
    for dates in orders.values():
        if not dates:
            continue
        ordered_months = {month_number(at) for at in dates}
        first = min(ordered_months)
        active.setdefault(first, []).append({m - first for m in ordered_months})
    cohorts = []
    for first in sorted(active):
        members = active[first]
        shares: list[float | None] = [
            None if first + k > current else sum(1 for m in members if k in m) / len(members)
            for k in range(months)
        ]
        cohorts.append(Cohort(month=month_label(first), size=len(members), shares=shares))
    return cohorts


def purchase_gaps_days(dates: Sequence[datetime]) -> list[float]:
    ordered = sorted(dates)
    return [(b - a).total_seconds() / SECONDS_PER_DAY for a, b in pairwise(ordered)]


def median_days_to_next_purchase(orders: Mapping[int, Sequence[datetime]]) -> float | None:
    """The median gap, in days, between one order and the same customer's next."""
    gaps = [gap for dates in orders.values() for gap in purchase_gaps_days(dates)]
    return median(gaps) if gaps else None


def nps_group(score: int) -> Literal["promoter", "passive", "detractor"]:
    if score >= 9:
        return "promoter"
    return "passive" if score >= 7 else "detractor"


def is_unhappy(signal: Signal) -> bool:
    """CSAT <= 2, NPS detractor (<= 6), CES >= 5 (hard) or predicted CSAT <= 2.5."""
    if signal.kind == "csat":
        return signal.score <= 2
    if signal.kind == "nps":
        return signal.score <= 6
    if signal.kind == "ces":
        return signal.score >= 5
    return signal.score <= 2.5


def is_satisfying(signal: Signal) -> bool:
    """CSAT >= 4, NPS >= 7 or predicted CSAT >= 4 (CES does not count)."""
    if signal.kind in ("csat", "predicted"):
        return signal.score >= 4
    return signal.kind == "nps" and signal.score >= 7


def describe(signal: Signal) -> str:
    score = f"{signal.score:.1f}" if signal.kind == "predicted" else f"{signal.score:.0f}"
    name = "predicted CSAT" if signal.kind == "predicted" else signal.kind.upper()
    return f"latest {name} {score}"


def _expected_gap(dates: Sequence[datetime], typical_gap_days: float | None) -> tuple[float, str]:
    own = purchase_gaps_days(dates)
    if own:
        return max(median(own), 1.0), "their usual"
    if typical_gap_days:
        return max(typical_gap_days, 1.0), "the typical"
    return DEFAULT_GAP_DAYS, "the default"


def churn_risk(
    dates: Sequence[datetime],
    *,
    now: datetime,
    typical_gap_days: float | None,
    signals: Sequence[Signal] = (),
) -> ChurnRisk | None:
    """Overdue ratio -> low (< 1), medium (< 2), high; an unhappy latest signal raises one step.

    The ratio is days since the last order over the customer's own median gap (two or more
    orders), else the business's typical gap, else 90 days. None without any order."""
    if not dates:
        return None
    expected, whose = _expected_gap(dates, typical_gap_days)
    since = (now - max(dates)).total_seconds() / SECONDS_PER_DAY
    ratio = since / expected
    step = 0 if ratio < 1 else (1 if ratio < OVERDUE_HIGH else 2)
    reason = f"last order {since:.0f} days ago, {ratio:.1f}x {whose} {expected:.0f}-day gap"
    latest = max(signals, key=lambda s: s.at, default=None)
    if latest is not None and is_unhappy(latest):
        step = min(step + 1, 2)
        reason += f"; {describe(latest)} is unhappy"
    return ChurnRisk(level=LEVELS[step], reason=reason)


def segment(
    signals: Sequence[Signal], dates: Sequence[datetime]
) -> Literal["loyal", "satisfied", "not satisfied", "unrated"]:
    """Satisfied = a latest signal satisfies; loyal = satisfied and ordered after that contact."""
    if not signals:
        return "unrated"
    satisfying = [s.at for s in signals if is_satisfying(s)]
    if not satisfying:
        return "not satisfied"
    contact = min(satisfying)
    return "loyal" if any(at > contact for at in dates) else "satisfied"
