"""Survey invitations (CSAT, NPS, CES) and the answers customers give."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from goodwill.core.db import Base
from goodwill.core.types import JsonDict, UtcDateTime


class SurveyKind(StrEnum):
    CSAT = "csat"  # 1-5
    NPS = "nps"  # 0-10
    CES = "ces"  # 1-7


class SurveyInvitation(Base):
    __tablename__ = "survey_invitations"
    __table_args__ = (
        Index("ix_survey_invitations_customer_created", "customer_id", "created_at"),
        Index("ix_survey_invitations_due", "sent_at", "send_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[SurveyKind] = mapped_column(String(8))
    conversation_id: Mapped[int | None] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    nonce: Mapped[str] = mapped_column(String(32), unique=True)  # signed into the survey link
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    send_at: Mapped[datetime] = mapped_column(UtcDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    suppressed_reason: Mapped[str | None] = mapped_column(String(120))
    trigger: Mapped[str] = mapped_column(
        String(16), default="resolved", server_default="resolved"
    )  # resolved | closed | agent | relationship
    channel: Mapped[str] = mapped_column(String(16), default="email", server_default="email")
    requested_by_agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    message_id: Mapped[int | None] = mapped_column(
        ForeignKey("messages.id", ondelete="SET NULL")
    )  # the outbound message that carried it
    opened_at: Mapped[datetime | None] = mapped_column(UtcDateTime())  # first view of the form
    # One invitation per (conversation, kind, round) or (customer, relationship period): the unique
    # key that keeps two concurrent scheduling runs from inviting twice; null on old rows.
    dedupe_key: Mapped[str | None] = mapped_column(String(80), unique=True)


class SurveyResponse(Base):
    __tablename__ = "survey_responses"
    __table_args__ = (Index("ix_survey_responses_kind_answered", "kind", "answered_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("survey_invitations.id", ondelete="CASCADE"), unique=True
    )
    kind: Mapped[SurveyKind] = mapped_column(String(8))
    conversation_id: Mapped[int | None] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    reasons: Mapped[list[str]] = mapped_column(JsonDict, default=list)
    answered_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    source: Mapped[str] = mapped_column(
        String(16), default="email", server_default="email"
    )  # email | portal | chat | import


class SurveyTemplate(Base):
    """The editable question, labels, reasons and sending rules of one survey kind."""

    __tablename__ = "survey_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[SurveyKind] = mapped_column(String(8), unique=True)
    question: Mapped[str] = mapped_column(Text)
    labels: Mapped[dict[str, str]] = mapped_column(JsonDict, default=dict)  # score -> label
    comment_prompt: Mapped[str] = mapped_column(Text, default="")
    reasons: Mapped[list[dict[str, str]]] = mapped_column(JsonDict, default=list)  # key,label,group
    is_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    trigger: Mapped[str] = mapped_column(String(16), default="resolved")
    delay_minutes: Mapped[int] = mapped_column(Integer, default=120)
    expiry_days: Mapped[int] = mapped_column(Integer, default=7)
    sampling_rate: Mapped[float] = mapped_column(Float, default=1.0)  # 0..1
    cooldown_days: Mapped[int] = mapped_column(Integer, default=14)
    relationship_months: Mapped[int] = mapped_column(Integer, default=6)  # NPS every N months
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class LoopTask(Base):
    """Close the loop: a low CSAT, a detractor or a hard effort, for a manager to follow up."""

    __tablename__ = "loop_tasks"
    __table_args__ = (Index("ix_loop_tasks_status_created", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("survey_responses.id", ondelete="CASCADE"), unique=True
    )
    conversation_id: Mapped[int | None] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"), index=True)
    reason: Mapped[str] = mapped_column(String(24))  # low_csat | detractor | hard_effort
    status: Mapped[str] = mapped_column(String(8), default="open")  # open | done
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
