"""Alembic environment: batch mode on SQLite, the naming convention, full-text objects ignored."""

from alembic import context
from sqlalchemy import Connection

from goodwill.all_models import metadata
from goodwill.core.db import single_connection_engine
from goodwill.schema import include_name


def run_with_connection(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        run_with_connection(connection)
        return
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no database URL given to Alembic")
    engine = single_connection_engine(url)
    try:
        with engine.connect() as conn:
            run_with_connection(conn)
    finally:
        engine.dispose()


run_migrations_online()
