"""Conversations, messages, attachments, the event log, SLA policies and saved replies."""

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from goodwill.channels.kinds import ChannelKind
from goodwill.conversations.enums import AuthorKind, EventKind, MessageDirection, Priority
from goodwill.conversations.status import ConversationStatus
from goodwill.core.db import Base
from goodwill.core.types import JsonDict, UtcDateTime


class Conversation(Base):
    """A ticket. Facts are stored as columns when they happen, never recomputed on read."""

    __tablename__ = "conversations"
    __table_args__ = (
        Index("ix_conversations_status_activity", "status", "last_activity_at", "id"),
        Index(
            "ix_conversations_assignee_status", "assignee_id", "status", "last_activity_at", "id"
        ),
        Index("ix_conversations_team_status", "team_id", "status", "last_activity_at", "id"),
        Index("ix_conversations_customer_created", "customer_id", "created_at"),
        Index("ix_conversations_sla_due", "status", "sla_due_at"),
        Index("ix_conversations_created", "created_at"),
        Index("ix_conversations_activity", "last_activity_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    subject: Mapped[str] = mapped_column(String(300))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    channel: Mapped[ChannelKind] = mapped_column(String(16))
    status: Mapped[ConversationStatus] = mapped_column(String(16), default=ConversationStatus.NEW)
    priority: Mapped[Priority] = mapped_column(String(16), default=Priority.NORMAL)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"), index=True)
    topic: Mapped[str | None] = mapped_column(String(80))
    linked_conversation_id: Mapped[int | None] = mapped_column(ForeignKey("conversations.id"))
    is_spam: Mapped[bool] = mapped_column(Boolean, default=False)
    message_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_activity_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_customer_message_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_agent_reply_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    first_response_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    reopened_count: Mapped[int] = mapped_column(Integer, default=0)
    assignment_count: Mapped[int] = mapped_column(Integer, default=0)
    sla_policy_id: Mapped[int | None] = mapped_column(ForeignKey("sla_policies.id"))
    first_response_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    next_response_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    resolution_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    sla_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime())  # nearest unmet due time
    sla_paused_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    first_response_breached_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    next_response_breached_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    resolution_breached_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    sentiment_start: Mapped[float | None] = mapped_column()  # first customer message, -1..1
    sentiment_end: Mapped[float | None] = mapped_column()  # latest customer message, -1..1


class ConversationTag(Base):
    __tablename__ = "conversation_tags"

    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[int] = mapped_column(
        ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class ConversationParticipant(Base):
    """Other customers on a thread, e.g. people in CC."""

    __tablename__ = "conversation_participants"

    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True
    )
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(16), default="cc")


class Message(Base):
    __tablename__ = "messages"
    __table_args__ = (
        Index("ix_messages_conversation_created", "conversation_id", "created_at", "id"),
        UniqueConstraint("channel", "external_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    channel: Mapped[ChannelKind] = mapped_column(String(16))
    direction: Mapped[MessageDirection] = mapped_column(String(16))
    author_kind: Mapped[AuthorKind] = mapped_column(String(16))
    author_agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"), index=True)
    author_customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)  # sanitised
    external_id: Mapped[str | None] = mapped_column(String(998))
    is_auto_reply: Mapped[bool] = mapped_column(Boolean, default=False)
    delivery_status: Mapped[str | None] = mapped_column(String(16))
    sentiment_label: Mapped[str | None] = mapped_column(String(16))
    sentiment_score: Mapped[float | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Attachment(Base):
    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(127))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    content_id: Mapped[str | None] = mapped_column(String(255))  # inline images
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ConversationEvent(Base):
    """Append-only: rows are inserted, never updated or deleted."""

    __tablename__ = "conversation_events"
    __table_args__ = (
        Index("ix_conversation_events_conversation", "conversation_id", "id"),
        Index("ix_conversation_events_kind_time", "kind", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    kind: Mapped[EventKind] = mapped_column(String(24))
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime())
    actor_agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    data: Mapped[dict[str, object]] = mapped_column(JsonDict, default=dict)


class SlaPolicy(Base):
    """Targets in business seconds; matched by priority and channel (None = any)."""

    __tablename__ = "sla_policies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    priority: Mapped[str | None] = mapped_column(String(16))
    channel: Mapped[str | None] = mapped_column(String(16))
    first_response_seconds: Mapped[int | None] = mapped_column(Integer)
    next_response_seconds: Mapped[int | None] = mapped_column(Integer)
    resolution_seconds: Mapped[int | None] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class SavedReply(Base):
    """A macro; placeholders like {{ customer.first_name }} are filled when inserted."""

    __tablename__ = "saved_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120), unique=True)
    body: Mapped[str] = mapped_column(Text)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    usage_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
