"""How one demo conversation unfolds: who handles it, what they write and when. Pure."""

import random
from dataclasses import dataclass, field

from goodwill.conversations.status import ConversationStatus
from goodwill.demo import replies, texts, wording
from goodwill.demo.catalog import PRIORITY_SPEED, PROMISE_RATE, TAG_DEFECT, ChannelSpec
from goodwill.demo.dispatch import Dispatcher, TeamInfo
from goodwill.demo.draw import choose
from goodwill.demo.effects import PlantedEffects, reopen_probability
from goodwill.demo.habits import Habits
from goodwill.demo.rows import Row
from goodwill.demo.scenarios import Scenario
from goodwill.demo.simulation import ConversationSim, IdCounter, sweep_tick

# The story draws the agent's behaviour from their habits, then plays each step through a
# `ConversationSim` so the facts and events follow the live rules. Steps after `now` never happen.

S = ConversationStatus
DAY = 86400
MAX_MESSAGES = 8
AUTO_CLOSE_AFTER = 4 * DAY
TRANSFER_RATE = 0.08
CROSS_TEAM_TRANSFER = 0.5
CUSTOMER_THANKS_RATE = 0.30  # the solution leaves it pending and the customer confirms
NO_CONFIRMATION_RATE = 0.15  # pending, the customer never confirms: resolved automatically
AUTO_RESOLVE_AFTER = 4 * DAY
SELF_ASSIGN_RATE = 0.4
LATER_REPLY = 0.8  # later replies take this share of the agent's usual first-reply time
GOES_QUIET_RATE = 0.08  # never answers the agent's question; resolved after QUIET_WAIT
QUIET_WAIT = 3 * (7 * 3600 + 1800)  # three business days
_PROMISE_KINDS = {
    "delivery": ("courier", "callback", "update"),
    "refund": ("refund", "update"),
    "defect": ("callback", "update"),
    "how_to": ("callback", "update"),
    "billing": ("refund", "callback"),
}


class _PastNow(Exception):
    """The next step would happen after `now`: the story stops here."""


@dataclass(slots=True)
class StoryContext:
    """What every story of a run shares."""

    rng: random.Random
    now: int
    dispatcher: Dispatcher
    teams: list[TeamInfo]
    habits: dict[int, Habits]  # agent id -> habits
    first_names: dict[int, str]
    ids: IdCounter
    effects: PlantedEffects


@dataclass(slots=True)
class Case:
    """The given facts of one conversation, decided before anyone answers it."""

    sim: ConversationSim
    team: TeamInfo
    channel: ChannelSpec
    topic: str
    customer_id: int
    subject: str
    scenario: Scenario
    slots: wording.Slots
    surge: bool  # one of the extra conversations about the defect
    defect_period: bool
    transferred: bool


@dataclass(slots=True)
class Outcome:
    """What the story did, as the satisfaction model sees it."""

    handler: int | None = None
    greeted: bool = False
    asked: bool = False
    thanked: bool = False
    promise: list[object] | None = None  # the promise row while it is being written
    promise_kept: bool = False
    promise_broken: bool = False
    released_at: int | None = None
    tags: list[str] = field(default_factory=list)


