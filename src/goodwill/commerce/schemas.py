"""API shapes for orders, reviews and the loyalty overview."""

from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from goodwill.web.schemas import MAX_ID


class CustomerRef(BaseModel):
    """Either an existing customer's id or an email (the customer is found or created)."""

    customer_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    customer_email: str | None = Field(default=None, min_length=3, max_length=320)

    @model_validator(mode="after")
    def _exactly_one(self) -> "CustomerRef":
        if (self.customer_id is None) == (self.customer_email is None):
            raise ValueError("give exactly one of customer_id or customer_email")
        return self


class OrderIn(CustomerRef):
    model_config = ConfigDict(extra="forbid")

    external_id: str = Field(min_length=1, max_length=120, description="your order number")
    ordered_at: AwareDatetime
    amount_cents: int = Field(ge=0, le=10**15)
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")
    product: str | None = Field(default=None, min_length=1, max_length=200)


class OrderOut(BaseModel):
    id: int
    customer_id: int
    external_id: str | None
    ordered_at: datetime
    amount_cents: int
    currency: str
    product: str | None


class ReviewIn(CustomerRef):
    model_config = ConfigDict(extra="forbid")

    rating: int = Field(ge=1, le=10)
    rating_scale: Literal[5, 10] = 5
    text: str = Field(default="", max_length=20_000)
    title: str = Field(default="", max_length=300)
    reviewed_at: AwareDatetime
    external_id: str | None = Field(default=None, min_length=1, max_length=120)
    product: str | None = Field(default=None, min_length=1, max_length=200)
    source: str = Field(default="api", min_length=1, max_length=40)

    @model_validator(mode="after")
    def _rating_on_scale(self) -> "ReviewIn":
        if self.rating > self.rating_scale:
            raise ValueError(f"rating {self.rating} is above its scale of {self.rating_scale}")
        return self


class ReviewOut(BaseModel):
    id: int
    customer_id: int | None
    rating: int
    rating_scale: int
    text: str
    title: str
    source: str
    reviewed_at: datetime
    external_id: str | None
    product: str | None
    sentiment_label: str | None
    sentiment_score: float | None


class CohortOut(BaseModel):
    month: str
    size: int
    shares: list[float | None] = Field(description="index k: share ordering k months later")


class LoyaltyOut(BaseModel):
    start: datetime
    end: datetime
    buyers: int
    repeat_buyers: int
    repeat_purchase_rate: float | None
    median_days_to_next_purchase: float | None
    cohorts: list[CohortOut]
    nps_groups: dict[str, int]
    segments: dict[str, int]
