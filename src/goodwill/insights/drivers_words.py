"""The drivers in plain words: a label per factor and one sentence per effect. Pure."""

import math

from goodwill.insights.drivers_rules import Coefficient, DriverResult, Effect

DASH = "\u2013"  # en dash, between the ends of an interval
MINUS = "\u2212"
OUTCOME_TITLES = {"csat": "CSAT", "nps": "NPS", "repeat": "Repeat business"}
UNITS = {"csat": "CSAT points", "nps": "NPS points"}
LABELS = {
    "slow_first_reply": "A first reply after more than 4 business hours",
    "reopens": "Each reopening",
    "transferred": "A transfer to another agent",
    "broken_promise": "A broken promise",
    "kept_promise": "A kept promise",
    "greeted_by_name": "Greeting the customer by name in the first reply",
    "asked_needs": "Asking what the customer needs in the first reply",
    "thanked": "Thanking and offering more help in the resolving reply",
}
SHORT_LABELS = {
    "slow_first_reply": "slow reply",
    "reopens": "reopen",
    "transferred": "transfer",
    "broken_promise": "broken promise",
    "kept_promise": "kept promise",
    "greeted_by_name": "greeted",
    "asked_needs": "asked needs",
    "thanked": "thanked",
}
CAVEAT = (
    "These effects are observational: they compare past conversations that differed in one "
    "factor while product (month by month), topic and channel are held equal. They are not "
    "proof of cause; anything not measured that goes with a factor (a harder problem, an "
    "angrier customer) can explain part of its effect."
)
METHOD = {
    "csat": (
        "Interval regression on the latent satisfaction behind each 1-5 answer (a 4 means "
        "somewhere from 3.5 to 4.5), so effects are in CSAT points and not shrunk by the "
        "rounding or the ceiling at 5."
    ),
    "nps": (
        "Interval regression on the latent score behind each 0-10 answer; each conversation "
        "carries its own NPS answer or the customer's next relationship answer."
    ),
    "repeat": (
        "Logistic regression on whether the customer ordered again within 120 days of the "
        "resolution (conversations whose window has passed); effects are average changes in "
        "percentage points, with odds ratios."
    ),
}


def factor_label(key: str) -> str:
    """What a factor means, as the start of a sentence."""
    if key in LABELS:
        return LABELS[key]
    if key.startswith("missed_"):
        return f"Missing the {key.removeprefix('missed_')} step"
    if key.startswith("channel:"):
        return f"Writing by {key.removeprefix('channel:').replace('_', ' ')} (rather than email)"
    return key.replace("_", " ").capitalize()


def short_label(key: str) -> str:
    """A chart label of at most 14 characters."""
    if key in SHORT_LABELS:
        return SHORT_LABELS[key]
    if key.startswith("missed_"):
        return f"no {key.removeprefix('missed_')}"[:14]
    return key.removeprefix("channel:").replace("_", " ")[:14]


def effect_sentence(outcome: str, effect: Effect) -> str:
    """E.g. "A first reply after more than 4 business hours goes with 0.60 fewer CSAT points
    (95% CI 0.48 to 0.72 joined by an en dash), other things equal." """
    label = factor_label(effect.key)
    if outcome == "repeat":
        return _repeat_sentence(label, effect)
    return _points_sentence(label, effect.coefficient, UNITS[outcome])


def _points_sentence(label: str, value: Coefficient, unit: str) -> str:
    if value.low <= 0 <= value.high:
        return (
            f"{label} shows no clear effect on {unit.split()[0]} ({_signed(value.estimate)} "
            f"points, 95% CI {_signed(value.low)} to {_signed(value.high)})."
        )
    direction = "more" if value.estimate > 0 else "fewer"
    low, high = sorted((abs(value.low), abs(value.high)))
    return (
        f"{label} goes with {abs(value.estimate):.2f} {direction} {unit} "
        f"(95% CI {low:.2f}{DASH}{high:.2f}), other things equal."
    )


def _repeat_sentence(label: str, effect: Effect) -> str:
    marginal = effect.marginal or effect.coefficient
    odds = odds_ratio(effect.coefficient)
    points = [100 * value for value in (marginal.estimate, marginal.low, marginal.high)]
    if marginal.low <= 0 <= marginal.high:
        return (
            f"{label} shows no clear effect on repeat business ({points[0]:+.1f} percentage "
            f"points, 95% CI {points[1]:+.1f} to {points[2]:+.1f}; odds ratio {odds[0]:.2f})."
        )
    direction = "more" if points[0] > 0 else "less"
    low, high = sorted((abs(points[1]), abs(points[2])))
    return (
        f"{label} goes with {abs(points[0]):.1f} percentage points {direction} repeat business "
        f"(95% CI {low:.1f}{DASH}{high:.1f}; odds ratio {odds[0]:.2f}, "
        f"{odds[1]:.2f}{DASH}{odds[2]:.2f}), other things equal."
    )


def odds_ratio(log_odds: Coefficient) -> tuple[float, float, float]:
    """The odds ratio and its 95% interval from a log-odds coefficient."""
    return math.exp(log_odds.estimate), math.exp(log_odds.low), math.exp(log_odds.high)


def summary(result: DriverResult) -> str:
    """One line on the fit: how many conversations, or why there is no estimate."""
    if result.refusal is not None:
        return result.refusal
    title = OUTCOME_TITLES[result.outcome]
    return f"{title}: {len(result.effects)} factors estimated from {result.n} conversations."


def _signed(value: float) -> str:
    return f"{value:+.2f}".replace("-", MINUS)