class Story:
    def __init__(self, context: StoryContext, case: Case) -> None:
        self.context, self.case, self.sim = context, case, case.sim
        self.rng = context.rng
        self.outcome = Outcome()

    def play(self) -> Outcome:
        try:
            at = self._open()
            at = self._first_touch(at)
            at = self._answer(at)
            at = self._reopens(at)
            self.outcome.released_at = at
            self._close(at)
        except _PastNow:
            pass
        self.sim.finish(self.context.now)
        if self.outcome.handler is not None:
            self.context.dispatcher.hold(self.outcome.handler, self.outcome.released_at)
        return self.outcome

    def promise_row(self) -> Row | None:
        return tuple(self.outcome.promise) if self.outcome.promise else None

    # Steps ---------------------------------------------------------------------------------

    def _open(self) -> int:
        case, sim, dispatcher = self.case, self.sim, self.context.dispatcher
        at = sim.created_at
        agent: int | None = None
        if case.channel.name == "phone":  # the agent who took the call logs it
            agent = dispatcher.by_hand(case.team, at)
            sim.open(case.subject, actor=agent)
            sim.assign(at, agent, actor=agent, method="manual")
        else:
            sim.open(case.subject, actor=None)
            if case.team.strategy != "manual":
                agent = dispatcher.auto(case.team, at)
                if agent is not None:
                    sim.assign(at, agent, actor=None, method=case.team.strategy)
        opener = wording.customer_text(
            self.rng, choose(self.rng, case.scenario.openers), case.slots, case.channel.name
        )
        sim.customer_message(
            at, opener, customer_id=case.customer_id, external_id=self._inbound_id(at)
        )
        if agent is None:
            at = self._at(case.team.clock.add(at, self._business_delay(20 * 60, live=0.1)))
            agent = dispatcher.by_hand(case.team, at)
            actor = agent if self.rng.random() < SELF_ASSIGN_RATE else case.team.manager_id
            sim.assign(at, agent, actor=actor, method="manual")
        dispatcher.assigned(agent, at)
        self.outcome.handler = agent
        return at

    def _first_touch(self, at: int) -> int:
        handler = self._handler()
        at = self._at(self.case.team.clock.add(at, self._agent_delay(handler, first=True)))
        if not self.case.transferred:
            return at
        dispatcher = self.context.dispatcher
        team = self.case.team
        if self.rng.random() < CROSS_TEAM_TRANSFER:
            team = choose(self.rng, [other for other in self.context.teams if other is not team])
        successor = dispatcher.by_hand(team, at, besides=handler)
        self.case.slots["agent"] = self.context.first_names[successor]
        self.case.slots["team"] = team.name
        self.sim.note(at, replies.TRANSFER_NOTE.format_map(self.case.slots), agent_id=handler)
        if team is not self.case.team:
            self.sim.change_team(at, team.id, actor=handler, clock=team.clock)
            self.case.team = team
        self.sim.assign(at, successor, actor=handler, method="manual")
        dispatcher.hold(handler, at)
        dispatcher.assigned(successor, at)
        self.outcome.handler = successor
        return self._at(team.clock.add(at, self._agent_delay(successor, first=True)))

    def _answer(self, at: int) -> int:
        """The first reply: a clarifying question first, or straight to the solution."""
        handler, habits, outcome = self._handler(), self._habits(), self.outcome
        outcome.greeted = self.rng.random() < habits.greets_by_name
        outcome.asked = self.rng.random() < habits.asks_needs
        slots = self.case.slots
        slots["agent"] = self.context.first_names[handler]
        if self.case.surge:
            self.sim.tag(at, TAG_DEFECT, actor=handler)
            outcome.tags.append(TAG_DEFECT)
        if self.rng.random() < habits.writes_notes:
            note = choose(self.rng, replies.NOTES[self.case.topic]).format_map(slots)
            self.sim.note(at, note, agent_id=handler)
        opening = wording.greeting(self.rng, by_name=outcome.greeted) + self._acknowledgement()
        if not outcome.asked:
            return self._solve(at, opening)
        self._reply(at, opening + self.case.scenario.question, status_after=None)
        if self.rng.random() < GOES_QUIET_RATE:
            at = self._at(self.case.team.clock.add(at, QUIET_WAIT))
            self.sim.change_status(at, S.RESOLVED, actor=handler)
            return at
        at = self._customer_writes(at, self.case.scenario.answer)
        at = self._at(self.case.team.clock.add(at, self._agent_delay(handler, first=False)))
        thanks = f"Thanks, {slots['first_name']}. " if outcome.greeted else "Thanks. "
        return self._solve(at, thanks)

    def _solve(self, at: int, opening: str) -> int:
        outcome, rng = self.outcome, self.rng
        outcome.thanked = rng.random() < self._habits().thanks
        body = opening + choose(rng, self.case.scenario.solutions)
        if rng.random() < PROMISE_RATE[self.case.topic] and self._room_for(3):
            return self._promise(at, body)
        body += wording.closing(rng, thanked=outcome.thanked)
        ending = rng.random()
        if ending < CUSTOMER_THANKS_RATE and self._room_for(2):
            self._reply(at, body, status_after=None)
            at = self._customer_writes(at, choose(rng, texts.CUSTOMER_THANKS))
            at = self._at(
                self.case.team.clock.add(at, self._agent_delay(self._handler(), first=False) // 4)
            )
            self.sim.change_status(at, S.RESOLVED, actor=self._handler())
            return at
        if ending < CUSTOMER_THANKS_RATE + NO_CONFIRMATION_RATE:
            self._reply(at, body, status_after=None)
            at = self._at(sweep_tick(at + AUTO_RESOLVE_AFTER))
            self.sim.change_status(at, S.RESOLVED, actor=None)
            return at
        self._reply(at, body, status_after=S.RESOLVED)
        return at

    def _promise(self, at: int, body: str) -> int:
        kind = choose(self.rng, _PROMISE_KINDS[self.case.topic])
        clock, slots = self.case.team.clock, self.case.slots
        due, phrase = wording.promise_deadline(kind, at, clock)
        sentence, description = wording.promise_texts(kind, phrase, due, clock, slots)
        body += sentence + wording.closing(self.rng, thanked=self.outcome.thanked)
        message_id = self._reply(at, body, status_after=S.ON_HOLD)
        promise: list[object] = [
            self.context.ids.take("promises"),
            self.sim.id,
            message_id,
            self._handler(),
            description,
            at,
            due,
            None,
            None,
        ]
        self.outcome.promise = promise
        if self.rng.random() < self._habits().keeps_promises:
            working = clock.between(at, due)  # follow up in working time before the deadline
            follow_up_at = clock.add(at, max(60, int(working * self.rng.uniform(0.3, 0.95))))
            at = self._at(min(due, follow_up_at))
            follow_up = choose(self.rng, replies.FOLLOW_UPS)
            follow_up += wording.closing(self.rng, thanked=self.outcome.thanked)
            self._reply(at, follow_up, status_after=S.RESOLVED)
            promise[7] = at
            self.outcome.promise_kept = True
            return at
        self.outcome.promise_broken = True
        broken_at = self._at(sweep_tick(due))
        promise[8] = broken_at
        at = self._customer_writes(due, choose(self.rng, texts.CHASERS), median=5 * 3600)
        at = self._at(clock.add(at, self._agent_delay(self._handler(), first=False)))
        apology = choose(self.rng, replies.APOLOGIES) + "It's all sorted now."
        self._reply(
            at,
            apology + wording.closing(self.rng, thanked=self.outcome.thanked),
            status_after=S.RESOLVED,
        )
        return at

    def _reopens(self, at: int) -> int:
        effects = self.context.effects
        chance = reopen_probability(
            asked_needs=self.outcome.asked, defect_period=self.case.defect_period, effects=effects
        )
        count = 0
        while self.rng.random() < (chance if count == 0 else effects.second_reopen):
            if not self._room_for(2):
                break
            count += 1
            at = self._at(at + int(self.rng.uniform(0.3, 3.5) * DAY))
            self.sim.customer_message(
                at,
                wording.customer_text(
                    self.rng, self.case.scenario.reopener, self.case.slots, self.case.channel.name
                ),
                customer_id=self.case.customer_id,
                external_id=self._inbound_id(at),
            )
            at = self._at(
                self.case.team.clock.add(at, self._agent_delay(self._handler(), first=False))
            )
            body = self.case.scenario.second_fix
            self._reply(
                at,
                body + wording.closing(self.rng, thanked=self.outcome.thanked),
                status_after=S.RESOLVED,
            )
        return at

    def _close(self, at: int) -> None:
        self.sim.change_status(self._at(sweep_tick(at + AUTO_CLOSE_AFTER)), S.CLOSED, actor=None)

    # Helpers -------------------------------------------------------------------------------

    def _reply(self, at: int, body: str, *, status_after: S | None) -> int:
        sim = self.sim
        text = wording.agent_text(body, self.case.slots, sim.channel)
        return sim.agent_reply(
            at,
            text,
            agent_id=self._handler(),
            status_after=status_after,
            external_id=self._outbound_id(),
        )

    def _customer_writes(self, after: int, body: str, *, median: int | None = None) -> int:
        channel = self.case.channel
        delay = int((median or channel.customer_reply_median) * self.rng.lognormvariate(0, 1.0))
        at = self._at(after + max(15, delay))
        text = wording.customer_text(self.rng, body, self.case.slots, channel.name)
        self.sim.customer_message(
            at, text, customer_id=self.case.customer_id, external_id=self._inbound_id(at)
        )
        return at

    def _acknowledgement(self) -> str:
        return choose(self.rng, replies.ACKNOWLEDGEMENTS[self.case.topic])

    def _agent_delay(self, agent_id: int, *, first: bool) -> int:
        median = self.context.habits[agent_id].first_reply_minutes * 60
        median *= self.case.channel.agent_speed * PRIORITY_SPEED[self.sim.priority]
        median *= 1.0 if first else LATER_REPLY
        return max(20, int(median * self.rng.lognormvariate(0, 1.0)))

    def _business_delay(self, median: int, *, live: float) -> int:
        scale = live if self.case.channel.is_live else 1.0
        return max(10, int(median * scale * self.rng.lognormvariate(0, 0.8)))

    def _room_for(self, messages: int) -> bool:
        return self.sim.message_count + messages <= MAX_MESSAGES

    def _handler(self) -> int:
        assert self.outcome.handler is not None
        return self.outcome.handler

    def _habits(self) -> Habits:
        return self.context.habits[self._handler()]

    def _at(self, moment: int) -> int:
        if moment > self.context.now:
            raise _PastNow
        return moment

    def _inbound_id(self, at: int) -> str | None:
        channel = self.sim.channel
        if channel == "email":
            return f"<{at:x}.{self.sim.id}.{self.sim.message_count}@mail.example>"
        if channel == "web_form":
            return f"form-{self.sim.id}-{self.sim.message_count}"
        return None

    def _outbound_id(self) -> str:
        if self.sim.channel == "email":
            return f"<gw.{self.sim.id}.{self.sim.message_count}@hearthware.example>"
        return f"{self.sim.channel}-{self.sim.id}-{self.sim.message_count}"
