"""One row of facts per conversation (the rollup dashboards read) and the weekly reports sent."""

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Float, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from goodwill.core.db import Base
from goodwill.core.types import JsonDict, UtcDateTime


class ConversationFact(Base):
    """Everything the dashboards, drivers and exports need about one conversation, in one row.

    A rollup of the conversation, its event log, messages, promises, surveys, quality score,
    sentiment and prediction, rebuilt by `insights.refresh_facts` whenever any of them changes
    (tests prove it equals a recomputation from the event log). Spam has no row. Times in
    `*_business_seconds` are measured in the conversation's team business hours."""

    __tablename__ = "conversation_facts"
    __table_args__ = (
        Index("ix_conversation_facts_opened", "opened_at", "customer_id"),  # covers retention
        Index("ix_conversation_facts_day_channel", "opened_on", "channel"),
        Index("ix_conversation_facts_team_opened", "team_id", "opened_at"),
        Index("ix_conversation_facts_agent_opened", "agent_id", "opened_at"),
        Index("ix_conversation_facts_product_opened", "product_id", "opened_at"),
        Index("ix_conversation_facts_resolved", "resolved_at"),
        Index("ix_conversation_facts_customer", "customer_id", "opened_at"),
        # Covers the Root cause dashboard's scan of unhappy conversations in a period.
        Index(
            "ix_conversation_facts_cause_opened",
            "opened_at",
            "cause",
            "cause_detail",
            "opened_on",
            "csat",
            "nps",
            "ces",
            "predicted_csat",
            "sentiment_end",
        ),
        # Covers the duration percentiles of a period (no table reads): see services/*_dashboard.
        Index(
            "ix_conversation_facts_durations",
            "opened_at",
            "channel",
            "team_id",
            "agent_id",
            "product_id",
            "first_response_business_seconds",
            "first_response_seconds",
            "next_response_business_seconds",
            "resolution_business_seconds",
        ),
    )

    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True
    )
    customer_id: Mapped[int] = mapped_column(Integer)
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime())
    opened_on: Mapped[date] = mapped_column(Date)  # UTC day of opened_at, for daily charts
    channel: Mapped[str] = mapped_column(String(16))
    priority: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    team_id: Mapped[int | None] = mapped_column(Integer)
    agent_id: Mapped[int | None] = mapped_column(Integer)  # the assignee (who resolved it)
    product_id: Mapped[int | None] = mapped_column(Integer)
    topic: Mapped[str | None] = mapped_column(String(80))
    segment: Mapped[str] = mapped_column(String(16))  # new | returning (customer before this one)
    # Work
    customer_messages: Mapped[int] = mapped_column(Integer, default=0)
    agent_messages: Mapped[int] = mapped_column(Integer, default=0)
    first_response_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    first_response_seconds: Mapped[int | None] = mapped_column(Integer)
    first_response_business_seconds: Mapped[int | None] = mapped_column(Integer)
    next_response_business_seconds: Mapped[int | None] = mapped_column(Integer)  # median later wait
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime())  # latest resolution
    resolution_seconds: Mapped[int | None] = mapped_column(Integer)
    resolution_business_seconds: Mapped[int | None] = mapped_column(Integer)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    reopens: Mapped[int] = mapped_column(Integer, default=0)
    transfers: Mapped[int] = mapped_column(Integer, default=0)  # agent-to-agent handovers
    first_contact_resolution: Mapped[bool] = mapped_column(Boolean, default=False)
    sla_applies: Mapped[bool] = mapped_column(Boolean, default=False)
    sla_breached: Mapped[bool] = mapped_column(Boolean, default=False)  # any target missed
    first_response_breached: Mapped[bool] = mapped_column(Boolean, default=False)
    resolution_breached: Mapped[bool] = mapped_column(Boolean, default=False)
    promises_made: Mapped[int] = mapped_column(Integer, default=0)
    promises_kept: Mapped[int] = mapped_column(Integer, default=0)
    promises_broken: Mapped[int] = mapped_column(Integer, default=0)
    # Quality: the five steps (done | missed | na, null until scored), behaviours, failure modes
    step_acknowledgement: Mapped[str | None] = mapped_column(String(8))
    step_rapport: Mapped[str | None] = mapped_column(String(8))
    step_needs: Mapped[str | None] = mapped_column(String(8))
    step_solution: Mapped[str | None] = mapped_column(String(8))
    step_gratitude: Mapped[str | None] = mapped_column(String(8))
    quality_total: Mapped[int | None] = mapped_column(Integer)
    greeted_by_name: Mapped[bool | None] = mapped_column(Boolean)  # first reply, by first name
    asked_needs: Mapped[bool | None] = mapped_column(Boolean)  # first reply asks what they need
    thanked: Mapped[bool | None] = mapped_column(Boolean)  # resolving reply thanks, offers help
    failure_not_listening: Mapped[bool] = mapped_column(Boolean, default=False)
    failure_ignored: Mapped[bool] = mapped_column(Boolean, default=False)
    failure_promise_broken: Mapped[bool] = mapped_column(Boolean, default=False)
    failure_lacking_knowledge: Mapped[bool] = mapped_column(Boolean, default=False)
    failure_no_follow_up: Mapped[bool] = mapped_column(Boolean, default=False)
    # Satisfaction
    survey_sent: Mapped[bool] = mapped_column(Boolean, default=False)  # an invitation went out
    survey_answered: Mapped[bool] = mapped_column(Boolean, default=False)
    csat: Mapped[int | None] = mapped_column(Integer)
    ces: Mapped[int | None] = mapped_column(Integer)
    nps: Mapped[int | None] = mapped_column(Integer)  # its own, or the next relationship answer
    predicted_csat: Mapped[float | None] = mapped_column(Float)
    prediction_confidence: Mapped[float | None] = mapped_column(Float)
    sentiment_start: Mapped[float | None] = mapped_column(Float)
    sentiment_end: Mapped[float | None] = mapped_column(Float)
    repurchased: Mapped[bool | None] = mapped_column(Boolean)  # null until the window has passed
    # Root cause of dissatisfaction (unhappy conversations only): service | product | policy
    cause: Mapped[str | None] = mapped_column(String(16))
    cause_detail: Mapped[str | None] = mapped_column(String(32))
    cause_evidence: Mapped[str | None] = mapped_column(Text)
    refreshed_at: Mapped[datetime] = mapped_column(UtcDateTime())


class InsightMark(Base):
    """How far an insights sweep has walked (by a time and an id), one row per sweep."""

    __tablename__ = "insight_marks"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    mark_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    mark_id: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class WeeklyReport(Base):
    """The weekly report for one week (Monday, UTC): built once, mailed to the managers."""

    __tablename__ = "weekly_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    week_start: Mapped[date] = mapped_column(Date, unique=True)
    html: Mapped[str] = mapped_column(Text)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    recipients: Mapped[list[str]] = mapped_column(JsonDict, default=list)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
