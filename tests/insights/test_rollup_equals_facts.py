"""fact_daily must give exactly the sums the facts give, for every measure and every filter the
rollup answers, grouped or not; and refreshing a day replaces it (never adds twice)."""

import random
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from service_facts import add_fact
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories import Factories
from goodwill.insights.filters import InsightFilter
from goodwill.insights.rollup import MEASURES, fact_daily, measure_source, uses_rollup
from goodwill.insights.services.rollup import refresh_rollup_days

START = date(2026, 2, 1)
CHANNELS = ("email", "chat", "phone")
STATES = ("done", "missed", "na", None)


def _random_facts(make: Factories, count: int, seed: int) -> set[date]:
    rng = random.Random(seed)
    teams = [make.team(name=f"Team {n}") for n in range(2)]
    agents = [make.agent(email=f"a{n}@example.com") for n in range(3)]
    days = set()
    for _ in range(count):
        opened = datetime(2026, 2, 1, 8, tzinfo=UTC) + timedelta(hours=rng.randrange(24 * 27))
        days.add(opened.date())
        resolved = rng.random() < 0.8
        maybe = lambda value: value if rng.random() < 0.6 else None  # noqa: E731
        add_fact(
            make,
            opened,
            channel=rng.choice(CHANNELS),
            team=rng.choice([*teams, None]),
            agent=rng.choice([*agents, None]),
            topic=rng.choice(["delivery", "refund", None]),
            segment=rng.choice(["new", "returning"]),
            resolved_at=opened + timedelta(hours=5) if resolved else None,
            resolution_seconds=18000 if resolved else None,
            resolution_business_seconds=rng.randrange(100, 90000) if resolved else None,
            first_response_business_seconds=maybe(rng.randrange(0, 40000)),
            reopens=rng.choice([0, 0, 1, 2]),
            transfers=rng.choice([0, 1]),
            first_contact_resolution=rng.random() < 0.4,
            sla_applies=rng.random() < 0.7,
            sla_breached=rng.random() < 0.2,
            promises_made=rng.choice([0, 1]),
            promises_kept=rng.choice([0, 1]),
            csat=maybe(rng.randint(1, 5)),
            nps=maybe(rng.randint(0, 10)),
            ces=maybe(rng.randint(1, 7)),
            survey_sent=rng.random() < 0.5,
            survey_answered=rng.random() < 0.3,
            predicted_csat=maybe(rng.uniform(1, 5)),
            sentiment_start=maybe(rng.uniform(-1, 1)),
            sentiment_end=maybe(rng.uniform(-1, 1)),
            repurchased=rng.choice([True, False, None]),
            quality_total=maybe(rng.randrange(0, 101)),
            step_needs=rng.choice(STATES),
            step_gratitude=rng.choice(STATES),
            failure_ignored=rng.random() < 0.1,
            greeted_by_name=rng.choice([True, False, None]),
            cause=rng.choice(["service", "product", "policy", None]),
        )
    return days


def _sums(session: Session, insight_filter: InsightFilter, *, facts: bool, by: str | None) -> Any:
    source = measure_source(insight_filter, force_facts=facts)
    keys = [source.key(by)] if by else []
    statement = select(*keys, *source.sums(*MEASURES)).select_from(source.table)
    statement = statement.where(*source.conditions)
    if by:
        statement = statement.group_by(*keys)
    rows = session.execute(statement).all()
    return (
        sorted((tuple(round(float(v or 0), 6) for v in row[len(keys) :]), row[:1]) for row in rows)
        if by
        else [tuple(round(float(v or 0), 6) for v in rows[0])]
    )


@pytest.mark.parametrize("by", [None, "channel", "team_id", "agent_id", "opened_on"])
def test_every_measure_of_the_rollup_equals_the_facts(
    make: Factories, session: Session, by: str | None
) -> None:
    days = _random_facts(make, 90, seed=7)
    refresh_rollup_days(session, days)
    base = InsightFilter(start=START, end=date(2026, 2, 28))
    agent_id = session.scalars(
        select(fact_daily.c.agent_id).where(fact_daily.c.agent_id != 0)
    ).first()
    filters = [
        base,
        replace(base, start=date(2026, 2, 10), end=date(2026, 2, 20)),
        replace(base, channel="chat"),
        replace(base, agent_id=agent_id),
        replace(base, product_id=999),
    ]
    for insight_filter in filters:
        assert uses_rollup(insight_filter)
        rolled = _sums(session, insight_filter, facts=False, by=by)
        direct = _sums(session, insight_filter, facts=True, by=by)
        assert rolled == direct, insight_filter


def test_refreshing_a_day_twice_replaces_it(make: Factories, session: Session) -> None:
    days = _random_facts(make, 40, seed=3)
    refresh_rollup_days(session, days)
    columns = [column for column in fact_daily.c if column.name != "id"]
    first = sorted(session.execute(select(*columns)).all(), key=str)
    refresh_rollup_days(session, days)
    assert sorted(session.execute(select(*columns)).all(), key=str) == first


def test_topic_segment_and_tag_filters_read_the_facts() -> None:
    base = InsightFilter(start=START, end=date(2026, 2, 28))
    for sliced in (
        replace(base, topic="refund"),
        replace(base, segment="new"),
        replace(base, tag_id=1),
    ):
        assert not uses_rollup(sliced)
        assert not measure_source(sliced).uses_rollup
