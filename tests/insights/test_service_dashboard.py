"""The service dashboard's numbers on a hand-built facts set: volumes, nearest-rank medians and
p90s, FCR, reopens, transfers, SLA, the previous period, teams, agents and the backlog."""

from dataclasses import replace

import pytest
from service_facts import PERIOD, ServiceSet, at, service_set
from sqlalchemy.orm import Session

from factories import Factories
from goodwill.core.clock import FixedClock
from goodwill.insights.services.service_dashboard import (
    dashboard_tables,
    load_service_dashboard,
    percentile,
)


@pytest.fixture
def data(make: Factories) -> ServiceSet:
    return service_set(make)


def test_percentiles_are_nearest_rank() -> None:
    assert percentile([], 50) is None
    assert percentile([7], 90) == 7
    assert percentile([1, 2, 3, 4], 50) == 2
    assert percentile([1, 2, 3, 4], 90) == 4
    assert percentile(list(range(1, 11)), 90) == 9
    assert percentile(list(range(1, 101)), 50) == 50


def test_volumes_rates_and_sla_for_the_period_and_the_previous_one(
    session: Session, clock: FixedClock, data: ServiceSet
) -> None:
    dashboard = load_service_dashboard(session, PERIOD, clock.now())
    now, before = dashboard.current.counts, dashboard.previous.counts
    assert (now.volume, before.volume) == (5, 2)  # the conversation of January counts nowhere
    assert dashboard.current.by_channel["email"].volume == 3
    assert dashboard.current.by_channel["chat"].volume == 2
    assert (now.resolved, now.fcr, now.reopened, now.transferred) == (3, 2, 1, 1)
    assert now.fcr_rate == pytest.approx(2 / 3)
    assert now.reopen_rate == pytest.approx(1 / 3)
    assert now.transfer_rate == pytest.approx(1 / 5)
    assert (now.sla_applies, now.sla_breached) == (4, 2)
    assert now.sla_attainment == pytest.approx(0.5)
    assert (now.first_response_breached, now.resolution_breached) == (2, 1)
    assert before.fcr_rate == 1.0
    assert before.sla_attainment == pytest.approx(0.5)


def test_medians_and_p90s_are_exact(session: Session, clock: FixedClock, data: ServiceSet) -> None:
    dashboard = load_service_dashboard(session, PERIOD, clock.now())
    durations = dashboard.current.durations
    frt = durations["first_response_business_seconds"]
    assert (frt.count, frt.median, frt.p90) == (4, 120, 240)
    wall = durations["first_response_seconds"]
    assert (wall.median, wall.p90) == (180, 1000)
    assert durations["next_response_business_seconds"].median == 100
    resolution = durations["resolution_business_seconds"]
    assert (resolution.count, resolution.median, resolution.p90) == (3, 2000, 3000)
    earlier = dashboard.previous.durations["first_response_business_seconds"]
    assert (earlier.median, earlier.p90) == (30, 600)


def test_volume_by_day_fills_every_day(
    session: Session, clock: FixedClock, data: ServiceSet
) -> None:
    dashboard = load_service_dashboard(session, PERIOD, clock.now())
    assert len(dashboard.days) == 14
    assert dashboard.daily["email"][0] == 1  # 16 February
    assert dashboard.daily["chat"][4] == 1  # 20 February
    assert sum(dashboard.daily["email"]) + sum(dashboard.daily["chat"]) == 5


def test_teams_and_agents(session: Session, clock: FixedClock, data: ServiceSet) -> None:
    dashboard = load_service_dashboard(session, PERIOD, clock.now())
    teams = {row.name: row for row in dashboard.teams}
    alpha, bravo, none = teams["Alpha"], teams["Bravo"], teams["(none)"]
    assert (alpha.counts.volume, alpha.first_response.median, alpha.resolution.median) == (
        2,
        60,
        1000,
    )
    assert alpha.counts.fcr_rate == 0.5
    assert alpha.counts.sla_attainment == 0.5
    assert (bravo.first_response.median, bravo.resolution.median) == (180, 3000)
    assert bravo.counts.fcr_rate == 1.0
    assert (none.ident, none.counts.volume, none.first_response.median) == (None, 1, None)
    agents = {row.name: row for row in dashboard.agents}
    assert agents["Xavier"].counts.volume == 2
    assert agents["Yolanda"].first_response.median == 180
    assert agents["(none)"].counts.volume == 2


