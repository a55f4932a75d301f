"""Who gets each demo conversation: the teams' assignment rules over the agents' running load."""

import heapq
from dataclasses import dataclass

from goodwill.demo.worktime import BusinessClock

# Same rules as conversations.assignment_rules (round robin: longest since last assigned;
# least loaded: lowest open/capacity, then fewest open, then longest since assigned, then id),
# on integer times and with each agent's open conversations kept as a heap of release times.

NEVER = -(2**62)
FOREVER = 2**62


@dataclass(frozen=True, slots=True)
class AgentInfo:
    id: int
    key: str
    name: str
    first_name: str
    capacity: int


@dataclass(frozen=True, slots=True)
class TeamInfo:
    id: int
    name: str
    strategy: str
    members: tuple[int, ...]
    manager_id: int
    clock: BusinessClock


class Dispatcher:
    def __init__(self, agents: dict[int, AgentInfo]) -> None:
        self.agents = agents
        self.last_assigned: dict[int, int] = dict.fromkeys(agents, NEVER)
        self._releases: dict[int, list[int]] = {agent_id: [] for agent_id in agents}

    def open_count(self, agent_id: int, at: int) -> int:
        releases = self._releases[agent_id]
        while releases and releases[0] <= at:
            heapq.heappop(releases)
        return len(releases)

    def auto(self, team: TeamInfo, at: int) -> int | None:
        """The team rule's choice among members with room, or None (nobody has room)."""
        loads = [(agent_id, self.open_count(agent_id, at)) for agent_id in team.members]
        eligible = [
            (agent_id, count) for agent_id, count in loads if count < self.agents[agent_id].capacity
        ]
        if not eligible:
            return None
        if team.strategy == "round_robin":
            return min(eligible, key=lambda item: (self.last_assigned[item[0]], item[0]))[0]
        return min(
            eligible,
            key=lambda item: (
                item[1] / self.agents[item[0]].capacity,
                item[1],
                self.last_assigned[item[0]],
                item[0],
            ),
        )[0]

    def by_hand(self, team: TeamInfo, at: int, *, besides: int | None = None) -> int:
        """A manager's pick: the least busy member, capacity or not."""
        members = [agent_id for agent_id in team.members if agent_id != besides] or [
            team.manager_id
        ]
        return min(
            members,
            key=lambda agent_id: (
                self.open_count(agent_id, at),
                self.last_assigned[agent_id],
                agent_id,
            ),
        )

    def assigned(self, agent_id: int, at: int) -> None:
        self.last_assigned[agent_id] = at

    def hold(self, agent_id: int, until: int | None) -> None:
        """The agent has this conversation open until `until` (None: still open at the end)."""
        heapq.heappush(self._releases[agent_id], FOREVER if until is None else until)
