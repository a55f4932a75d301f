"""Learned models and the satisfaction estimated for conversations nobody rated."""

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from goodwill.core.db import Base
from goodwill.core.types import JsonDict, UtcDateTime


class LearnedModel(Base):
    """A model this installation learned from its own data (sentiment, satisfaction).

    `parameters` is the model serialised by its own module (JSON bytes, never pickle), so a
    database never executes code it stores. The active row of a `name` is the one in use."""

    __tablename__ = "learned_models"
    __table_args__ = (Index("ix_learned_models_name_active", "name", "is_active"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(32))  # sentiment | satisfaction
    version: Mapped[str] = mapped_column(String(32))
    trained_at: Mapped[datetime] = mapped_column(UtcDateTime())
    trained_on: Mapped[int] = mapped_column(Integer)  # labelled examples used
    metrics: Mapped[dict[str, float]] = mapped_column(JsonDict, default=dict)
    parameters: Mapped[bytes] = mapped_column(LargeBinary)
    is_active: Mapped[bool] = mapped_column(Boolean, default=False)


class SatisfactionPrediction(Base):
    """A CSAT-scale estimate for a resolved conversation, with its interval and reasons."""

    __tablename__ = "satisfaction_predictions"
    __table_args__ = (Index("ix_satisfaction_predictions_predicted", "predicted_at"),)

    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True
    )
    model_id: Mapped[int | None] = mapped_column(
        ForeignKey("learned_models.id", ondelete="SET NULL")
    )
    predicted_csat: Mapped[float] = mapped_column(Float)  # 1..5
    low: Mapped[float] = mapped_column(Float)
    high: Mapped[float] = mapped_column(Float)
    confidence: Mapped[float] = mapped_column(Float)  # 0..1
    reasons: Mapped[list[dict[str, object]]] = mapped_column(JsonDict, default=list)
    predicted_at: Mapped[datetime] = mapped_column(UtcDateTime())
