"""The demo data generator: a seed and the reference data in, batches of rows out. Pure, no DB."""

import random
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from itertools import accumulate

from goodwill.conversations.references import reference_for_number
from goodwill.conversations.sla import select_sla_policy
from goodwill.demo import wording
from goodwill.demo.arrivals import DAY, Arrival, ArrivalCurve
from goodwill.demo.catalog import (
    CHANNELS,
    DEFECT_PRODUCT,
    PRIORITIES,
    PRODUCTS,
    TOPICS,
    ChannelSpec,
    ProductSpec,
    team_for_topic,
)
from goodwill.demo.dispatch import AgentInfo, Dispatcher, TeamInfo
from goodwill.demo.draw import choose
from goodwill.demo.effects import PlantedEffects, ServiceFacts
from goodwill.demo.habits import ROSTER
from goodwill.demo.names import COURIERS
from goodwill.demo.outcomes import Aftermath, Truth
from goodwill.demo.people import OrderRef, Person, new_order, new_person, vip_tag
from goodwill.demo.rows import Batch
from goodwill.demo.simulation import ConversationSim, IdCounter, SlaTargets
from goodwill.demo.story import TRANSFER_RATE, Case, Outcome, Story, StoryContext
from goodwill.demo.worktime import BusinessClock
from goodwill.demo.world import World

# Deterministic: the same world, seed, count and `now` always give the same rows. Conversations
# are generated in time order; customers come back (the pool in outcomes.Aftermath) when they
# bought again or have a follow-up question.

CLOCK_MARGIN_BEFORE = 3 * DAY
CLOCK_MARGIN_AFTER = 200 * DAY
DEFAULT_BATCH_SIZE = 2000


@dataclass(frozen=True, slots=True)
class _Product:
    index: int
    id: int
    spec: ProductSpec
    topic_weights: tuple[list[str], list[float]]


class _Picker:
    """Weighted choice with precomputed cumulative weights."""

    def __init__(self, items: list[str], weights: list[float]) -> None:
        self.items = items
        self.cumulative = list(accumulate(weights))

    def pick(self, rng: random.Random) -> str:
        index = bisect_right(self.cumulative, rng.random() * self.cumulative[-1])
        return self.items[min(index, len(self.items) - 1)]


