"""Who gets a new conversation: round robin or least loaded among agents with room. Pure."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from fractions import Fraction

# Sorts before any real assignment time, so agents never assigned come first.
_NEVER = datetime.min.replace(tzinfo=UTC)


class AssignmentStrategy(StrEnum):
    MANUAL = "manual"
    ROUND_ROBIN = "round_robin"
    LEAST_LOADED = "least_loaded"


@dataclass(frozen=True, slots=True)
class AgentLoad:
    agent_id: int
    is_available: bool
    open_count: int  # conversations currently assigned and in an open status
    capacity: int  # max open conversations; 0 = takes none
    last_assigned_at: datetime | None

    def __post_init__(self) -> None:
        if self.open_count < 0 or self.capacity < 0:
            raise ValueError(
                f"Agent {self.agent_id}: open_count ({self.open_count}) and capacity "
                f"({self.capacity}) must not be negative."
            )


def has_room(load: AgentLoad) -> bool:
    """Capacity only; availability is checked separately by `is_eligible`."""
    return load.open_count < load.capacity


def is_eligible(load: AgentLoad) -> bool:
    return load.is_available and has_room(load)


def choose_assignee(candidates: Sequence[AgentLoad], strategy: AssignmentStrategy) -> int | None:
    """The agent id to assign, or None for manual assignment or when nobody qualifies."""
    if strategy == AssignmentStrategy.MANUAL:
        return None
    eligible = [load for load in candidates if is_eligible(load)]
    if not eligible:
        return None
    if strategy == AssignmentStrategy.ROUND_ROBIN:
        return min(eligible, key=_round_robin_key).agent_id
    return min(eligible, key=_least_loaded_key).agent_id


def _last_assigned(load: AgentLoad) -> datetime:
    if load.last_assigned_at is None:
        return _NEVER
    if load.last_assigned_at.tzinfo is None:
        raise ValueError(f"Agent {load.agent_id}: last_assigned_at must be timezone-aware.")
    return load.last_assigned_at.astimezone(UTC)


def _round_robin_key(load: AgentLoad) -> tuple[datetime, int]:
    return _last_assigned(load), load.agent_id


def _least_loaded_key(load: AgentLoad) -> tuple[Fraction, int, datetime, int]:
    ratio = Fraction(load.open_count, load.capacity)
    return ratio, load.open_count, _last_assigned(load), load.agent_id