@pytest.mark.parametrize(
    ("slices", "volume"),
    [
        ({"channel": "chat"}, 2),
        ({"segment": "new"}, 1),
        ({"topic": "refund"}, 1),
        ({"product_id": 7}, 1),
    ],
)
def test_each_slice_narrows_the_numbers(
    session: Session, clock: FixedClock, data: ServiceSet, slices: dict[str, object], volume: int
) -> None:
    dashboard = load_service_dashboard(session, replace(PERIOD, **slices), clock.now())  # type: ignore[arg-type]
    assert dashboard.current.counts.volume == volume


def test_team_agent_and_tag_slices(
    session: Session, clock: FixedClock, data: ServiceSet, make: Factories
) -> None:
    by_team = load_service_dashboard(session, replace(PERIOD, team_id=data.team_a.id), clock.now())
    assert (by_team.current.counts.volume, by_team.previous.counts.volume) == (2, 2)
    by_agent = replace(PERIOD, agent_id=data.agent_y.id)
    assert load_service_dashboard(session, by_agent, clock.now()).current.counts.volume == 1
    tag_id = _tag_id(session, "vip")
    tagged = load_service_dashboard(session, replace(PERIOD, tag_id=tag_id), clock.now())
    assert tagged.current.counts.volume == 2
    assert tagged.current.durations["first_response_business_seconds"].median == 60


def test_backlog_is_open_now_by_age(session: Session, clock: FixedClock, data: ServiceSet) -> None:
    backlog = load_service_dashboard(session, PERIOD, clock.now()).backlog
    assert backlog.total == 3  # c4 open, c5 new, p2 pending: the period does not apply
    assert backlog.by_age == {"lt_1bd": 1, "1_3bd": 0, "3bd_1w": 1, "gt_1w": 1}
    assert backlog.by_status["pending"] == 1
    chat = load_service_dashboard(session, replace(PERIOD, channel="chat"), clock.now()).backlog
    assert chat.total == 1


def test_backlog_ages_in_the_team_business_days(
    session: Session, clock: FixedClock, make: Factories
) -> None:
    from service_facts import add_fact

    office = make.team(name="Office", business_hours=make.business_hours())  # Mon-Fri 9-17 UTC
    add_fact(make, at(27, hour=12), status="open", team=office)  # Fri 12:00: 5 business hours
    add_fact(make, at(26, hour=12), status="open", team=office)  # Thu 12:00: 13 business hours
    add_fact(make, at(26, hour=12), status="open")  # no team: always open, 93 hours
    backlog = load_service_dashboard(session, PERIOD, clock.now()).backlog
    assert backlog.by_age == {"lt_1bd": 1, "1_3bd": 1, "3bd_1w": 1, "gt_1w": 0}


def test_the_tables_for_export_have_stable_keys_and_the_same_numbers(
    session: Session, clock: FixedClock, data: ServiceSet
) -> None:
    tables = {table.key: table for table in dashboard_tables(session, PERIOD, clock.now())}
    assert list(tables) == [
        "volume",
        "times",
        "rates",
        "sla",
        "daily",
        "backlog",
        "teams",
        "agents",
    ]
    assert tables["volume"].rows[-1] == ("Total", 5, 2, 3)
    times = {row[0]: row for row in tables["times"].rows}
    assert times["First response, median (business hours)"][1:] == (120, 30, 90, 4)
    rates = {row[0]: row for row in tables["rates"].rows}
    assert rates["First-contact resolution (of resolved)"][1:] == (0.6667, 1.0, -0.3333, 2, 3)


def _tag_id(session: Session, name: str) -> int:
    from sqlalchemy import select

    from goodwill.tags.models import Tag

    tag_id = session.scalar(select(Tag.id).where(Tag.name == name))
    assert tag_id is not None
    return tag_id