class DemoGenerator:
    def __init__(
        self,
        world: World,
        *,
        conversations: int,
        seed: int,
        now: int,
        effects: PlantedEffects | None = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
        keep_truth: bool = False,
    ) -> None:
        self.world, self.count, self.now, self.batch_size = world, conversations, now, batch_size
        self.effects = effects or PlantedEffects()
        self.keep_truth = keep_truth
        self.rng = random.Random(seed)
        self.ids = IdCounter(world.first_ids)
        self.teams = self._teams()
        self._team_for_topic = {
            topic: next(team for team in self.teams if team.name == team_for_topic(topic))
            for topic in TOPICS
        }
        self.curve = ArrivalCurve(self.teams[0].clock, now=now)
        self.products = self._products()
        self._product_picker = _Picker(
            [str(p.index) for p in self.products], [p.spec.share for p in self.products]
        )
        self._topic_pickers = {p.index: _Picker(*p.topic_weights) for p in self.products}
        self._priority = _Picker([name for name, _ in PRIORITIES], [w for _, w in PRIORITIES])
        self._live = _Picker(
            [c.name for c in CHANNELS if c.is_live], [c.share for c in CHANNELS if c.is_live]
        )
        self._offline = _Picker(
            [c.name for c in CHANNELS if not c.is_live],
            [c.share for c in CHANNELS if not c.is_live],
        )
        self._channels = {channel.name: channel for channel in CHANNELS}
        self._sla: dict[tuple[str, str], SlaTargets | None] = {}
        agents = {
            agent.id: AgentInfo(
                agent.id, agent.key, agent.name, agent.name.split()[0], agent.capacity
            )
            for agent in world.agents
        }
        roster = {spec.key: spec.habits for spec in ROSTER}
        self.context = StoryContext(
            rng=self.rng,
            now=now,
            dispatcher=Dispatcher(agents),
            teams=self.teams,
            habits={agent.id: roster[agent.key] for agent in world.agents},
            first_names={agent.id: agent.first_name for agent in agents.values()},
            ids=self.ids,
            effects=self.effects,
        )
        self.aftermath = Aftermath(
            self.rng,
            now,
            self.ids,
            self.effects,
            [(p.index, p.id, p.spec.price_cents) for p in self.products],
        )
        self.truth: list[Truth] = []

    def batches(self) -> Iterator[Batch]:
        for start in range(0, self.count, self.batch_size):
            batch = Batch()
            for index in range(start, min(start + self.batch_size, self.count)):
                self._conversation(batch, self.curve.arrival(index, self.count, self.rng))
            yield batch

    # One conversation ----------------------------------------------------------------------

    def _conversation(self, batch: Batch, arrival: Arrival) -> None:
        rng, at = self.rng, arrival.at
        channel_name = (self._live if arrival.is_live_hour else self._offline).pick(rng)
        returning = self.aftermath.next_return(at)
        if returning is not None:
            person, order = returning.person, returning.order
            product = self.products[order.product_index]
            if (channel_name in ("phone", "sms") and not person.has_phone) or (
                channel_name == "social" and not person.has_twitter
            ):
                channel_name = "email"
        else:
            person = new_person(
                rng,
                self.ids,
                batch,
                at=at,
                channel=channel_name,
                companies=self.world.companies,
                vip_tag_id=vip_tag(self.world.tag_ids),
            )
            product = (
                self._defect_product()
                if arrival.is_defect_surge
                else self.products[int(self._product_picker.pick(rng))]
            )
            order = new_order(
                self.ids,
                batch,
                customer_id=person.id,
                product=(product.index, product.id, product.spec.price_cents),
                at=at - int(rng.uniform(1, 40) * DAY),
                quantity=2 if rng.random() < 0.06 else 1,
            )
        surge = arrival.is_defect_surge and returning is None
        topic = "defect" if surge else self._topic_pickers[product.index].pick(rng)
        self._play(batch, person, order, product, topic, self._channels[channel_name], at, surge)

    def _play(
        self,
        batch: Batch,
        person: Person,
        order: OrderRef,
        product: _Product,
        topic: str,
        channel: ChannelSpec,
        at: int,
        surge: bool,
    ) -> None:
        case = self._case(batch, person, order, product, topic, channel, at, surge)
        story = Story(self.context, case)
        outcome = story.play()
        sim = case.sim
        batch.rows["conversations"].append(
            sim.row(
                reference=case.slots["ref"],
                subject=case.subject,
                customer_id=person.id,
                product_id=product.id,
                topic=topic,
            )
        )
        batch.conversations += 1
        batch.messages += sim.message_count
        batch.rows["conversation_tags"].extend(
            (sim.id, self.world.tag_ids[name])
            for name in outcome.tags
            if name in self.world.tag_ids
        )
        promise = story.promise_row()
        if promise is not None:
            batch.rows["promises"].append(promise)
        if sim.resolved_at is not None and not sim.is_open and outcome.handler is not None:
            truth = self.aftermath.settle(
                batch,
                _facts(case, outcome, product.spec.slug),
                conversation_id=sim.id,
                agent=(outcome.handler, self.context.first_names[outcome.handler]),
                person=person,
                order=order,
                resolved_at=sim.resolved_at,
            )
            if self.keep_truth:
                self.truth.append(truth)

    def _case(
        self,
        batch: Batch,
        person: Person,
        order: OrderRef,
        product: _Product,
        topic: str,
        channel: ChannelSpec,
        at: int,
        surge: bool,
    ) -> Case:
        """The conversation as the customer opens it, before anyone answers."""
        rng = self.rng
        conversation_id = self.ids.take("conversations")
        priority = "high" if surge and rng.random() < 0.5 else self._priority.pick(rng)
        team = self._team_for_topic[topic]
        sim = ConversationSim(
            conversation_id=conversation_id,
            created_at=at,
            channel=channel.name,
            priority=priority,
            team_id=team.id,
            sla=self._targets(priority, channel.name),
            clock=team.clock,
            ids=self.ids,
            events=batch.rows["conversation_events"],
            messages=batch.rows["messages"],
        )
        days = (
            wording.weekday_of(at - int(rng.uniform(1, 4) * DAY)),
            wording.weekday_of(at + int(rng.uniform(1, 3) * DAY)),
        )
        slots = wording.conversation_slots(
            rng,
            first_name=person.first_name,
            full_name=person.full_name,
            product=(product.spec.slug, product.spec.name, product.spec.short),
            order=order.external_id,
            amount_cents=order.amount_cents,
            reference=reference_for_number(conversation_id),
            days=days,
            courier=choose(rng, COURIERS),
        )
        subject = wording.subject(rng, topic, slots, surge=surge)
        return Case(
            sim=sim,
            team=team,
            channel=channel,
            topic=topic,
            customer_id=person.id,
            subject=subject,
            slots=slots,
            surge=surge,
            scenario=wording.scenario(rng, topic, product.spec.slug, slots, surge=surge),
            defect_period=product.spec.slug == DEFECT_PRODUCT and self.curve.window.contains(at),
            transferred=rng.random() < TRANSFER_RATE,
        )

    # Setup ---------------------------------------------------------------------------------

    def _defect_product(self) -> _Product:
        return next(product for product in self.products if product.spec.slug == DEFECT_PRODUCT)

    def _targets(self, priority: str, channel: str) -> SlaTargets | None:
        key = (priority, channel)
        if key not in self._sla:
            rule = select_sla_policy(self.world.sla_rules, priority=priority, channel=channel)
            self._sla[key] = (
                None
                if rule is None
                else SlaTargets(
                    rule.policy_id,
                    _seconds(rule.targets.first_response),
                    _seconds(rule.targets.next_response),
                    _seconds(rule.targets.resolution),
                )
            )
        return self._sla[key]

    def _teams(self) -> list[TeamInfo]:
        start = self.now - 365 * DAY - CLOCK_MARGIN_BEFORE
        clocks: list[BusinessClock] = []
        teams = []
        for team in self.world.teams:
            clock = next((c for c in clocks if c.calendar == team.calendar), None)
            if clock is None:
                clock = BusinessClock(team.calendar, start=start, end=self.now + CLOCK_MARGIN_AFTER)
                clocks.append(clock)
            teams.append(
                TeamInfo(team.id, team.name, team.strategy, team.member_ids, team.manager_id, clock)
            )
        return teams

    def _products(self) -> list[_Product]:
        ids = {product.slug: product.id for product in self.world.products}
        return [
            _Product(
                index,
                ids[spec.slug],
                spec,
                ([topic for topic, _ in spec.topics], [weight for _, weight in spec.topics]),
            )
            for index, spec in enumerate(PRODUCTS)
        ]


def _facts(case: Case, outcome: Outcome, product: str) -> ServiceFacts:
    sim = case.sim
    return ServiceFacts(
        product=product,
        topic=case.topic,
        channel=case.channel.name,
        first_reply_business_seconds=sim.first_response_business_seconds or 0,
        reopens=sim.reopened_count,
        promise_kept=outcome.promise_kept,
        promise_broken=outcome.promise_broken,
        greeted_by_name=outcome.greeted,
        asked_needs=outcome.asked,
        thanked=outcome.thanked,
        transferred=case.transferred,
        defect_period=case.defect_period,
        customer_messages=sim.customer_messages,
    )


def _seconds(value: timedelta | None) -> int | None:
    return None if value is None else int(value.total_seconds())
