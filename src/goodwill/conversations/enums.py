"""Value sets of the conversation domain. Pure."""

from enum import StrEnum


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class MessageDirection(StrEnum):
    INBOUND = "inbound"  # from the customer
    OUTBOUND = "outbound"  # to the customer
    NOTE = "note"  # internal, never shown to the customer


class AuthorKind(StrEnum):
    CUSTOMER = "customer"
    AGENT = "agent"
    SYSTEM = "system"


class EventKind(StrEnum):
    """The append-only conversation log; metrics can always be recomputed from it."""

    CREATED = "created"
    MESSAGE_ADDED = "message_added"
    NOTE_ADDED = "note_added"
    STATUS_CHANGED = "status_changed"
    ASSIGNED = "assigned"
    UNASSIGNED = "unassigned"
    TEAM_CHANGED = "team_changed"
    PRIORITY_CHANGED = "priority_changed"
    TAGS_CHANGED = "tags_changed"
    FIRST_RESPONSE = "first_response"
    RESOLVED = "resolved"
    REOPENED = "reopened"
    CLOSED = "closed"
    SLA_BREACHED = "sla_breached"
    CUSTOMER_MERGED = "customer_merged"
    PARTICIPANT_ADDED = "participant_added"  # someone in CC joined the thread
    DELIVERY_FAILED = "delivery_failed"  # a bounce or a refused send; data says why
    LINKED = "linked"  # a follow-up conversation was opened from this one


class SlaMetric(StrEnum):
    FIRST_RESPONSE = "first_response"
    NEXT_RESPONSE = "next_response"
    RESOLUTION = "resolution"
