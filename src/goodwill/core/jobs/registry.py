"""Job handlers and periodic schedules, registered by name."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session


@dataclass(frozen=True, slots=True)
class JobContext:
    session: Session
    now: datetime
    job_id: int
    attempt: int
    settings: Any


JobHandler = Callable[[JobContext, dict[str, Any]], None]


@dataclass(frozen=True, slots=True)
class Every:
    interval: timedelta
    name: str


_handlers: dict[str, JobHandler] = {}
_periodic: dict[str, Every] = {}


def job(name: str) -> Callable[[JobHandler], JobHandler]:
    """Register a handler under a dotted, domain-prefixed name such as 'conversations.check_sla'."""

    def register(handler: JobHandler) -> JobHandler:
        if name in _handlers:
            raise RuntimeError(f"job name registered twice: {name}")
        _handlers[name] = handler
        return handler

    return register


def periodic(schedule: Every) -> None:
    _periodic[schedule.name] = schedule


def find_handler(name: str) -> JobHandler | None:
    return _handlers.get(name)


def registered_job_names() -> list[str]:
    return sorted(_handlers)


def periodic_schedules() -> list[Every]:
    return sorted(_periodic.values(), key=lambda every: every.name)
