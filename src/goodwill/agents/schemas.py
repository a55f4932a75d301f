"""API shapes for agents, API tokens and teams. Never includes password or token hashes."""

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from goodwill.agents.roles import Role
from goodwill.conversations.assignment_rules import AssignmentStrategy
from goodwill.web.schemas import MAX_ID, PartialUpdate

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
AgentId = Annotated[int, Field(ge=1, le=MAX_ID)]
Capacity = Annotated[
    int, Field(ge=0, le=1000, description="most open conversations assigned automatically at once")
]


class AgentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(min_length=3, max_length=254, examples=["ada@example.com"])
    name: Name | None = Field(
        default=None, description="defaults to a name made from the email address"
    )
    password: str = Field(min_length=8, max_length=200, description="at least 8 characters")
    role: Role = Role.AGENT
    capacity: Capacity = 20


class AgentUpdate(PartialUpdate):
    """Admin changes to an agent; deactivating signs them out and disables their API tokens."""

    NOT_NULL = ("name", "role", "capacity", "is_active")

    name: Name | None = None
    role: Role | None = None
    capacity: Capacity | None = None
    is_active: bool | None = None


class AvailabilityUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    is_available: bool = Field(
        description="false (away): automatic assignment skips you until you are available again"
    )


class AgentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    name: str
    role: Role
    is_active: bool
    is_available: bool
    capacity: int
    created_at: datetime


class TokenCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(default="", max_length=120, description="what the token is for")


class TokenCreated(BaseModel):
    agent_id: int
    name: str
    token: str | None = Field(
        description="the bearer token, shown only in this answer; null when the answer is a "
        "replay of an Idempotency-Key retry (the token is never stored in clear)"
    )
    created_at: datetime


class TeamCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=120)
    business_hours_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    assignment_strategy: AssignmentStrategy = AssignmentStrategy.MANUAL
    member_ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(
        default_factory=list, max_length=500, description="agent ids to add as members"
    )


class TeamUpdate(PartialUpdate):
    """`business_hours_id: null` makes the team always open (SLA time counts around the clock)."""

    NOT_NULL = ("name", "assignment_strategy")

    name: Name | None = None
    business_hours_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    assignment_strategy: AssignmentStrategy | None = None


class TeamMembersReplace(BaseModel):
    model_config = ConfigDict(extra="forbid")

    agent_ids: list[AgentId] = Field(
        max_length=500, description="the team's members from now on; an empty list removes all"
    )


class TeamOut(BaseModel):
    id: int
    name: str
    business_hours_id: int | None
    assignment_strategy: AssignmentStrategy
    member_ids: list[int]
    created_at: datetime
