"""What a resolved demo conversation leads to: survey answers, repurchases, and coming back."""

import heapq
import json
import random
from dataclasses import dataclass, field
from typing import NamedTuple

from goodwill.demo import texts
from goodwill.demo.draw import choose
from goodwill.demo.effects import (
    PlantedEffects,
    ServiceFacts,
    ces_score,
    csat_from_satisfaction,
    is_slow,
    nps_score,
    repurchase_probability,
    satisfaction_mean,
)
from goodwill.demo.people import OrderRef, Person, new_order
from goodwill.demo.rows import Batch
from goodwill.demo.simulation import IdCounter

# Satisfaction S is drawn once per resolved conversation from the planted model
# (effects.py); CSAT, CES, NPS and the repurchase all follow from it and from the same facts.

HOUR, DAY = 3600, 86400
CSAT_SHARE, CES_SHARE, NPS_SHARE = 0.40, 0.08, 0.06  # of resolved conversations invited
CSAT_ANSWERED, CES_ANSWERED, NPS_ANSWERED = 0.22, 0.25, 0.30
SURVEY_DELAY = 2 * HOUR
SURVEY_EXPIRY = 7 * DAY
COOL_DOWN = 14 * DAY
COMMENT_SHARE = 0.35
RETURN_AFTER_REPURCHASE = 0.6  # a repurchase leads to a later conversation about it
FOLLOW_UP_CONTACT = 0.2  # no repurchase, but they write again about the same order
_NONCE_MULTIPLIER = 0x9E3779B97F4A7C15F39CC0605CEDC835  # odd: a bijection modulo 2**128


class Truth(NamedTuple):
    """The ground truth of one resolved conversation (kept for tests and documentation)."""

    conversation_id: int
    agent_id: int
    facts: ServiceFacts
    satisfaction: float
    csat: int
    repurchased: bool


@dataclass(order=True, slots=True)
class Return:
    """A customer due to write again at `ready_at` about `order`."""

    ready_at: int
    sequence: int
    person: Person = field(compare=False)
    order: OrderRef = field(compare=False)


