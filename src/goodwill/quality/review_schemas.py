"""API shapes for rubrics, reviewer scores and calibration."""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from goodwill.web.schemas import PartialUpdate

Step = Literal["acknowledgement", "rapport", "needs", "solution", "gratitude"]
StepValue = Literal["done", "missed", "na"]
FailureMode = Literal[
    "not_listening", "ignored", "promise_broken", "lacking_knowledge", "no_follow_up"
]
RubricName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Weight = Annotated[float, Field(ge=0, le=100)]
Weights = Annotated[
    dict[Step, Weight],
    Field(description="step -> weight (0 to 100); steps left out weigh 0; one must be above 0"),
]
Critical = Annotated[
    list[Step], Field(max_length=5, description="steps that, when missed, make the total 0")
]
StepComment = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
MAX_COMMENT = 10_000


class RubricCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: RubricName
    weights: Weights
    critical: Critical = []
    is_active: bool = Field(default=False, description="true makes it the one rubric in use")


class RubricUpdate(PartialUpdate):
    """Only the fields sent change; is_active: true deactivates the rubric in use."""

    NOT_NULL = ("name", "weights", "critical", "is_active")

    name: RubricName | None = None
    weights: Weights | None = None
    critical: Critical | None = None
    is_active: bool | None = None


class RubricOut(BaseModel):
    id: int | None = Field(description="null for the built-in default (no rubric saved yet)")
    name: str
    weights: dict[str, float]
    critical: list[str]
    is_active: bool
    created_at: datetime | None
    updated_at: datetime | None


class ReviewIn(BaseModel):
    """A reviewer's score: every step done, missed or na (not applicable), with comments."""

    model_config = ConfigDict(extra="forbid")

    acknowledgement: StepValue
    rapport: StepValue
    needs: StepValue
    solution: StepValue
    gratitude: StepValue
    failure_modes: list[FailureMode] = Field(default_factory=list, max_length=5)
    step_comments: dict[Step, StepComment] = Field(default_factory=dict)
    comment: str = Field(default="", max_length=MAX_COMMENT)

    @field_validator("failure_modes")
    @classmethod
    def _unique_modes(cls, modes: list[FailureMode]) -> list[FailureMode]:
        return list(dict.fromkeys(modes))


class ReviewOut(BaseModel):
    id: int
    conversation_id: int
    reviewer_id: int
    reviewer_name: str
    agent_id: int | None = Field(description="the agent whose work was reviewed")
    rubric_id: int | None = Field(description="null when the built-in default rubric applied")
    acknowledgement: StepValue
    rapport: StepValue
    needs: StepValue
    solution: StepValue
    gratitude: StepValue
    failure_modes: list[str]
    step_comments: dict[str, str]
    comment: str
    total: float = Field(description="0-100 with the rubric's weights; 0 if a critical step missed")
    created_at: datetime
    updated_at: datetime


class ConfusionCell(BaseModel):
    a: str = Field(description="rater a's label (the reviewer, or the lower reviewer id)")
    b: str = Field(description="rater b's label (the other reviewer, or the automatic score)")
    n: int


class StepAgreementOut(BaseModel):
    step: str
    n: int = Field(description="conversations both raters scored")
    agreed: int
    percent_agreement: float | None = Field(description="0-100; null when n is 0")
    expected_agreement: float | None = Field(description="0-100 agreement expected by chance")
    kappa: float | None = Field(description="Cohen's kappa; null when undefined")
    guidance: str
    confusion: list[ConfusionCell]


class CalibrationOut(BaseModel):
    start: datetime
    end: datetime
    reviewer_id: int | None
    between_reviewers: list[StepAgreementOut]
    against_automatic: list[StepAgreementOut]
