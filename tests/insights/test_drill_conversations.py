"""The drill-down lists exactly the conversations behind each number of the service dashboard."""

from urllib.parse import parse_qsl, urlsplit

import pytest
from service_facts import PERIOD, ServiceSet, service_set
from sqlalchemy.orm import Session

from factories import Factories
from goodwill.core.clock import FixedClock
from goodwill.insights.drill import DrillCondition, DrillRequest, Op, parse_drill
from goodwill.insights.filters import parse_filter
from goodwill.insights.services.backlog import AGE_KEYS
from goodwill.insights.services.drill import drill_conversations
from goodwill.insights.services.service_dashboard import load_service_dashboard
from goodwill.insights.services.service_view import service_view


@pytest.fixture
def data(make: Factories) -> ServiceSet:
    return service_set(make)


def test_every_count_on_the_dashboard_drills_to_that_many_conversations(
    session: Session, clock: FixedClock, data: ServiceSet
) -> None:
    view = service_view(load_service_dashboard(session, PERIOD, clock.now()))
    checked = 0
    for linked in view.tables:
        for row, links in zip(linked.table.rows, linked.links, strict=True):
            for value, link, column in zip(row, links, linked.table.columns, strict=True):
                if link is None or not isinstance(value, int) or "seconds" in column:
                    continue
                assert _drill_total(session, clock, link) == value, (linked.table.key, row)
                checked += 1
    assert checked > 60


def test_a_percentile_drills_to_the_conversations_measured(
    session: Session, clock: FixedClock, data: ServiceSet
) -> None:
    view = service_view(load_service_dashboard(session, PERIOD, clock.now()))
    times = view.table("times")
    row = next(i for i, r in enumerate(times.table.rows) if "Resolution, median" in str(r[0]))
    link = times.links[row][1]
    assert link is not None
    assert _drill_total(session, clock, link) == 3


def test_rows_are_the_conversations_newest_first_with_the_drilled_value(
    session: Session, clock: FixedClock, data: ServiceSet
) -> None:
    request = DrillRequest(condition=DrillCondition("first_response_business_seconds", Op.GE, 120))
    page = drill_conversations(session, PERIOD, request, clock.now())
    assert page.total == 3
    assert [row.conversation_id for row in page.rows] == [
        data.current[key].id for key in ("c4", "c3", "c2")
    ]
    assert [row.value for row in page.rows] == [240, 180, 120]
    first = page.rows[2]
    assert (first.reference, first.agent_name, first.channel) == (
        data.current["c2"].reference,
        "Xavier",
        "email",
    )
    assert page.column == "first_response_business_seconds"


def test_pages(session: Session, clock: FixedClock, data: ServiceSet) -> None:
    first = drill_conversations(session, PERIOD, DrillRequest(page_size=2), clock.now())
    third = drill_conversations(session, PERIOD, DrillRequest(page=3, page_size=2), clock.now())
    assert (first.total, first.pages, first.has_next, third.has_next) == (5, 3, True, False)
    assert [row.conversation_id for row in third.rows] == [data.current["c1"].id]


def test_the_backlog_lists_the_open_conversations_with_their_age(
    session: Session, clock: FixedClock, data: ServiceSet
) -> None:
    page = drill_conversations(session, PERIOD, DrillRequest(backlog=True), clock.now())
    assert [row.conversation_id for row in page.rows] == [
        data.current["c5"].id,
        data.current["c4"].id,
        data.previous["p2"].id,
    ]
    assert [row.value for row in page.rows] == ["lt_1bd", "3bd_1w", "gt_1w"]
    old = drill_conversations(session, PERIOD, DrillRequest(backlog=True, age="gt_1w"), clock.now())
    assert [row.status for row in old.rows] == ["pending"]


def _drill_total(session: Session, clock: FixedClock, link: str) -> int:
    params = dict(parse_qsl(urlsplit(link).query))
    assert urlsplit(link).path == "/insights/conversations"
    insight_filter = parse_filter(params, clock.now().date())
    request = parse_drill(params, AGE_KEYS)
    return drill_conversations(session, insight_filter, request, clock.now()).total


def test_drill_links_carry_the_filter_as_query_string_writes_it() -> None:
    from dataclasses import replace

    from goodwill.insights.services.service_view import drill_url

    sliced = replace(PERIOD, channel="web form", topic="a&b", tag_id=3, segment="new")
    assert drill_url(sliced) == f"/insights/conversations?{sliced.query_string()}"
    assert drill_url(sliced, col="csat", op="le", val="2") == (
        f"/insights/conversations?{sliced.query_string(col='csat', op='le', val='2')}"
    )
