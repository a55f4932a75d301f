"""GET /api/v1/insights/service and /api/v1/insights/conversations over real HTTP handling:
managers only, 400s that say what to fix, the drill-down totals, a fixed number of queries."""

import sys
from pathlib import Path

import pytest
from api_support import Caller
from fastapi.testclient import TestClient
from test_api_query_counts import counting_statements

from factories import Factories
from goodwill.core.db import Database

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "insights"))
from service_facts import PERIOD, ServiceSet, add_fact, at, service_set

FILTER = {"start": PERIOD.start.isoformat(), "end": PERIOD.end.isoformat()}


@pytest.fixture
def data(make: Factories) -> ServiceSet:
    return service_set(make)


def test_the_dashboard_as_json(client: TestClient, manager: Caller, data: ServiceSet) -> None:
    response = client.get("/api/v1/insights/service", params=FILTER, headers=manager.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["period"]["previous_start"] == "2026-02-02"
    tables = {table["key"]: table for table in body["tables"]}
    assert tables["volume"]["rows"][-1] == ["Total", 5, 2, 3]
    backlog = tables["backlog"]
    assert backlog["rows"][-1] == ["Total", 3]
    assert backlog["links"][-1][1].startswith("/insights/conversations?start=2026-02-16")


def test_drill_down_lists_the_conversations(
    client: TestClient, admin: Caller, data: ServiceSet
) -> None:
    params = FILTER | {"col": "sla_breached", "op": "true", "page_size": "1"}
    response = client.get("/api/v1/insights/conversations", params=params, headers=admin.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["total"], body["has_next"], body["column"]) == (2, True, "sla_breached")
    assert body["items"][0]["conversation_id"] == data.current["c4"].id
    assert body["items"][0]["value"] is True
    backlog = client.get(
        "/api/v1/insights/conversations",
        params=FILTER | {"backlog": "1", "age": "gt_1w"},
        headers=admin.headers,
    ).json()
    assert [item["reference"] for item in backlog["items"]] == [data.previous["p2"].reference]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"col": "secret", "op": "eq", "val": "1"}, "not a column you can drill on"),
        ({"col": "csat", "op": "between", "val": "1"}, "op must be one of"),
        ({"col": "csat", "op": "eq", "val": "high"}, "must be a int number"),
        ({"start": "2026-02-30"}, "start must be a day"),
        ({"start": "2026-03-01", "end": "2026-02-01"}, "end must not be before start"),
        ({"team_id": "abc"}, "team_id must be a whole number"),
        ({"team_id": "99999999999999999999"}, "team_id must be a whole number"),
        ({"segment": "vip"}, "segment must be one of"),
    ],
)
def test_bad_filters_and_conditions_are_400(
    client: TestClient, manager: Caller, params: dict[str, str], message: str
) -> None:
    response = client.get("/api/v1/insights/conversations", params=params, headers=manager.headers)
    assert response.status_code == 400, response.text
    assert message in response.json()["detail"]
    dashboard = client.get("/api/v1/insights/service", params=params, headers=manager.headers)
    assert dashboard.status_code == (200 if "col" in params else 400)


def test_agents_get_403(client: TestClient, agent: Caller) -> None:
    for path in ("/api/v1/insights/service", "/api/v1/insights/conversations"):
        response = client.get(path, headers=agent.headers)
        assert response.status_code == 403
        assert "manager" in response.json()["detail"]
    assert client.get("/api/v1/insights/service").status_code == 401


def test_the_dashboard_and_drill_down_cost_a_fixed_number_of_queries(
    client: TestClient, database: Database, manager: Caller, make: Factories
) -> None:
    service_set(make)

    def statements(path: str, params: dict[str, str]) -> int:
        with counting_statements(database) as seen:
            response = client.get(path, params=FILTER | params, headers=manager.headers)
        assert response.status_code == 200, response.text
        return len(seen)

    paths = [
        ("/api/v1/insights/service", {}),
        ("/api/v1/insights/conversations", {"col": "reopens", "op": "ge", "val": "0"}),
        ("/api/v1/insights/conversations", {"backlog": "1"}),
    ]
    before = [statements(path, params) for path, params in paths]
    team = make.team()
    for day in range(16, 28):
        for hour in (9, 12, 15):
            add_fact(
                make,
                at(day, hour=hour),
                status="open",
                team=team,
                agent=make.agent(),
                first_response_business_seconds=day * hour,
                reopens=1,
            )
    after = [statements(path, params) for path, params in paths]
    assert after == before
    assert before[0] <= 16
