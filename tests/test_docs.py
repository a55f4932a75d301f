"""The documentation covers every setting and every job, and the README the two commands."""

from pathlib import Path

import goodwill.jobs_index  # noqa: F401
from goodwill.core.jobs.registry import registered_job_names
from goodwill.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def test_every_setting_is_documented() -> None:
    text = (ROOT / "docs" / "settings.md").read_text()
    missing = [name for name in Settings.model_fields if f"GOODWILL_{name.upper()}" not in text]
    assert missing == []


def test_every_job_is_documented() -> None:
    text = (ROOT / "docs" / "jobs.md").read_text()
    production_jobs = [name for name in registered_job_names() if not name.startswith("tests.")]
    missing = [name for name in production_jobs if f"`{name}`" not in text]
    assert missing == []


def test_readme_shows_the_two_commands() -> None:
    text = (ROOT / "README.md").read_text()
    assert "make demo" in text and "make test" in text
