"""Run Alembic programmatically: upgrade to head, and compare the models with a database."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection

SCRIPT_LOCATION = "goodwill:migrations"
FULL_TEXT_PREFIXES = ("fts_", "ix_fts_")


def include_name(name: str | None, type_: str, _parent_names: object) -> bool:
    """Full-text tables and indexes are dialect-specific, created by hand in migrations."""
    if name is None or type_ not in ("table", "index"):
        return True
    return not name.startswith(FULL_TEXT_PREFIXES)


def alembic_config(url: str, connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.set_main_option(
        "file_template",
        "%%(year)d_%%(month).2d_%%(day).2d_%%(hour).2d%%(minute).2d_%%(slug)s",
    )
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade_to_head(url: str, connection: Connection | None = None) -> None:
    command.upgrade(alembic_config(url, connection), "head")


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def schema_differences(connection: Connection, metadata: object) -> list[object]:
    """What `alembic check` would report: an empty list when the models match the database."""
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "include_name": include_name}
    )
    return list(compare_metadata(context, metadata))  # type: ignore[arg-type]
