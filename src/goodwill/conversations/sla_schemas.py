"""API shapes for SLA policies: targets in business minutes, matched by priority and channel."""

from datetime import datetime
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from goodwill.channels.kinds import ChannelKind
from goodwill.conversations.enums import Priority
from goodwill.web.schemas import PartialUpdate

MAX_TARGET_MINUTES = 366 * 24 * 60
TARGET_FIELDS = ("first_response_minutes", "next_response_minutes", "resolution_minutes")

PolicyName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
TargetMinutes = Annotated[
    int | None,
    Field(ge=1, le=MAX_TARGET_MINUTES, description="business minutes; null means no target"),
]
Position = Annotated[
    int, Field(ge=0, le=1_000_000, description="breaks ties between equally specific policies")
]


class SlaPolicyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: PolicyName
    priority: Priority | None = Field(default=None, description="null matches any priority")
    channel: ChannelKind | None = Field(default=None, description="null matches any channel")
    first_response_minutes: TargetMinutes = None
    next_response_minutes: TargetMinutes = None
    resolution_minutes: TargetMinutes = None
    position: Position = 0

    @model_validator(mode="after")
    def _has_a_target(self) -> Self:
        if all(getattr(self, field) is None for field in TARGET_FIELDS):
            raise ValueError(f"give at least one target: {', '.join(TARGET_FIELDS)}")
        return self


class SlaPolicyUpdate(PartialUpdate):
    """Only the fields present change; null clears priority, channel or a target."""

    NOT_NULL = ("name", "position", "is_active")

    name: PolicyName | None = None
    priority: Priority | None = None
    channel: ChannelKind | None = None
    first_response_minutes: TargetMinutes = None
    next_response_minutes: TargetMinutes = None
    resolution_minutes: TargetMinutes = None
    position: Position | None = None
    is_active: bool | None = Field(
        default=None, description="inactive policies are never chosen for conversations"
    )


class SlaPolicyOut(BaseModel):
    id: int
    name: str
    priority: Priority | None
    channel: ChannelKind | None
    first_response_minutes: int | None
    next_response_minutes: int | None
    resolution_minutes: int | None
    position: int
    is_active: bool
    created_at: datetime
