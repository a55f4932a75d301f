"""Helpers shared by the JSON API tests: callers with bearer-token headers, row counting."""

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from goodwill.agents.models import Agent
from goodwill.core.db import Base


@dataclass(frozen=True, slots=True)
class Caller:
    agent: Agent
    headers: dict[str, str]

    def with_key(self, key: str) -> dict[str, str]:
        return self.headers | {"Idempotency-Key": key}


CallerFactory = Callable[..., Caller]


def count_rows(session: Session, model: type[Base]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def conversation_body(email: str = "ada@example.com", **fields: object) -> dict[str, object]:
    """A valid POST /conversations body; keyword arguments replace its fields."""
    body: dict[str, object] = {
        "subject": "My parcel is late",
        "customer": {"value": email, "name": "Ada Lovelace"},
        "message": {"body_text": "Order 1234 has not arrived."},
    }
    return body | fields


def business_hours_body(**fields: object) -> dict[str, object]:
    """A valid POST /business-hours body: Monday to Friday 09:00-17:00 in London, no holidays."""
    body: dict[str, object] = {
        "name": "London office",
        "timezone": "Europe/London",
        "intervals": [{"weekday": day, "start": "09:00", "end": "17:00"} for day in range(5)],
        "holidays": [],
    }
    return body | fields
