"""The generator's fast helpers agree with the pure rules they stand in for."""

import random
from datetime import UTC, datetime, timedelta

from goodwill.agents.business_hours import add_business_time, business_time_between
from goodwill.conversations.assignment_rules import AgentLoad, AssignmentStrategy, choose_assignee
from goodwill.demo.dispatch import AgentInfo, Dispatcher, TeamInfo
from goodwill.demo.worktime import BusinessClock
from goodwill.demo.world import standalone_world

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
WORLD = standalone_world(NOW.year)


def test_business_clock_agrees_with_the_pure_functions() -> None:
    calendar = WORLD.teams[0].calendar
    start = int((NOW - timedelta(days=365)).timestamp())
    clock = BusinessClock(calendar, start=start, end=int(NOW.timestamp()) + 86400 * 60)
    rng = random.Random(3)
    for _ in range(300):
        moment = rng.randrange(start, int(NOW.timestamp()))
        seconds = rng.choice([0, 60, 3600, 4 * 3600, 27000, 3 * 27000, rng.randrange(1, 200000)])
        at = datetime.fromtimestamp(moment, UTC)
        expected = add_business_time(at, timedelta(seconds=seconds), calendar)
        assert clock.add(moment, seconds) == int(expected.timestamp())
        later = moment + rng.randrange(0, 10 * 86400)
        between = business_time_between(at, datetime.fromtimestamp(later, UTC), calendar)
        assert clock.between(moment, later) == between.total_seconds()


def test_dispatcher_picks_like_the_assignment_rules() -> None:
    rng = random.Random(5)
    agents = {
        number: AgentInfo(number, f"a{number}", f"A {number}", "A", rng.choice([2, 3, 5]))
        for number in range(1, 6)
    }
    for _ in range(200):
        dispatcher = Dispatcher(agents)
        now = 10_000
        for agent_id in agents:
            for _ in range(rng.randrange(0, 5)):
                dispatcher.hold(agent_id, now + rng.randrange(-50, 500))
            if rng.random() < 0.7:
                dispatcher.assigned(agent_id, now - rng.randrange(1, 1000))
        strategy = rng.choice(["round_robin", "least_loaded"])
        team = TeamInfo(1, "T", strategy, tuple(agents), 1, None)  # type: ignore[arg-type]
        loads = [
            AgentLoad(
                agent_id,
                True,
                dispatcher.open_count(agent_id, now),
                agents[agent_id].capacity,
                _when(dispatcher.last_assigned[agent_id]),
            )
            for agent_id in agents
        ]
        assert dispatcher.auto(team, now) == choose_assignee(loads, AssignmentStrategy(strategy))


def _when(timestamp: int) -> datetime | None:
    return None if timestamp < 0 else datetime.fromtimestamp(timestamp, UTC)
