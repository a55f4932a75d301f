"""The planted causes and effects (the ground truth of the demo data) and their pure models."""

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import NamedTuple

# Every coefficient lives in `PlantedEffects`; docs/demo-data.md documents the same numbers and a
# test keeps the two in step. Satisfaction is a latent number on the CSAT scale:
#
#     S = csat_base + product + topic + channel + Σ service effects + defect + N(0, csat_noise_sd)
#
# CSAT is S rounded into 1..5; NPS, repurchase and CES are built on the same facts.


def _frozen(values: dict[str, float]) -> Mapping[str, float]:
    return MappingProxyType(values)


@dataclass(frozen=True, slots=True)
class PlantedEffects:
    # Satisfaction (CSAT points on the latent scale).
    csat_base: float = 4.1
    csat_noise_sd: float = 0.9
    slow_first_reply_seconds: int = 4 * 3600  # business seconds; slower than this is "slow"
    slow_first_reply: float = -0.6
    per_reopen: float = -0.5
    broken_promise: float = -0.8
    kept_promise: float = 0.1
    greeted_by_name: float = 0.2
    asked_needs: float = 0.3
    thanked: float = 0.2
    transferred: float = -0.3
    defect_period_product: float = -1.0
    product: Mapping[str, float] = field(
        default_factory=lambda: _frozen(
            {
                "ember-kettle": 0.0,
                "cascade-grinder": 0.1,
                "lumen-lamp": 0.15,
                "nimbus-purifier": 0.0,
                "orbit-vacuum": -0.1,
                "care-plan": -0.1,
            }
        )
    )
    topic: Mapping[str, float] = field(
        default_factory=lambda: _frozen(
            {
                "delivery": -0.15,
                "refund": -0.25,
                "defect": -0.3,
                "how_to": 0.15,
                "billing": -0.05,
            }
        )
    )
    channel: Mapping[str, float] = field(
        default_factory=lambda: _frozen(
            {
                "email": 0.0,
                "chat": 0.15,
                "web_form": 0.0,
                "phone": 0.1,
                "social": -0.2,
                "sms": -0.1,
            }
        )
    )
    # Reopens (a mediator: not asking what the customer needs leads to more reopens).
    reopen_base: float = 0.06
    reopen_if_needs_not_asked: float = 0.10
    reopen_if_defect_period: float = 0.10
    second_reopen: float = 0.2
    # Repurchase within `repurchase_window_days` of resolution: logistic in satisfaction.
    repurchase_intercept: float = -0.4
    repurchase_per_satisfaction: float = 0.8  # log-odds per CSAT point of S - csat_base
    repurchase_window_days: int = 120
    # Relationship NPS (0-10) after a conversation: linear in satisfaction.
    nps_base: float = 7.9
    nps_per_satisfaction: float = 1.6
    nps_noise_sd: float = 1.5
    # Customer effort (1-7, 7 = very easy).
    ces_base: float = 5.6
    ces_per_reopen: float = -0.7
    ces_transferred: float = -0.6
    ces_slow_first_reply: float = -0.5
    ces_per_extra_customer_message: float = -0.3
    ces_asked_needs: float = 0.2
    ces_defect_period_product: float = -0.3
    ces_noise_sd: float = 1.0


class ServiceFacts(NamedTuple):
    """What happened in one resolved conversation, as the satisfaction model sees it."""

    product: str
    topic: str
    channel: str
    first_reply_business_seconds: int
    reopens: int
    promise_kept: bool
    promise_broken: bool
    greeted_by_name: bool
    asked_needs: bool
    thanked: bool
    transferred: bool
    defect_period: bool  # about the defect product, opened during the defect window
    customer_messages: int


def is_slow(facts: ServiceFacts, effects: PlantedEffects) -> bool:
    return facts.first_reply_business_seconds > effects.slow_first_reply_seconds


def satisfaction_mean(facts: ServiceFacts, effects: PlantedEffects) -> float:
    """The expected latent satisfaction S for these facts (before the noise)."""
    return (
        effects.csat_base
        + effects.product.get(facts.product, 0.0)
        + effects.topic.get(facts.topic, 0.0)
        + effects.channel.get(facts.channel, 0.0)
        + effects.slow_first_reply * is_slow(facts, effects)
        + effects.per_reopen * facts.reopens
        + effects.broken_promise * facts.promise_broken
        + effects.kept_promise * facts.promise_kept
        + effects.greeted_by_name * facts.greeted_by_name
        + effects.asked_needs * facts.asked_needs
        + effects.thanked * facts.thanked
        + effects.transferred * facts.transferred
        + effects.defect_period_product * facts.defect_period
    )


def csat_from_satisfaction(satisfaction: float) -> int:
    """Round S into 1..5 (thresholds 1.5, 2.5, 3.5, 4.5)."""
    return min(5, max(1, math.floor(satisfaction + 0.5)))


def csat_distribution(mean: float, noise_sd: float) -> tuple[float, ...]:
    """P(CSAT = 1..5) for a latent mean: what a large sample of these facts should show."""
    cuts = [_normal_cdf((threshold - mean) / noise_sd) for threshold in (1.5, 2.5, 3.5, 4.5)]
    bounds = [0.0, *cuts, 1.0]
    return tuple(bounds[k + 1] - bounds[k] for k in range(5))


def expected_csat(facts: ServiceFacts, effects: PlantedEffects) -> float:
    """E[CSAT | facts], the oracle an analysis of the generated data can be checked against."""
    probabilities = csat_distribution(satisfaction_mean(facts, effects), effects.csat_noise_sd)
    return sum((score + 1) * p for score, p in enumerate(probabilities))


def repurchase_probability(satisfaction: float, effects: PlantedEffects) -> float:
    logit = effects.repurchase_intercept + effects.repurchase_per_satisfaction * (
        satisfaction - effects.csat_base
    )
    return 1.0 / (1.0 + math.exp(-logit))


def nps_score(satisfaction: float, noise: float, effects: PlantedEffects) -> int:
    """0..10 from S and a standard-normal draw `noise`."""
    latent = (
        effects.nps_base
        + effects.nps_per_satisfaction * (satisfaction - effects.csat_base)
        + effects.nps_noise_sd * noise
    )
    return min(10, max(0, math.floor(latent + 0.5)))


def ces_mean(facts: ServiceFacts, effects: PlantedEffects) -> float:
    return (
        effects.ces_base
        + effects.ces_per_reopen * facts.reopens
        + effects.ces_transferred * facts.transferred
        + effects.ces_slow_first_reply * is_slow(facts, effects)
        + effects.ces_per_extra_customer_message * max(0, facts.customer_messages - 1)
        + effects.ces_asked_needs * facts.asked_needs
        + effects.ces_defect_period_product * facts.defect_period
    )


def ces_score(facts: ServiceFacts, noise: float, effects: PlantedEffects) -> int:
    """1..7 (7 = very easy) from the facts and a standard-normal draw `noise`."""
    latent = ces_mean(facts, effects) + effects.ces_noise_sd * noise
    return min(7, max(1, math.floor(latent + 0.5)))


def reopen_probability(*, asked_needs: bool, defect_period: bool, effects: PlantedEffects) -> float:
    return (
        effects.reopen_base
        + effects.reopen_if_needs_not_asked * (not asked_needs)
        + effects.reopen_if_defect_period * defect_period
    )


def _normal_cdf(z: float) -> float:
    return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))
