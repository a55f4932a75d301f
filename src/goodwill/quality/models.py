"""Service-quality scores: the five steps and the failure modes, automatic and by reviewers."""

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from goodwill.core.db import Base
from goodwill.core.types import JsonDict, UtcDateTime
from goodwill.quality.rubric import FAILURE_MODES, STEPS

__all__ = ["FAILURE_MODES", "STEPS", "QualityReview", "QualityRubric", "QualityScore"]


class QualityScore(Base):
    """The automatic score of one conversation; re-scoring replaces it (one row per conversation).

    Step columns hold done | missed | na; failure modes are booleans so dashboards aggregate
    them in SQL; `evidence` maps each step or failure mode to the sentence or fact behind it."""

    __tablename__ = "quality_scores"
    __table_args__ = (
        Index("ix_quality_scores_agent_scored", "agent_id", "scored_at"),
        Index("ix_quality_scores_team_scored", "team_id", "scored_at"),
        Index("ix_quality_scores_total", "total"),
        # Scorecards bucket by the scored conversation's last change (migration 0006).
        Index("ix_quality_scores_agent_activity", "agent_id", "conversation_updated_at"),
        Index("ix_quality_scores_team_activity", "team_id", "conversation_updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), unique=True
    )
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    acknowledgement: Mapped[str] = mapped_column(String(8))  # done | missed | na
    rapport: Mapped[str] = mapped_column(String(8))
    needs: Mapped[str] = mapped_column(String(8))
    solution: Mapped[str] = mapped_column(String(8))
    gratitude: Mapped[str] = mapped_column(String(8))
    strengths: Mapped[dict[str, float]] = mapped_column(JsonDict, default=dict)  # step -> 0..1
    not_listening: Mapped[bool] = mapped_column(Boolean, default=False)
    ignored: Mapped[bool] = mapped_column(Boolean, default=False)
    promise_broken: Mapped[bool] = mapped_column(Boolean, default=False)
    lacking_knowledge: Mapped[bool] = mapped_column(Boolean, default=False)
    no_follow_up: Mapped[bool] = mapped_column(Boolean, default=False)
    evidence: Mapped[dict[str, str]] = mapped_column(JsonDict, default=dict)
    total: Mapped[int] = mapped_column(Integer, default=0)  # 0-100, weighted by the rubric
    scorer_version: Mapped[str] = mapped_column(String(16))
    conversation_updated_at: Mapped[datetime] = mapped_column(UtcDateTime())  # what was scored
    scored_at: Mapped[datetime] = mapped_column(UtcDateTime())


class QualityRubric(Base):
    """Weights and critical items of the five steps; the active one scores and reviews."""

    __tablename__ = "quality_rubrics"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    weights: Mapped[dict[str, float]] = mapped_column(JsonDict, default=dict)  # step -> weight
    critical: Mapped[list[str]] = mapped_column(JsonDict, default=list)  # missed -> total 0
    is_active: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class QualityReview(Base):
    """A reviewer's score of one conversation on the same rubric, with comments."""

    __tablename__ = "quality_reviews"
    __table_args__ = (
        UniqueConstraint("conversation_id", "reviewer_id"),
        Index("ix_quality_reviews_agent_created", "agent_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("agents.id"))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    rubric_id: Mapped[int | None] = mapped_column(ForeignKey("quality_rubrics.id"))
    acknowledgement: Mapped[str] = mapped_column(String(8))
    rapport: Mapped[str] = mapped_column(String(8))
    needs: Mapped[str] = mapped_column(String(8))
    solution: Mapped[str] = mapped_column(String(8))
    gratitude: Mapped[str] = mapped_column(String(8))
    failure_modes: Mapped[list[str]] = mapped_column(JsonDict, default=list)
    step_comments: Mapped[dict[str, str]] = mapped_column(JsonDict, default=dict)
    comment: Mapped[str] = mapped_column(Text, default="")
    total: Mapped[float] = mapped_column(Float, default=0.0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class QualitySweepMark(Base):
    """How far the scoring sweep has walked: by last activity, and by conversation id for
    conversations that arrive with past times (imports, seeding). One row per walk."""

    __tablename__ = "quality_sweep_marks"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    activity_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    conversation_id: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
