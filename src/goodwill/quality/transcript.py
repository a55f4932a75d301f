"""What the scorer reads: a conversation's messages and facts, as plain data. Pure."""

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

Author = Literal["customer", "agent", "system"]
CLOSED_STATUSES = frozenset({"resolved", "closed"})
DEFAULT_REPLY_TARGET_SECONDS = 24 * 3600  # a customer message unanswered this long is "ignored"
DEFAULT_FOLLOW_UP_SECONDS = 48 * 3600  # waiting on us this long with no update: no follow-up


@dataclass(frozen=True, slots=True)
class TranscriptMessage:
    """One public message (notes are left out by the caller); `agent_id` for agent messages."""

    author: Author
    text: str
    at: datetime
    agent_id: int | None = None


@dataclass(frozen=True, slots=True)
class ConversationFacts:
    """Facts recorded on the conversation (never re-derived from text when they exist).

    `first_response_breached` says whether the first reply missed its SLA target; when None,
    `first_response_business_seconds` is compared with `first_response_target_seconds`, and
    failing that `sla_breached` decides. `promises_tracked` says promises are recorded as rows:
    then only `promises_broken` counts and commitments in the text are not re-checked."""

    created_at: datetime
    first_response_at: datetime | None = None
    resolved_at: datetime | None = None
    status: str = "open"
    reopened_count: int = 0
    assignment_count: int = 0
    team_changes: int = 0
    sla_breached: bool = False
    first_response_business_seconds: int | None = None
    customer_first_name: str | None = None
    promises_broken: int = 0
    promises_kept: int = 0
    waiting_on_us_since: datetime | None = None
    first_response_breached: bool | None = None
    first_response_target_seconds: int | None = None
    promises_tracked: bool = False
    reply_target_seconds: int = DEFAULT_REPLY_TARGET_SECONDS
    follow_up_after_seconds: int = DEFAULT_FOLLOW_UP_SECONDS

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    def first_response_late(self) -> bool:
        if self.first_response_breached is not None:
            return self.first_response_breached
        if (
            self.first_response_business_seconds is not None
            and self.first_response_target_seconds is not None
        ):
            return self.first_response_business_seconds > self.first_response_target_seconds
        return self.sla_breached
