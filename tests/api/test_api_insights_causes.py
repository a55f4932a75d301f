"""GET /api/v1/insights/causes: managers only, hand-built numbers, filters, fixed query count."""

from datetime import date

import pytest
from api_support import Caller
from fastapi.testclient import TestClient
from test_api_query_counts import counting_statements

from factories import Factories
from goodwill.core.db import Database
from support.cause_scenario import build, review
from support.insights_facts_factory import fact

CAUSES = "/api/v1/insights/causes"
FEBRUARY = {"start": "2026-02-01", "end": "2026-02-28"}


def test_shares_details_months_and_evidence(
    client: TestClient, manager: Caller, make: Factories
) -> None:
    scenario = build(make)
    response = client.get(CAUSES, params=FEBRUARY, headers=manager.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["start"], body["previous_start"]) == ("2026-02-01", "2026-01-04")
    assert (body["unhappy"], body["previous_unhappy"], body["low_rated_reviews"]) == (6, 1, 2)
    causes = {row["cause"]: row for row in body["causes"]}
    assert causes["service"]["conversations"] == 3
    assert causes["service"]["share"] == 0.5
    assert causes["product"]["previous_share"] == 1.0
    assert causes["product"]["reviews_share"] == 0.5
    assert causes["service"]["drill"].endswith("&col=cause&op=eq&val=service")
    assert causes["none"]["drill"].endswith("&col=cause&op=eq&val=none")
    details = {row["detail"]: row for row in body["details"]}
    assert (details["no_follow_up"]["conversations"], details["no_follow_up"]["share"]) == (
        1,
        0.1667,
    )
    assert details["quality"]["previous_conversations"] == 1
    assert details["attitude"]["reviews"] == 1
    assert body["months"] == [
        {
            "month": "2026-02",
            "unhappy": 6,
            "shares": {"service": 0.5, "product": 0.1667, "policy": 0.1667, "none": 0.1667},
            "reviews": 2,
            "review_shares": {"service": 0.5, "product": 0.5, "policy": 0.0, "none": 0.0},
        }
    ]
    listed = body["conversations"]
    assert [row["conversation_id"] for row in listed][-1] == scenario.facts["c1"].conversation_id
    assert listed[-1]["evidence"] == 'comment: "rude"'
    assert (listed[-1]["cause"], listed[-1]["detail"], listed[-1]["csat"]) == (
        "service",
        "attitude",
        1,
    )
    assert body["tables"]["summary"] == (
        "/insights/tables/causes/summary.csv?start=2026-02-01&end=2026-02-28"
    )


def test_a_product_filter(client: TestClient, manager: Caller, make: Factories) -> None:
    scenario = build(make)
    params = FEBRUARY | {"product_id": str(scenario.product_a.id)}
    body = client.get(CAUSES, params=params, headers=manager.headers).json()
    assert (body["unhappy"], body["low_rated_reviews"]) == (1, 1)
    assert body["causes"][0]["drill"].endswith(
        f"product_id={scenario.product_a.id}&col=cause&op=eq&val=service"
    )


def test_agents_are_refused_and_bad_filters_say_why(
    client: TestClient, agent: Caller, admin: Caller
) -> None:
    refused = client.get(CAUSES, headers=agent.headers)
    assert refused.status_code == 403
    assert client.get(CAUSES).status_code == 401
    assert client.get(CAUSES, headers=admin.headers).status_code == 200
    backwards = client.get(
        CAUSES, params={"start": "2026-02-10", "end": "2026-02-01"}, headers=admin.headers
    )
    assert backwards.status_code in (400, 422)
    assert "end must not be before start" in backwards.text


@pytest.mark.parametrize("months", [1, 3])
def test_the_query_count_does_not_grow_with_the_data(
    client: TestClient, database: Database, manager: Caller, make: Factories, months: int
) -> None:
    params = {"start": "2026-02-01" if months == 1 else "2025-12-01", "end": "2026-02-28"}

    def statements() -> int:
        with counting_statements(database) as seen:
            response = client.get(CAUSES, params=params, headers=manager.headers)
        assert response.status_code == 200
        return len(seen)

    build(make)
    small = statements()
    for number in range(15):
        fact(
            make,
            day=date(2026, 2, 1 + number),
            csat=1 + number % 3,
            cause=("service", "product", "policy")[number % 3],
            cause_detail=("attitude", "quality", "policy")[number % 3],
        )
        review(make, 1, 5, date(2026, 2, 1 + number), cause="product", detail="quality")
    assert statements() == small
