"""Alembic migrations for the Goodwill schema."""
