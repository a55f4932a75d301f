"""Service-quality scores per conversation: the five steps and the failure modes, with evidence."""

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from goodwill.core.db import Base
from goodwill.core.types import JsonDict, UtcDateTime


class QualityScore(Base):
    """One scoring of one conversation, automatic (reviewer_id is None) or by a reviewer."""

    __tablename__ = "quality_scores"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"), index=True)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    acknowledgement: Mapped[str] = mapped_column(String(8))  # done | missed | na
    rapport: Mapped[str] = mapped_column(String(8))
    needs: Mapped[str] = mapped_column(String(8))
    solution: Mapped[str] = mapped_column(String(8))
    gratitude: Mapped[str] = mapped_column(String(8))
    failure_modes: Mapped[list[str]] = mapped_column(JsonDict, default=list)
    evidence: Mapped[dict[str, str]] = mapped_column(JsonDict, default=dict)
    total: Mapped[int] = mapped_column(Integer, default=0)  # 0-100
    scored_at: Mapped[datetime] = mapped_column(UtcDateTime())
