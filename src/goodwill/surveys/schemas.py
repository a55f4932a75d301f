"""JSON shapes of survey templates, invitations and figures."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from goodwill.web.schemas import PartialUpdate

Kind = Literal["csat", "nps", "ces"]
Trigger = Literal["resolved", "closed", "relationship"]
ReasonGroup = Literal["service", "product", "price", "policy"]


class Reason(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str = Field(min_length=1, max_length=40, pattern=r"^[a-z0-9_]+$")
    label: str = Field(min_length=1, max_length=120)
    group: ReasonGroup


class TemplateOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    kind: Kind
    question: str
    labels: dict[str, str]
    comment_prompt: str
    reasons: list[Reason]
    is_enabled: bool
    trigger: Trigger
    delay_minutes: int
    expiry_days: int
    sampling_rate: float
    cooldown_days: int
    relationship_months: int
    updated_at: datetime


class TemplateUpdate(PartialUpdate):
    """Only the fields sent change."""

    NOT_NULL = (
        "question",
        "labels",
        "comment_prompt",
        "reasons",
        "is_enabled",
        "trigger",
        "delay_minutes",
        "expiry_days",
        "sampling_rate",
        "cooldown_days",
        "relationship_months",
    )

    question: str | None = Field(default=None, min_length=1, max_length=500)
    labels: dict[str, str] | None = Field(default=None, max_length=11)
    comment_prompt: str | None = Field(default=None, max_length=500)
    reasons: list[Reason] | None = Field(default=None, max_length=30)
    is_enabled: bool | None = None
    trigger: Trigger | None = None
    delay_minutes: int | None = Field(default=None, ge=0, le=60 * 24 * 30)
    expiry_days: int | None = Field(default=None, ge=1, le=90)
    sampling_rate: float | None = Field(default=None, ge=0.0, le=1.0)
    cooldown_days: int | None = Field(default=None, ge=0, le=365)
    relationship_months: int | None = Field(default=None, ge=1, le=24)

    def changes(self) -> dict[str, object]:
        data = self.model_dump(exclude_unset=True)
        if "reasons" in data:
            data["reasons"] = [dict(reason) for reason in data["reasons"]]
        return data


class SurveyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Kind = "csat"


class InvitationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: Kind
    conversation_id: int | None
    customer_id: int
    trigger: str
    created_at: datetime
    send_at: datetime
    sent_at: datetime | None
    expires_at: datetime
    suppressed_reason: str | None
    requested_by_agent_id: int | None
    message_id: int | None
    opened_at: datetime | None
    score: int | None = None
    answered_at: datetime | None = None


class KindStatsOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    kind: Kind
    sent: int
    answered: int
    response_rate: float | None = Field(description="% of invitations sent that were answered")
    responses: int = Field(description="answers given in the period")
    distribution: dict[int, int]
    mean: float | None
    satisfied_percent: float | None = Field(description="CSAT: % of 4 and 5")
    nps: float | None = Field(description="NPS: % promoters - % detractors")
    promoters: int
    passives: int
    detractors: int
    easy_percent: float | None = Field(description="CES: % of 5 to 7")


class StatsOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    start: datetime
    end: datetime
    resolved_conversations: int
    rated_conversations: int
    coverage: float | None = Field(description="% of resolved conversations with a rating")
    sent: int
    answered: int
    response_rate: float | None
    kinds: list[KindStatsOut]


class TemplateForm(BaseModel):
    """The settings page's form for one kind: labels and reasons as lines of text."""

    question: str = Field(min_length=1, max_length=500)
    comment_prompt: str = Field(default="", max_length=500)
    labels: str = Field(default="", max_length=2000)  # `score: label` per line
    reasons: str = Field(default="", max_length=5000)  # `key | label | group` per line
    trigger: Trigger = "resolved"
    delay_minutes: int = Field(default=120, ge=0, le=60 * 24 * 30)
    expiry_days: int = Field(default=7, ge=1, le=90)
    sampling_percent: float = Field(default=100, ge=0, le=100)
    cooldown_days: int = Field(default=14, ge=0, le=365)
    relationship_months: int = Field(default=6, ge=1, le=24)
    is_enabled: str = Field(default="", max_length=8)  # a checkbox: "on" when ticked
