"""quality: the scoring sweep's marks, and scorecard indexes by the scored conversation's activity

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 19:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import goodwill.core.types

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = goodwill.core.types.UtcDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "quality_sweep_marks",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("activity_at", UTC_DATETIME, nullable=True),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_quality_sweep_marks")),
    )
    with op.batch_alter_table("quality_scores", schema=None) as batch_op:
        batch_op.create_index(
            "ix_quality_scores_agent_activity", ["agent_id", "conversation_updated_at"]
        )
        batch_op.create_index(
            "ix_quality_scores_team_activity", ["team_id", "conversation_updated_at"]
        )


def downgrade() -> None:
    with op.batch_alter_table("quality_scores", schema=None) as batch_op:
        batch_op.drop_index("ix_quality_scores_team_activity")
        batch_op.drop_index("ix_quality_scores_agent_activity")
    op.drop_table("quality_sweep_marks")
