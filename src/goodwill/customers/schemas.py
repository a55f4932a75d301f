"""API shapes for customers."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from goodwill.customers.models import IdentityKind
from goodwill.web.schemas import MAX_ID


class IdentityIn(BaseModel):
    kind: IdentityKind
    value: str = Field(min_length=1, max_length=320)


class CustomerCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(default="", max_length=200)
    identities: list[IdentityIn] = Field(min_length=1, max_length=20)
    company: str | None = Field(default=None, max_length=200)
    notes: str = Field(default="", max_length=10_000)
    tags: list[str] = Field(default_factory=list, max_length=50)


class IdentityOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    kind: IdentityKind
    value: str
    is_primary: bool
    failing_at: datetime | None


class CustomerOut(BaseModel):
    id: int
    name: str
    company: str | None
    notes: str
    tags: list[str]
    identities: list[IdentityOut]
    created_at: datetime
    merged_into_id: int | None


class CustomerPage(BaseModel):
    items: list[CustomerOut]
    next_cursor: str | None


class CustomerMerge(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source_id: int = Field(
        ge=1, le=MAX_ID, description="the customer merged away; its identities and history move"
    )
