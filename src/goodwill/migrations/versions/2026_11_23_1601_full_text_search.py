"""full-text search: FTS5 on SQLite, tsvector GIN indexes on PostgreSQL

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 16:01:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_UP = [
    "CREATE VIRTUAL TABLE fts_messages USING fts5(body_text, content='messages', "
    "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER fts_messages_insert AFTER INSERT ON messages BEGIN "
    "INSERT INTO fts_messages(rowid, body_text) VALUES (new.id, new.body_text); END",
    "CREATE TRIGGER fts_messages_delete AFTER DELETE ON messages BEGIN "
    "INSERT INTO fts_messages(fts_messages, rowid, body_text) "
    "VALUES ('delete', old.id, old.body_text); END",
    "CREATE TRIGGER fts_messages_update AFTER UPDATE OF body_text ON messages BEGIN "
    "INSERT INTO fts_messages(fts_messages, rowid, body_text) "
    "VALUES ('delete', old.id, old.body_text); "
    "INSERT INTO fts_messages(rowid, body_text) VALUES (new.id, new.body_text); END",
    "CREATE VIRTUAL TABLE fts_conversations USING fts5(subject, content='conversations', "
    "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER fts_conversations_insert AFTER INSERT ON conversations BEGIN "
    "INSERT INTO fts_conversations(rowid, subject) VALUES (new.id, new.subject); END",
    "CREATE TRIGGER fts_conversations_delete AFTER DELETE ON conversations BEGIN "
    "INSERT INTO fts_conversations(fts_conversations, rowid, subject) "
    "VALUES ('delete', old.id, old.subject); END",
    "CREATE TRIGGER fts_conversations_update AFTER UPDATE OF subject ON conversations BEGIN "
    "INSERT INTO fts_conversations(fts_conversations, rowid, subject) "
    "VALUES ('delete', old.id, old.subject); "
    "INSERT INTO fts_conversations(rowid, subject) VALUES (new.id, new.subject); END",
]

SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS fts_conversations_update",
    "DROP TRIGGER IF EXISTS fts_conversations_delete",
    "DROP TRIGGER IF EXISTS fts_conversations_insert",
    "DROP TABLE IF EXISTS fts_conversations",
    "DROP TRIGGER IF EXISTS fts_messages_update",
    "DROP TRIGGER IF EXISTS fts_messages_delete",
    "DROP TRIGGER IF EXISTS fts_messages_insert",
    "DROP TABLE IF EXISTS fts_messages",
]

POSTGRES_UP = [
    "CREATE INDEX ix_fts_messages_body ON messages USING gin (to_tsvector('english', body_text))",
    "CREATE INDEX ix_fts_conversations_subject ON conversations "
    "USING gin (to_tsvector('english', subject))",
]

POSTGRES_DOWN = [
    "DROP INDEX IF EXISTS ix_fts_conversations_subject",
    "DROP INDEX IF EXISTS ix_fts_messages_body",
]


def upgrade() -> None:
    statements = SQLITE_UP if op.get_bind().dialect.name == "sqlite" else POSTGRES_UP
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    statements = SQLITE_DOWN if op.get_bind().dialect.name == "sqlite" else POSTGRES_DOWN
    for statement in statements:
        op.execute(statement)
