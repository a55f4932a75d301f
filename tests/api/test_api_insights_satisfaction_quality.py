"""The Satisfaction and Quality dashboards' JSON: managers only, filters, a fixed query count."""

from datetime import UTC, date, datetime

import httpx
import pytest
from api_support import Caller
from fastapi.testclient import TestClient
from test_api_live_server import LiveServer
from test_api_live_server import live_server as live_server_fixture  # noqa: F401  (live_server)
from test_api_query_counts import counting_statements

from factories import Factories
from goodwill.core.db import Database
from support.committed_facts import conversation_with_facts
from support.insights_facts_factory import fact
from support.insights_month_scenario import build

SATISFACTION = "/api/v1/insights/satisfaction"
QUALITY = "/api/v1/insights/quality"
FEBRUARY = {"start": "2026-02-01", "end": "2026-02-28"}


def test_satisfaction_figures_tables_and_previous_period(
    client: TestClient, manager: Caller, make: Factories
) -> None:
    build(make)
    response = client.get(SATISFACTION, params=FEBRUARY, headers=manager.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["start"], body["end"]) == ("2026-02-01", "2026-02-28")
    assert (body["previous_start"], body["previous_end"]) == ("2026-01-04", "2026-01-31")
    assert body["current"]["csat_mean"] == pytest.approx(11 / 3)
    assert (body["current"]["nps"], body["current"]["response_rate"]) == (0.0, 75.0)
    assert (body["current"]["coverage"], body["current"]["estimated_csat"]) == (60.0, 3.8)
    assert body["current"]["retention_rate"] == 60.0
    assert body["previous"]["csat_mean"] == 2.0
    assert body["change"]["coverage"] == -40.0
    assert body["retention_complete"] is False
    keys = [table["key"] for table in body["tables"]]
    assert keys == ["summary", "by_channel", "by_team", "by_agent", "by_product", "csat_by_week"]
    summary = {row[0]: row[1:] for row in body["tables"][0]["rows"]}
    assert summary["NPS (% promoters - % detractors)"] == [0.0, 0.0, 0.0]


def test_quality_figures_and_a_filter(client: TestClient, manager: Caller, make: Factories) -> None:
    scenario = build(make)
    body = client.get(QUALITY, params=FEBRUARY, headers=manager.headers).json()
    assert (body["current"]["quality_mean"], body["current"]["scored"]) == (67.5, 4)
    assert body["current"]["step_acknowledgement_done_rate"] == 75.0
    assert body["current"]["failure_not_listening_rate"] == 25.0
    assert body["change"]["quality_mean"] == 27.5
    by_team = next(table for table in body["tables"] if table["key"] == "by_team")
    assert [row[0] for row in by_team["rows"]] == ["Returns", "Billing", "(no team)"]
    params = FEBRUARY | {"team_id": str(scenario.team_two.id)}
    narrowed = client.get(QUALITY, params=params, headers=manager.headers).json()
    assert narrowed["slices"] == {"team_id": str(scenario.team_two.id)}
    assert (narrowed["current"]["conversations"], narrowed["current"]["quality_mean"]) == (2, 0.0)


def test_agents_are_refused_and_bad_filters_say_why(
    client: TestClient, agent: Caller, admin: Caller
) -> None:
    for path in (SATISFACTION, QUALITY):
        refused = client.get(path, headers=agent.headers)
        assert refused.status_code == 403
        assert "manager" in refused.json()["detail"]
        assert client.get(path).status_code == 401
        assert client.get(path, headers=admin.headers).status_code == 200
        backwards = client.get(
            path, params={"start": "2026-02-10", "end": "2026-02-01"}, headers=admin.headers
        )
        assert backwards.status_code == 422
        assert "end must not be before start" in backwards.text
        too_late = client.get(path, params={"start": "9999-12-30"}, headers=admin.headers)
        assert too_late.status_code == 422
        huge = client.get(path, params={"team_id": "99999999999"}, headers=admin.headers)
        assert huge.status_code == 422


@pytest.mark.parametrize("path", [SATISFACTION, QUALITY])
def test_the_query_count_does_not_grow_with_the_data(
    client: TestClient, database: Database, manager: Caller, make: Factories, path: str
) -> None:
    def statements() -> int:
        with counting_statements(database) as seen:
            response = client.get(path, params=FEBRUARY, headers=manager.headers)
        assert response.status_code == 200
        return len(seen)

    build(make)
    small = statements()
    team = make.team(name="Extra")
    for number in range(12):
        fact(
            make,
            day=date(2026, 2, 1 + number),
            csat=1 + number % 5,
            team_id=team.id,
            quality_total=50,
            step_needs="done",
            agent_id=make.agent().id,
        )
    assert statements() == small


def test_both_dashboards_over_real_http(
    request: pytest.FixtureRequest, file_database_url: str
) -> None:
    """uvicorn on a loopback port, httpx, committed facts in March 2023 (a period of their own)."""
    database = Database(file_database_url)
    now = datetime.now(UTC)
    with database.transaction() as session:
        for day, csat, total in ((6, 5, 90), (7, 2, 50)):
            opened = datetime(2023, 3, day, 10, tzinfo=UTC)
            conversation_with_facts(
                session,
                day=opened.date(),
                now=now,
                resolved_at=opened,
                csat=csat,
                quality_total=total,
            )
    database.dispose()
    march = {"start": "2023-03-01", "end": "2023-03-31"}
    live_server: LiveServer = request.getfixturevalue("live_server_fixture")  # an admin's token
    with httpx.Client(base_url=live_server.base_url, headers=live_server.headers) as http:
        satisfaction = http.get(SATISFACTION, params=march)
        quality = http.get(QUALITY, params=march)
    assert satisfaction.status_code == 200, satisfaction.text
    assert satisfaction.json()["current"]["csat_mean"] == 3.5
    assert satisfaction.json()["current"]["coverage"] == 100.0
    assert quality.json()["current"]["quality_mean"] == 70.0
