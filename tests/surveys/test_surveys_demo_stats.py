"""Survey figures on demo data: realistic response rate and coverage, and an idempotent schedule."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from goodwill import all_models
from goodwill.core.db import Database
from goodwill.demo.loader import seed_database
from goodwill.surveys.models import SurveyInvitation
from goodwill.surveys.services.schedule import schedule_finished
from goodwill.surveys.services.stats import survey_stats

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Database]:
    """A file database of its own (seeding commits per batch), as in tests/demo."""
    database = Database(f"sqlite:///{tmp_path / 'demo.db'}")
    all_models.metadata.create_all(database.engine)
    seed_database(database, conversations=1500, seed=11, now=NOW, progress=False)
    yield database
    database.dispose()


def test_demo_figures_look_like_a_real_help_desk(demo: Database) -> None:
    with demo.reader() as session:
        report = survey_stats(session, start=NOW - timedelta(days=365), end=NOW)
    assert 15 < (report.response_rate or 0) < 35  # the demo answers 22-30% of invitations
    assert 5 < (report.coverage or 0) < 20  # so few conversations are ever rated
    csat, nps, ces = report.kinds
    assert csat.responses > 50 and 50 < (csat.satisfied_percent or 0) < 95
    assert nps.responses > 10 and nps.nps is not None and -100 <= nps.nps <= 100
    assert ces.responses > 5 and ces.easy_percent is not None


def test_the_schedule_adds_nothing_twice_on_demo_data(demo: Database) -> None:
    with demo.transaction() as session:
        before = session.scalar(select(func.count(SurveyInvitation.id)))
        created = schedule_finished(session, now=NOW)
        assert schedule_finished(session, now=NOW) == 0
        after = session.scalar(select(func.count(SurveyInvitation.id)))
    assert after == (before or 0) + created
