"""JSON shapes of the automatic scores, scorecards and re-scoring requests."""

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from goodwill.quality.coaching_rules import MAX_WEEKS, Rates, TrainingFocus
from goodwill.quality.repository import ScoredConversation
from goodwill.quality.rubric import FAILURE_MODES, STEPS

StepValue = Literal["done", "missed", "na"]


class ConversationScoreOut(BaseModel):
    """A conversation's automatic score. When no saved score is up to date it is computed just
    now (`saved` false, `scored_at` null); the worker saves one within a minute."""

    conversation_id: int
    agent_id: int | None
    team_id: int | None
    total: int = Field(description="0-100, weighted by the rubric in use when scored")
    steps: dict[str, StepValue]
    strengths: dict[str, float]
    failure_modes: dict[str, bool]
    evidence: dict[str, str] = Field(description="step or failure mode -> sentence or fact")
    scorer_version: str
    conversation_updated_at: datetime
    scored_at: datetime | None
    saved: bool = Field(description="false: computed just now, not yet saved by the worker")


class StepRateOut(BaseModel):
    done: int
    applicable: int = Field(description="conversations where the step applied (done + missed)")
    rate: float | None = Field(description="done / applicable; null when nothing applied")


class FailureRateOut(BaseModel):
    count: int
    rate: float | None = Field(description="share of scored conversations; null when none")


class RatesOut(BaseModel):
    conversations: int
    average_total: float | None
    steps: dict[str, StepRateOut]
    failure_modes: dict[str, FailureRateOut]

    @classmethod
    def of(cls, rates: Rates) -> "RatesOut":
        return cls(
            conversations=rates.conversations,
            average_total=None if rates.average_total is None else round(rates.average_total, 1),
            steps={
                step: StepRateOut(
                    done=rates.done[step],
                    applicable=rates.applicable(step),
                    rate=_rounded(rates.done_rate(step)),
                )
                for step in STEPS
            },
            failure_modes={
                mode: FailureRateOut(
                    count=rates.failures[mode], rate=_rounded(rates.failure_rate(mode))
                )
                for mode in FAILURE_MODES
            },
        )


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


class WeekOut(RatesOut):
    week_start: date


class PeriodOut(BaseModel):
    start: datetime
    end: datetime
    weeks: int


class ScoredConversationOut(BaseModel):
    conversation_id: int
    reference: str
    subject: str
    agent_id: int | None
    team_id: int | None
    total: int
    missed_steps: list[str]
    failure_modes: list[str]
    evidence: dict[str, str]
    conversation_updated_at: datetime

    @classmethod
    def of(cls, row: ScoredConversation) -> "ScoredConversationOut":
        return cls.model_validate(row, from_attributes=True)


class TrainingFocusOut(BaseModel):
    """Where the agent trails their team(s) most, with recent examples to go through."""

    item: str = Field(description="a step or a failure mode")
    kind: Literal["step", "failure_mode"]
    agent_rate: float
    team_rate: float
    gap_points: float = Field(description="how far behind the team, in percentage points")
    examples: list[ScoredConversationOut]

    @classmethod
    def of(cls, focus: TrainingFocus, examples: list[ScoredConversation]) -> "TrainingFocusOut":
        return cls(
            item=focus.item,
            kind="step" if focus.kind == "step" else "failure_mode",
            agent_rate=round(focus.agent_rate, 4),
            team_rate=round(focus.team_rate, 4),
            gap_points=focus.gap,
            examples=[ScoredConversationOut.of(row) for row in examples],
        )


class NamedOut(BaseModel):
    id: int
    name: str


class AgentScorecardOut(BaseModel):
    agent: NamedOut
    period: PeriodOut
    weeks: list[WeekOut]
    overall: RatesOut
    team: RatesOut = Field(description="the agent's teams (all their agents) over the period")
    train_next: TrainingFocusOut | None
    worst: list[ScoredConversationOut]


class AgentRatesOut(BaseModel):
    agent: NamedOut
    rates: RatesOut


class TeamScorecardOut(BaseModel):
    team: NamedOut
    period: PeriodOut
    weeks: list[WeekOut]
    overall: RatesOut
    agents: list[AgentRatesOut]
    worst: list[ScoredConversationOut]


class RescoreIn(BaseModel):
    since: date | None = Field(
        default=None, description="only conversations created on or after this day (UTC)"
    )
    all: bool = Field(
        default=False,
        description="re-score every conversation; otherwise only those unscored, changed "
        "since scored, or scored by another scorer version",
    )


class RescoreOut(BaseModel):
    jobs: int = Field(description="re-scoring chains queued (each scores id ranges in turn)")
    conversations: int = Field(description="conversations with an agent reply in the ranges")


class CoverageOut(BaseModel):
    conversations: int = Field(description="conversations with at least one agent reply")
    scored: int = Field(description="of those, scored up to date by the current scorer")
    scorer_version: str


WEEKS_DEFAULT = 12
WEEKS_MAX = MAX_WEEKS
