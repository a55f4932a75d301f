"""Arithmetic of the Satisfaction and Quality dashboards beyond the survey scores. Pure.

CSAT, NPS, CES, response rate and coverage come from goodwill.surveys.rules; this module adds the
blended estimate, sentiment movement, repurchase and retention shares, the step done rate, the
change against the previous period and the weekly buckets of the charts."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from goodwill.surveys import rules as survey_rules
from goodwill.surveys.answer_rules import LOOP_UP_TO

# The survey rules' own thresholds, so SQL can count each group with one comparison.
CSAT_SATISFIED_MIN = min(
    s for s in survey_rules.score_range("csat") if survey_rules.csat_satisfied_percent({s: 1})
)
CSAT_UNHAPPY_MAX = LOOP_UP_TO["csat"]  # 1-2: the answers that open a loop-closing task
NPS_PROMOTER_MIN = min(
    s for s in survey_rules.score_range("nps") if survey_rules.nps_group(s) == "promoter"
)
NPS_DETRACTOR_MAX = max(
    s for s in survey_rules.score_range("nps") if survey_rules.nps_group(s) == "detractor"
)
CES_EASY_MIN = min(
    s for s in survey_rules.score_range("ces") if survey_rules.ces_easy_percent({s: 1})
)
RETENTION_DAYS = 30  # a customer "came back" within this many days after the period's last day
SENTIMENT_CHANGE = 0.1  # sentiment (-1..1) must move by more than this to count as a change


def percent(part: int, whole: int) -> float | None:
    """100 * part / whole; None when there is nothing to divide by."""
    return None if whole == 0 else 100.0 * part / whole


def mean(total: float, count: int) -> float | None:
    return None if count == 0 else total / count


def change(current: float | None, previous: float | None) -> float | None:
    """This period minus the previous one (points for percentages); None if either is missing."""
    if current is None or previous is None:
        return None
    return current - previous


def blended_csat(
    rated_sum: int, rated_count: int, predicted_sum: float, predicted_count: int
) -> float | None:
    """Estimated CSAT over every resolved conversation: the customer's answer where there is
    one, the model's prediction where there is not (resolved conversations with neither are
    left out of both sums)."""
    return mean(rated_sum + predicted_sum, rated_count + predicted_count)


def step_done_rate(done: int, missed: int) -> float | None:
    """% of applicable steps that were done: done / (done + missed); `na` is not applicable."""
    return percent(done, done + missed)


def retention_complete(period_end: date, today: date) -> bool:
    """True once the RETENTION_DAYS after the period's last day have all passed."""
    return today > period_end + timedelta(days=RETENTION_DAYS)


def week_of(day: date) -> date:
    """The Monday that starts the ISO week of `day`."""
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True, slots=True)
class WeekMean:
    week: date  # its Monday
    count: int
    mean: float | None


def weekly_means(
    daily: Iterable[tuple[date, float, int]], start: date, end: date
) -> list[WeekMean]:
    """Fold daily (day, sum, count) rows into one mean per week from `start` to `end`, with
    weeks that have no values present (count 0, mean None) so the chart shows the gap."""
    sums: dict[date, float] = {}
    counts: dict[date, int] = {}
    for day, total, count in daily:
        week = week_of(day)
        sums[week] = sums.get(week, 0.0) + total
        counts[week] = counts.get(week, 0) + count
    weeks = []
    week = week_of(start)
    while week <= end:
        count = counts.get(week, 0)
        weeks.append(WeekMean(week, count, mean(sums.get(week, 0.0), count)))
        week += timedelta(days=7)
    return weeks


def rounded(value: float | None, digits: int = 1) -> float | None:
    """A figure as tables show it."""
    return None if value is None else round(value, digits)
