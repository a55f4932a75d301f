"""satisfaction: survey templates and loop tasks, sentiment columns, learned models, predictions, reviews

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 19:38:02.169675
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import goodwill.core.types

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "learned_models",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.Column("trained_at", goodwill.core.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("trained_on", sa.Integer(), nullable=False),
        sa.Column(
            "metrics",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("parameters", sa.LargeBinary(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learned_models")),
    )
    with op.batch_alter_table("learned_models", schema=None) as batch_op:
        batch_op.create_index("ix_learned_models_name_active", ["name", "is_active"], unique=False)

    op.create_table(
        "survey_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column(
            "labels",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("comment_prompt", sa.Text(), nullable=False),
        sa.Column(
            "reasons",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("is_enabled", sa.Boolean(), nullable=False),
        sa.Column("trigger", sa.String(length=16), nullable=False),
        sa.Column("delay_minutes", sa.Integer(), nullable=False),
        sa.Column("expiry_days", sa.Integer(), nullable=False),
        sa.Column("sampling_rate", sa.Float(), nullable=False),
        sa.Column("cooldown_days", sa.Integer(), nullable=False),
        sa.Column("relationship_months", sa.Integer(), nullable=False),
        sa.Column("updated_at", goodwill.core.types.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_templates")),
        sa.UniqueConstraint("kind", name=op.f("uq_survey_templates_kind")),
    )
    op.create_table(
        "satisfaction_predictions",
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("model_id", sa.Integer(), nullable=True),
        sa.Column("predicted_csat", sa.Float(), nullable=False),
        sa.Column("low", sa.Float(), nullable=False),
        sa.Column("high", sa.Float(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column(
            "reasons",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("predicted_at", goodwill.core.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_satisfaction_predictions_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["model_id"],
            ["learned_models.id"],
            name=op.f("fk_satisfaction_predictions_model_id_learned_models"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("conversation_id", name=op.f("pk_satisfaction_predictions")),
    )
    with op.batch_alter_table("satisfaction_predictions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_satisfaction_predictions_predicted", ["predicted_at"], unique=False
        )

    op.create_table(
        "loop_tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=True),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=24), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", goodwill.core.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("done_at", goodwill.core.types.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["assignee_id"], ["agents.id"], name=op.f("fk_loop_tasks_assignee_id_agents")
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_loop_tasks_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_loop_tasks_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["survey_responses.id"],
            name=op.f("fk_loop_tasks_response_id_survey_responses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loop_tasks")),
        sa.UniqueConstraint("response_id", name=op.f("uq_loop_tasks_response_id")),
    )
    with op.batch_alter_table("loop_tasks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_loop_tasks_assignee_id"), ["assignee_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_loop_tasks_conversation_id"), ["conversation_id"], unique=False
        )
        batch_op.create_index(
            "ix_loop_tasks_status_created", ["status", "created_at"], unique=False
        )

    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sentiment_start", sa.Double(), nullable=True))
        batch_op.add_column(sa.Column("sentiment_end", sa.Double(), nullable=True))

    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.add_column(sa.Column("external_id", sa.String(length=120), nullable=True))
        batch_op.add_column(
            sa.Column("title", sa.String(length=300), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("sentiment_label", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("sentiment_score", sa.Double(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_reviews_external_id"), ["external_id"])

    with op.batch_alter_table("survey_invitations", schema=None) as batch_op:
        batch_op.create_index("ix_survey_invitations_due", ["sent_at", "send_at"], unique=False)
        batch_op.add_column(
            sa.Column("trigger", sa.String(length=16), nullable=False, server_default="resolved")
        )
        batch_op.add_column(
            sa.Column("channel", sa.String(length=16), nullable=False, server_default="email")
        )
        batch_op.add_column(sa.Column("requested_by_agent_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("message_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("opened_at", goodwill.core.types.UtcDateTime(timezone=True), nullable=True)
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_survey_invitations_requested_by_agent_id_agents"),
            "agents",
            ["requested_by_agent_id"],
            ["id"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_survey_invitations_message_id_messages"),
            "messages",
            ["message_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("source", sa.String(length=16), nullable=False, server_default="email")
        )


def downgrade() -> None:
    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.drop_column("source")

    with op.batch_alter_table("survey_invitations", schema=None) as batch_op:
        batch_op.drop_index("ix_survey_invitations_due")
        batch_op.drop_constraint(
            batch_op.f("fk_survey_invitations_message_id_messages"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_survey_invitations_requested_by_agent_id_agents"), type_="foreignkey"
        )
        batch_op.drop_column("opened_at")
        batch_op.drop_column("message_id")
        batch_op.drop_column("requested_by_agent_id")
        batch_op.drop_column("channel")
        batch_op.drop_column("trigger")

    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_reviews_external_id"), type_="unique")
        batch_op.drop_column("sentiment_score")
        batch_op.drop_column("sentiment_label")
        batch_op.drop_column("title")
        batch_op.drop_column("external_id")

    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.drop_column("sentiment_end")
        batch_op.drop_column("sentiment_start")

    with op.batch_alter_table("loop_tasks", schema=None) as batch_op:
        batch_op.drop_index("ix_loop_tasks_status_created")
        batch_op.drop_index(batch_op.f("ix_loop_tasks_conversation_id"))
        batch_op.drop_index(batch_op.f("ix_loop_tasks_assignee_id"))

    op.drop_table("loop_tasks")
    with op.batch_alter_table("satisfaction_predictions", schema=None) as batch_op:
        batch_op.drop_index("ix_satisfaction_predictions_predicted")

    op.drop_table("satisfaction_predictions")
    op.drop_table("survey_templates")
    with op.batch_alter_table("learned_models", schema=None) as batch_op:
        batch_op.drop_index("ix_learned_models_name_active")

    op.drop_table("learned_models")
