"""Coaching arithmetic: weeks of a period, rates of the steps and failure modes, what to train
next. Pure: counts come in, decisions come out; `now` is an argument."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from goodwill.quality.rubric import FAILURE_MODES, STEPS

WEEK = timedelta(days=7)
MAX_WEEKS = 52
MIN_SAMPLES = 5  # fewer applicable conversations than this: too few to coach on


@dataclass(frozen=True, slots=True)
class Period:
    """Whole weeks, Monday 00:00 UTC to Monday 00:00 UTC; the last one holds `now`."""

    start: datetime
    weeks: int

    @property
    def end(self) -> datetime:
        return self.start + self.weeks * WEEK

    def week_starts(self) -> list[datetime]:
        return [self.start + index * WEEK for index in range(self.weeks)]


def period_ending(now: datetime, *, weeks: int) -> Period:
    """The `weeks` whole weeks up to and including the week of `now`."""
    if not 1 <= weeks <= MAX_WEEKS:
        raise ValueError(f"weeks must be between 1 and {MAX_WEEKS}")
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    this_monday = midnight - timedelta(days=now.weekday())
    return Period(start=this_monday - (weeks - 1) * WEEK, weeks=weeks)


@dataclass(slots=True)
class Rates:
    """Counts over a set of scored conversations, and the rates they give.

    A step's done-rate counts only conversations where it applied (done or missed)."""

    conversations: int = 0
    total_sum: int = 0
    done: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STEPS, 0))
    missed: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STEPS, 0))
    failures: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FAILURE_MODES, 0))

    def applicable(self, step: str) -> int:
        return self.done[step] + self.missed[step]

    def done_rate(self, step: str) -> float | None:
        applicable = self.applicable(step)
        return self.done[step] / applicable if applicable else None

    def failure_rate(self, mode: str) -> float | None:
        return self.failures[mode] / self.conversations if self.conversations else None

    @property
    def average_total(self) -> float | None:
        return self.total_sum / self.conversations if self.conversations else None

    def add(self, other: "Rates") -> None:
        self.conversations += other.conversations
        self.total_sum += other.total_sum
        for step in STEPS:
            self.done[step] += other.done[step]
            self.missed[step] += other.missed[step]
        for mode in FAILURE_MODES:
            self.failures[mode] += other.failures[mode]


def combined(parts: Iterable[Rates]) -> Rates:
    total = Rates()
    for part in parts:
        total.add(part)
    return total


def rates_from_counts(counts: Mapping[Any, Any]) -> Rates:
    """Rates from one aggregate row: `conversations`, `total_sum`, `<step>_done`,
    `<step>_missed` and one count per failure mode (None counts as 0)."""

    def value(key: str) -> int:
        return int(counts.get(key) or 0)

    return Rates(
        conversations=value("conversations"),
        total_sum=value("total_sum"),
        done={step: value(f"{step}_done") for step in STEPS},
        missed={step: value(f"{step}_missed") for step in STEPS},
        failures={mode: value(mode) for mode in FAILURE_MODES},
    )


@dataclass(frozen=True, slots=True)
class TrainingFocus:
    """Where an agent is furthest behind their team: a step done less often, or a failure mode
    seen more often. `gap` is in percentage points (always positive)."""

    item: str
    kind: str  # "step" | "failure_mode"
    agent_rate: float
    team_rate: float

    @property
    def gap(self) -> float:
        difference = self.team_rate - self.agent_rate
        return round(100 * (difference if self.kind == "step" else -difference), 1)


def training_focus(
    agent: Rates, team: Rates, *, min_samples: int = MIN_SAMPLES
) -> TrainingFocus | None:
    """The step or failure mode where the agent trails the team most; None when the agent is
    not behind anywhere or has too few conversations to say."""
    candidates: list[TrainingFocus] = []
    for step in STEPS:
        mine, theirs = agent.done_rate(step), team.done_rate(step)
        if mine is not None and theirs is not None and agent.applicable(step) >= min_samples:
            candidates.append(TrainingFocus(step, "step", mine, theirs))
    if agent.conversations >= min_samples:
        for mode in FAILURE_MODES:
            mine, theirs = agent.failure_rate(mode), team.failure_rate(mode)
            if mine is not None and theirs is not None:
                candidates.append(TrainingFocus(mode, "failure_mode", mine, theirs))
    behind = [focus for focus in candidates if focus.gap > 0]
    if not behind:
        return None
    order = {name: index for index, name in enumerate((*STEPS, *FAILURE_MODES))}
    return max(behind, key=lambda focus: (focus.gap, -order[focus.item]))
