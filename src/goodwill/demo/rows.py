"""The generator's output: rows as plain tuples in a fixed column order per table. Pure."""

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

# Times are integer UTC epoch seconds and JSON values are JSON text, so a batch is cheap to build,
# to pickle between processes and to hand to a database driver; the loader converts them per
# dialect. `Batch.dicts()` gives readable dicts with aware datetimes and parsed JSON (for tests).

Row = tuple[Any, ...]

# Tables in insertion order (parents before children) with the columns each tuple holds.
COLUMNS: dict[str, tuple[str, ...]] = {
    "customers": (
        "id",
        "name",
        "name_lower",
        "company_id",
        "notes",
        "locale",
        "is_abusive",
        "created_at",
        "updated_at",
    ),
    "customer_identities": ("id", "customer_id", "kind", "value", "is_primary", "created_at"),
    "customer_tags": ("customer_id", "tag_id"),
    "orders": (
        "id",
        "customer_id",
        "product_id",
        "external_id",
        "ordered_at",
        "amount_cents",
        "currency",
    ),
    "conversations": (
        "id",
        "reference",
        "subject",
        "customer_id",
        "channel",
        "status",
        "priority",
        "team_id",
        "assignee_id",
        "product_id",
        "topic",
        "is_spam",
        "message_count",
        "created_at",
        "updated_at",
        "last_activity_at",
        "last_customer_message_at",
        "last_agent_reply_at",
        "first_response_at",
        "resolved_at",
        "closed_at",
        "reopened_count",
        "assignment_count",
        "sla_policy_id",
        "first_response_due_at",
        "next_response_due_at",
        "resolution_due_at",
        "sla_due_at",
        "sla_paused_at",
        "first_response_breached_at",
        "next_response_breached_at",
        "resolution_breached_at",
    ),
    "conversation_tags": ("conversation_id", "tag_id"),
    "messages": (
        "id",
        "conversation_id",
        "channel",
        "direction",
        "author_kind",
        "author_agent_id",
        "author_customer_id",
        "body_text",
        "external_id",
        "is_auto_reply",
        "delivery_status",
        "created_at",
    ),
    "conversation_events": (
        "id",
        "conversation_id",
        "kind",
        "occurred_at",
        "actor_agent_id",
        "message_id",
        "data",
    ),
    "promises": (
        "id",
        "conversation_id",
        "message_id",
        "agent_id",
        "description",
        "made_at",
        "due_at",
        "kept_at",
        "broken_at",
    ),
    "survey_invitations": (
        "id",
        "kind",
        "conversation_id",
        "customer_id",
        "nonce",
        "created_at",
        "send_at",
        "sent_at",
        "expires_at",
        "suppressed_reason",
    ),
    "survey_responses": (
        "id",
        "invitation_id",
        "kind",
        "conversation_id",
        "customer_id",
        "score",
        "comment",
        "reasons",
        "answered_at",
        "updated_at",
    ),
}
TABLES = tuple(COLUMNS)
# Tables whose ids the generator assigns (the tag tables have composite keys).
ID_TABLES = tuple(table for table, columns in COLUMNS.items() if columns[0] == "id")
TIME_COLUMNS = frozenset(
    {
        "created_at",
        "updated_at",
        "ordered_at",
        "last_activity_at",
        "last_customer_message_at",
        "last_agent_reply_at",
        "first_response_at",
        "resolved_at",
        "closed_at",
        "first_response_due_at",
        "next_response_due_at",
        "resolution_due_at",
        "sla_due_at",
        "sla_paused_at",
        "first_response_breached_at",
        "next_response_breached_at",
        "resolution_breached_at",
        "occurred_at",
        "made_at",
        "due_at",
        "kept_at",
        "broken_at",
        "send_at",
        "sent_at",
        "expires_at",
        "answered_at",
    }
)
JSON_COLUMNS = frozenset({"data", "reasons"})


@dataclass(slots=True)
class Batch:
    """Rows for a run of consecutive conversations, table by table."""

    rows: dict[str, list[Row]] = field(default_factory=lambda: {table: [] for table in TABLES})
    conversations: int = 0
    messages: int = 0
    customers: int = 0

    def dicts(self, table: str) -> list[dict[str, Any]]:
        return [row_dict(table, row) for row in self.rows[table]]


def row_dict(table: str, row: Row) -> dict[str, Any]:
    return {name: _readable(name, value) for name, value in zip(COLUMNS[table], row, strict=True)}


def _readable(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name in TIME_COLUMNS:
        return datetime.fromtimestamp(value, UTC)
    if name in JSON_COLUMNS:
        return json.loads(value)
    return value
