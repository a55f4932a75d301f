"""The loyalty overview on demo data: the planted satisfaction -> repurchase link shows."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from goodwill import all_models
from goodwill.commerce.loyalty import Signal
from goodwill.commerce.services.loyalty_report import latest_signals, loyalty_overview, order_dates
from goodwill.core.db import Database
from goodwill.demo.loader import seed_database

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Database]:
    """A file database of its own (seeding commits per batch), as in tests/demo."""
    database = Database(f"sqlite:///{tmp_path / 'demo.db'}")
    all_models.metadata.create_all(database.engine)
    seed_database(database, conversations=1500, seed=11, now=NOW, progress=False)
    yield database
    database.dispose()


def bought_after(signal: Signal, dates: list[datetime]) -> bool:
    return any(at > signal.at for at in dates)


def test_satisfied_demo_customers_come_back_more_often(demo: Database) -> None:
    with demo.reader() as session:
        overview = loyalty_overview(session, start=NOW - timedelta(days=365), end=NOW)
        dates = order_dates(session)
        signals = latest_signals(session)

    assert overview.repeat.buyers > 500
    assert 0.05 < (overview.repeat.rate or 0) < 0.9
    assert overview.cohorts and overview.cohorts[0].shares[0] == 1.0
    assert overview.median_days_to_next_purchase is not None
    assert sum(overview.nps_groups.values()) > 0
    assert overview.segments["loyal"] > 0
    csat = [
        (s, dates.get(cid, []))
        for cid, found in signals.items()
        for s in found
        if s.kind == "csat" and s.at < NOW - timedelta(days=120)
    ]
    happy = [bought_after(s, d) for s, d in csat if s.score >= 4]
    unhappy = [bought_after(s, d) for s, d in csat if s.score <= 2]
    assert len(happy) > 30 and len(unhappy) > 5
    assert sum(happy) / len(happy) > sum(unhappy) / len(unhappy)