@dataclass(slots=True)
class Aftermath:
    """Shared by every conversation of a run: returning customers and survey state."""

    rng: random.Random
    now: int
    ids: IdCounter
    effects: PlantedEffects
    products: list[tuple[int, int, int]]  # (index, product id, price)
    returns: list[Return] = field(default_factory=list)
    sequence: int = 0

    def next_return(self, at: int) -> Return | None:
        if self.returns and self.returns[0].ready_at <= at:
            return heapq.heappop(self.returns)
        return None

    def settle(
        self,
        batch: Batch,
        facts: ServiceFacts,
        *,
        conversation_id: int,
        agent: tuple[int, str],
        person: Person,
        order: OrderRef,
        resolved_at: int,
    ) -> Truth:
        rng, effects = self.rng, self.effects
        satisfaction = satisfaction_mean(facts, effects) + rng.gauss(0.0, effects.csat_noise_sd)
        csat = csat_from_satisfaction(satisfaction)
        self._surveys(
            batch, facts, satisfaction, csat, conversation_id, person, resolved_at, agent[1]
        )
        repurchased = rng.random() < repurchase_probability(satisfaction, effects)
        self._purchases(batch, person, order, resolved_at, repurchased=repurchased)
        return Truth(conversation_id, agent[0], facts, satisfaction, csat, repurchased)

    # Surveys -------------------------------------------------------------------------------

    def _surveys(
        self,
        batch: Batch,
        facts: ServiceFacts,
        satisfaction: float,
        csat: int,
        conversation_id: int,
        person: Person,
        resolved_at: int,
        agent_name: str,
    ) -> None:
        rng = self.rng
        roll = rng.random()
        ces_noise, nps_noise = rng.gauss(0.0, 1.0), rng.gauss(0.0, 1.0)
        if roll < CSAT_SHARE:
            comment, reasons = self._csat_words(facts, csat, agent_name)
            self._invite(
                batch,
                "csat",
                conversation_id,
                person,
                resolved_at,
                answered_share=CSAT_ANSWERED,
                score=csat,
                comment=comment,
                reasons=reasons,
            )
        elif roll < CSAT_SHARE + CES_SHARE:
            self._invite(
                batch,
                "ces",
                conversation_id,
                person,
                resolved_at,
                answered_share=CES_ANSWERED,
                score=ces_score(facts, ces_noise, self.effects),
            )
        if rng.random() < NPS_SHARE:
            sent_at = resolved_at + int(rng.uniform(10, 40) * DAY)
            self._invite(
                batch,
                "nps",
                None,
                person,
                sent_at - SURVEY_DELAY,
                answered_share=NPS_ANSWERED,
                score=nps_score(satisfaction, nps_noise, self.effects),
            )

    def _invite(  # noqa: PLR0913
        self,
        batch: Batch,
        kind: str,
        conversation_id: int | None,
        person: Person,
        created_at: int,
        *,
        answered_share: float,
        score: int,
        comment: str = "",
        reasons: tuple[str, ...] | list[str] = (),
    ) -> None:
        rng = self.rng
        answers = rng.random() < answered_share
        delay = int(4 * HOUR * rng.lognormvariate(0, 1.2))
        if created_at > self.now:
            return
        send_at = created_at + SURVEY_DELAY
        suppressed = None
        if kind != "nps":
            cooling = person.surveyed_at is not None and created_at - person.surveyed_at < COOL_DOWN
            suppressed = "cool_down" if cooling else None
            if not cooling:
                person.surveyed_at = created_at
        sent_at = send_at if suppressed is None and send_at <= self.now else None
        invitation_id = self.ids.take("survey_invitations")
        nonce = f"{invitation_id * _NONCE_MULTIPLIER % 2**128:032x}"
        batch.rows["survey_invitations"].append(
            (
                invitation_id,
                kind,
                conversation_id,
                person.id,
                nonce,
                created_at,
                send_at,
                sent_at,
                send_at + SURVEY_EXPIRY,
                suppressed,
            )
        )
        if sent_at is None or not answers:
            return
        answered_at = sent_at + 60 + delay
        if answered_at > min(self.now, send_at + SURVEY_EXPIRY):
            return
        batch.rows["survey_responses"].append(
            (
                self.ids.take("survey_responses"),
                invitation_id,
                kind,
                conversation_id,
                person.id,
                score,
                comment,
                json.dumps(list(reasons)),
                answered_at,
                answered_at,
            )
        )

    def _csat_words(self, facts: ServiceFacts, csat: int, agent_name: str) -> tuple[str, list[str]]:
        rng = self.rng
        is_low = csat <= 2 or (csat == 3 and rng.random() < 0.5)
        reasons = low_score_reasons(rng, facts, self.effects) if is_low else []
        if rng.random() >= COMMENT_SHARE:
            return "", reasons
        if reasons:
            return texts.SURVEY_COMMENTS_LOW[reasons[0]], reasons
        choices = texts.SURVEY_COMMENTS_HIGH if csat >= 4 else texts.SURVEY_COMMENTS_MIDDLE
        return choose(rng, choices).replace("{agent}", agent_name), []

    # Purchases -----------------------------------------------------------------------------

    def _purchases(
        self, batch: Batch, person: Person, order: OrderRef, resolved_at: int, *, repurchased: bool
    ) -> None:
        """A repurchase may bring them back about the new order; otherwise only now and then."""
        rng = self.rng
        ordered_at = resolved_at + int(rng.uniform(7, self.effects.repurchase_window_days) * DAY)
        product = choose(rng, self.products)
        comes_back = rng.random()
        ready_at = ordered_at + int(rng.uniform(2, 45) * DAY)
        if repurchased:
            if ordered_at > self.now:
                return
            new = new_order(self.ids, batch, customer_id=person.id, product=product, at=ordered_at)
            if comes_back < RETURN_AFTER_REPURCHASE:
                self._come_back(ready_at, person, new)
        elif comes_back < FOLLOW_UP_CONTACT:
            self._come_back(resolved_at + int(rng.uniform(7, 90) * DAY), person, order)

    def _come_back(self, ready_at: int, person: Person, order: OrderRef) -> None:
        if ready_at <= self.now:
            self.sequence += 1
            heapq.heappush(self.returns, Return(ready_at, self.sequence, person, order))


def low_score_reasons(
    rng: random.Random, facts: ServiceFacts, effects: PlantedEffects
) -> list[str]:
    """Reasons a dissatisfied customer ticks: the causes that actually happened to them."""
    reasons = []
    if is_slow(facts, effects):
        reasons.append("slow")
    if facts.reopens or facts.promise_broken:
        reasons.append("not_resolved")
    if not facts.asked_needs and rng.random() < 0.5:
        reasons.append("didnt_listen")
    if not facts.greeted_by_name and not facts.thanked and rng.random() < 0.3:
        reasons.append("rude")
    if facts.defect_period or (facts.topic == "defect" and rng.random() < 0.5):
        reasons.append("defect")
    if facts.topic == "delivery" and rng.random() < 0.6:
        reasons.append("delivery")
    if facts.topic in ("refund", "billing") and rng.random() < 0.3:
        reasons.append(choose(rng, ("price", "policy")))
    if not reasons:
        reasons.append(choose(rng, ("quality", "not_resolved")))
    return reasons
