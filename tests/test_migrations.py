"""Migrations build the whole schema on an empty database, match the models, and go back down."""

from alembic import command
from sqlalchemy import Engine, create_engine, inspect

from goodwill.all_models import metadata
from goodwill.schema import alembic_config, schema_differences, upgrade_to_head


def test_migrated_schema_matches_models(engine: Engine) -> None:
    with engine.connect() as connection:
        assert schema_differences(connection, metadata) == []


def test_every_model_table_exists(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    assert set(metadata.tables) <= tables


def test_upgrade_downgrade_upgrade_on_empty_database(
    file_database_url: str, db_kind: str, tmp_path: object
) -> None:
    url = file_database_url if db_kind == "postgres" else f"sqlite:///{tmp_path}/roundtrip.db"
    upgrade_to_head(url)
    command.downgrade(alembic_config(url), "base")
    engine = create_engine(url)
    remaining = set(inspect(engine).get_table_names()) - {"alembic_version"}
    assert remaining == set()
    engine.dispose()
    upgrade_to_head(url)
    engine = create_engine(url)
    with engine.connect() as connection:
        assert schema_differences(connection, metadata) == []
    engine.dispose()
