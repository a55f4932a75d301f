"""Facts rows drawn from the demo's planted model, for the drivers service, API and page tests
(inserted directly: the drivers read only conversation_facts)."""

import random
from datetime import date, timedelta

from factories import Factories
from goodwill.demo.effects import (
    PlantedEffects,
    ServiceFacts,
    csat_from_satisfaction,
    nps_score,
    repurchase_probability,
    satisfaction_mean,
)
from goodwill.insights.models import ConversationFact
from support.insights_facts_factory import fact

EFFECTS = PlantedEffects()
START = date(2026, 1, 5)
DAYS = 42
FILTER = {"start": START.isoformat(), "end": (START + timedelta(days=DAYS - 1)).isoformat()}
PRODUCTS = {"ember-kettle": 101, "lumen-lamp": 102, "orbit-vacuum": 103}


def add_rated_facts(
    make: Factories, count: int, *, seed: int = 1, start: date = START
) -> list[ConversationFact]:
    """`count` resolved conversations with a CSAT, an NPS and a decided repurchase, whose
    scores follow the planted satisfaction model (slow replies cost 0.6 points, ...)."""
    rng = random.Random(seed)
    rows = []
    for index in range(count):
        facts = _draw(rng)
        satisfaction = satisfaction_mean(facts, EFFECTS) + rng.gauss(0, EFFECTS.csat_noise_sd)
        rows.append(
            fact(
                make,
                day=start + timedelta(days=index % DAYS),
                channel=facts.channel,
                topic=facts.topic,
                product_id=PRODUCTS[facts.product],
                status="resolved",
                first_response_business_seconds=facts.first_reply_business_seconds,
                reopens=facts.reopens,
                transfers=int(facts.transferred),
                promises_made=int(facts.promise_kept or facts.promise_broken),
                promises_kept=int(facts.promise_kept),
                promises_broken=int(facts.promise_broken),
                greeted_by_name=facts.greeted_by_name,
                asked_needs=facts.asked_needs,
                thanked=facts.thanked,
                csat=csat_from_satisfaction(satisfaction),
                nps=nps_score(satisfaction, rng.gauss(0, 1), EFFECTS),
                repurchased=rng.random() < repurchase_probability(satisfaction, EFFECTS),
            )
        )
    return rows


def _draw(rng: random.Random) -> ServiceFacts:
    broken = rng.random() < 0.15
    return ServiceFacts(
        product=rng.choice(list(PRODUCTS)),
        topic=rng.choice(("delivery", "refund", "how_to")),
        channel=rng.choice(("email", "chat", "phone")),
        first_reply_business_seconds=int(rng.expovariate(1 / 9000)),
        reopens=int(rng.random() < 0.15),
        promise_kept=not broken and rng.random() < 0.2,
        promise_broken=broken,
        greeted_by_name=rng.random() < 0.5,
        asked_needs=rng.random() < 0.5,
        thanked=rng.random() < 0.5,
        transferred=rng.random() < 0.15,
        defect_period=False,
        customer_messages=2,
    )
