"""quality: automatic scores with failure-mode columns, rubrics and reviewer scores

quality_scores was created empty by 0001 and nothing wrote to it before this revision, so it is
recreated in its new shape rather than altered column by column.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 18:16:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import goodwill.core.types

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
UTC_DATETIME = goodwill.core.types.UtcDateTime(timezone=True)
STEP_COLUMNS = ("acknowledgement", "rapport", "needs", "solution", "gratitude")


def _steps() -> list[sa.Column[str]]:
    return [sa.Column(name, sa.String(length=8), nullable=False) for name in STEP_COLUMNS]


def upgrade() -> None:
    op.drop_table("quality_scores")
    op.create_table(
        "quality_scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        *_steps(),
        sa.Column("strengths", JSON, nullable=False),
        sa.Column("not_listening", sa.Boolean(), nullable=False),
        sa.Column("ignored", sa.Boolean(), nullable=False),
        sa.Column("promise_broken", sa.Boolean(), nullable=False),
        sa.Column("lacking_knowledge", sa.Boolean(), nullable=False),
        sa.Column("no_follow_up", sa.Boolean(), nullable=False),
        sa.Column("evidence", JSON, nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("scorer_version", sa.String(length=16), nullable=False),
        sa.Column("conversation_updated_at", UTC_DATETIME, nullable=False),
        sa.Column("scored_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["agents.id"], name=op.f("fk_quality_scores_agent_id_agents")
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_quality_scores_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_quality_scores_team_id_teams")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_scores")),
        sa.UniqueConstraint("conversation_id", name=op.f("uq_quality_scores_conversation_id")),
    )
    with op.batch_alter_table("quality_scores", schema=None) as batch_op:
        batch_op.create_index("ix_quality_scores_agent_scored", ["agent_id", "scored_at"])
        batch_op.create_index("ix_quality_scores_team_scored", ["team_id", "scored_at"])
        batch_op.create_index("ix_quality_scores_total", ["total"])
    op.create_table(
        "quality_rubrics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("weights", JSON, nullable=False),
        sa.Column("critical", JSON, nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_rubrics")),
        sa.UniqueConstraint("name", name=op.f("uq_quality_rubrics_name")),
    )
    op.create_table(
        "quality_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("rubric_id", sa.Integer(), nullable=True),
        *_steps(),
        sa.Column("failure_modes", JSON, nullable=False),
        sa.Column("step_comments", JSON, nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("total", sa.Float(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["agents.id"], name=op.f("fk_quality_reviews_agent_id_agents")
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_quality_reviews_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"], ["agents.id"], name=op.f("fk_quality_reviews_reviewer_id_agents")
        ),
        sa.ForeignKeyConstraint(
            ["rubric_id"],
            ["quality_rubrics.id"],
            name=op.f("fk_quality_reviews_rubric_id_quality_rubrics"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_reviews")),
        sa.UniqueConstraint(
            "conversation_id",
            "reviewer_id",
            name=op.f("uq_quality_reviews_conversation_id_reviewer_id"),
        ),
    )
    with op.batch_alter_table("quality_reviews", schema=None) as batch_op:
        batch_op.create_index("ix_quality_reviews_agent_created", ["agent_id", "created_at"])
        batch_op.create_index(batch_op.f("ix_quality_reviews_conversation_id"), ["conversation_id"])


def downgrade() -> None:
    op.drop_table("quality_reviews")
    op.drop_table("quality_rubrics")
    op.drop_table("quality_scores")
    op.create_table(
        "quality_scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("reviewer_id", sa.Integer(), nullable=True),
        *_steps(),
        sa.Column("failure_modes", JSON, nullable=False),
        sa.Column("evidence", JSON, nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("scored_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["agents.id"], name=op.f("fk_quality_scores_agent_id_agents")
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_quality_scores_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"], ["agents.id"], name=op.f("fk_quality_scores_reviewer_id_agents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_scores")),
    )
    with op.batch_alter_table("quality_scores", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quality_scores_agent_id"), ["agent_id"])
        batch_op.create_index(batch_op.f("ix_quality_scores_conversation_id"), ["conversation_id"])
