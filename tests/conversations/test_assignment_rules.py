"""Automatic assignment: who qualifies, round robin, least loaded, and their properties."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from goodwill.conversations.assignment_rules import (
    AgentLoad,
    AssignmentStrategy,
    choose_assignee,
    has_room,
    is_eligible,
)

T0 = datetime(2024, 5, 6, 9, tzinfo=UTC)
MANUAL = AssignmentStrategy.MANUAL
ROUND_ROBIN = AssignmentStrategy.ROUND_ROBIN
LEAST_LOADED = AssignmentStrategy.LEAST_LOADED


def agent(
    agent_id: int,
    *,
    open_count: int = 0,
    capacity: int = 5,
    is_available: bool = True,
    last_assigned_at: datetime | None = None,
) -> AgentLoad:
    return AgentLoad(agent_id, is_available, open_count, capacity, last_assigned_at)


@pytest.mark.parametrize(
    ("_case", "load", "room", "eligible"),
    [
        ("below capacity", agent(1, open_count=2, capacity=5), True, True),
        ("one slot left", agent(1, open_count=4, capacity=5), True, True),
        ("at capacity", agent(1, open_count=5, capacity=5), False, False),
        ("over capacity after a manual assignment", agent(1, open_count=7, capacity=5), False,
         False),
        ("capacity zero takes none", agent(1, open_count=0, capacity=0), False, False),
        ("room but away", agent(1, open_count=0, capacity=5, is_available=False), True, False),
    ],
)  # fmt: skip
def test_has_room_and_eligibility(_case: str, load: AgentLoad, room: bool, eligible: bool) -> None:
    assert has_room(load) is room
    assert is_eligible(load) is eligible


@pytest.mark.parametrize(("open_count", "capacity"), [(-1, 5), (0, -1)])
def test_negative_counts_are_rejected(open_count: int, capacity: int) -> None:
    with pytest.raises(ValueError, match="must not be negative"):
        agent(1, open_count=open_count, capacity=capacity)


@pytest.mark.parametrize(
    ("_case", "candidates", "strategy", "expected"),
    [
        ("manual never picks", [agent(1)], MANUAL, None),
        ("no candidates", [], ROUND_ROBIN, None),
        ("no candidates, least loaded", [], LEAST_LOADED, None),
        ("everyone away", [agent(1, is_available=False), agent(2, is_available=False)],
         ROUND_ROBIN, None),
        ("everyone full", [agent(1, open_count=3, capacity=3), agent(2, capacity=0)],
         LEAST_LOADED, None),
        # Round robin
        ("never assigned comes first", [agent(1, last_assigned_at=T0), agent(2)], ROUND_ROBIN, 2),
        ("least recently assigned", [agent(1, last_assigned_at=T0),
                                     agent(2, last_assigned_at=T0 - timedelta(minutes=1))],
         ROUND_ROBIN, 2),
        ("ties go to the lowest agent id", [agent(3), agent(2), agent(5)], ROUND_ROBIN, 2),
        ("equal times go to the lowest agent id", [agent(4, last_assigned_at=T0),
                                                   agent(3, last_assigned_at=T0)], ROUND_ROBIN, 3),
        ("round robin ignores load", [agent(1, open_count=4, last_assigned_at=T0 - timedelta(1)),
                                      agent(2, open_count=0, last_assigned_at=T0)], ROUND_ROBIN, 1),
        ("round robin skips the unavailable", [agent(1, is_available=False), agent(2,
                                               last_assigned_at=T0)], ROUND_ROBIN, 2),
        ("round robin skips the full", [agent(1, open_count=5), agent(2, last_assigned_at=T0)],
         ROUND_ROBIN, 2),
        # Least loaded
        ("lowest ratio wins over lowest count", [agent(1, open_count=2, capacity=3),
                                                 agent(2, open_count=3, capacity=10)],
         LEAST_LOADED, 2),
        ("equal ratio goes to the lower count", [agent(1, open_count=2, capacity=4),
                                                 agent(2, open_count=1, capacity=2)],
         LEAST_LOADED, 2),
        ("exact ratios: 1/3 equals 2/6", [agent(1, open_count=2, capacity=6),
                                          agent(2, open_count=1, capacity=3,
                                                last_assigned_at=T0)], LEAST_LOADED, 2),
        ("equal load goes to the least recently assigned", [
            agent(1, open_count=1, last_assigned_at=T0),
            agent(2, open_count=1, last_assigned_at=T0 - timedelta(hours=1))], LEAST_LOADED, 2),
        ("equal everything goes to the lowest agent id", [agent(9, open_count=1),
                                                          agent(4, open_count=1)],
         LEAST_LOADED, 4),
        ("least loaded skips the unavailable", [agent(1, is_available=False),
                                                agent(2, open_count=4)], LEAST_LOADED, 2),
    ],
)  # fmt: skip
def test_choose_assignee(
    _case: str, candidates: list[AgentLoad], strategy: AssignmentStrategy, expected: int | None
) -> None:
    assert choose_assignee(candidates, strategy) == expected


def test_last_assigned_times_compare_as_instants_across_zones() -> None:
    earlier_in_tokyo = (T0 - timedelta(minutes=1)).astimezone(ZoneInfo("Asia/Tokyo"))
    candidates = [agent(1, last_assigned_at=T0), agent(2, last_assigned_at=earlier_in_tokyo)]

    assert choose_assignee(candidates, ROUND_ROBIN) == 2


@st.composite
def agent_loads(draw: st.DrawFn, agent_id: int) -> AgentLoad:
    capacity = draw(st.integers(min_value=0, max_value=8))
    minutes_ago = draw(st.none() | st.integers(min_value=0, max_value=600))
    return AgentLoad(
        agent_id=agent_id,
        is_available=draw(st.booleans()),
        open_count=draw(st.integers(min_value=0, max_value=10)),
        capacity=capacity,
        last_assigned_at=None if minutes_ago is None else T0 - timedelta(minutes=minutes_ago),
    )


@st.composite
def teams(draw: st.DrawFn) -> list[AgentLoad]:
    ids = draw(st.lists(st.integers(min_value=1, max_value=1000), unique=True, max_size=8))
    return [draw(agent_loads(agent_id)) for agent_id in ids]


def _ratio(load: AgentLoad) -> Fraction:
    return Fraction(load.open_count, load.capacity)


@given(team=teams(), strategy=st.sampled_from([ROUND_ROBIN, LEAST_LOADED]))
def test_chosen_agent_is_available_with_room(
    team: list[AgentLoad], strategy: AssignmentStrategy
) -> None:
    chosen = choose_assignee(team, strategy)
    eligible = [load for load in team if load.is_available and has_room(load)]

    assert (chosen is None) is (not eligible)
    if chosen is not None:
        load = next(load for load in team if load.agent_id == chosen)
        assert load.is_available
        assert has_room(load)
        if strategy == LEAST_LOADED:
            assert _ratio(load) == min(_ratio(other) for other in eligible)


@given(team=teams())
def test_manual_never_chooses(team: list[AgentLoad]) -> None:
    assert choose_assignee(team, MANUAL) is None


@given(team=teams())
def test_round_robin_cycles_through_everyone_with_room(team: list[AgentLoad]) -> None:
    team = [replace(load, is_available=True, open_count=0, capacity=3) for load in team]
    now = T0
    chosen = []
    for _ in range(2 * len(team)):
        now += timedelta(minutes=1)
        agent_id = choose_assignee(team, ROUND_ROBIN)
        assert agent_id is not None
        chosen.append(agent_id)
        team = [
            replace(load, last_assigned_at=now) if load.agent_id == agent_id else load
            for load in team
        ]

    first_round, second_round = chosen[: len(team)], chosen[len(team) :]
    assert sorted(first_round) == sorted(load.agent_id for load in team)
    assert second_round == first_round
