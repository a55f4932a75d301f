"""GET /api/v1/insights/drivers: managers only, each outcome's effects with intervals and
sentences, a refusal below 100 answers, 400s that say what to fix, a fixed number of queries."""

import sys
from pathlib import Path

import pytest
from api_support import Caller
from fastapi.testclient import TestClient
from test_api_query_counts import counting_statements

from factories import Factories
from goodwill.core.db import Database
from goodwill.insights.services.drivers import clear_cache

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "insights"))
from drivers_facts import EFFECTS, FILTER, add_rated_facts

PATH = "/api/v1/insights/drivers"


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    clear_cache()


def test_csat_drivers_as_json(client: TestClient, manager: Caller, make: Factories) -> None:
    add_rated_facts(make, 300, seed=5)
    response = client.get(PATH, params=FILTER | {"outcome": "csat"}, headers=manager.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["outcome"], body["conversations"], body["refusal"]) == ("csat", 300, None)
    assert body["unit"] == "CSAT points"
    assert "observational" in body["caveat"]
    assert (
        body["csv"]
        == f"/insights/tables/drivers/csat.csv?start={FILTER['start']}&end={FILTER['end']}"
    )
    effects = {effect["factor"]: effect for effect in body["effects"]}
    slow = effects["slow_first_reply"]
    assert slow["ci_low"] <= EFFECTS.slow_first_reply <= slow["ci_high"]
    assert slow["sentence"].startswith("A first reply after more than 4 business hours goes with")
    assert slow["odds_ratio"] is None
    assert 0 <= slow["p_value"] < 0.05


def test_repeat_business_has_odds_ratios_and_percentage_points(
    client: TestClient, admin: Caller, make: Factories
) -> None:
    add_rated_facts(make, 300, seed=5)
    body = client.get(PATH, params=FILTER | {"outcome": "repeat"}, headers=admin.headers).json()
    reopens = next(effect for effect in body["effects"] if effect["factor"] == "reopens")
    assert reopens["odds_ratio_low"] < reopens["odds_ratio"] < reopens["odds_ratio_high"]
    assert reopens["pp_ci_low"] < reopens["percentage_points"] < reopens["pp_ci_high"]
    assert "percentage points" in reopens["sentence"]


def test_too_few_answers_is_a_refusal_not_an_error(
    client: TestClient, manager: Caller, make: Factories
) -> None:
    add_rated_facts(make, 20, seed=6)
    body = client.get(PATH, params=FILTER | {"outcome": "nps"}, headers=manager.headers).json()
    assert body["effects"] == []
    assert body["refusal"].startswith("Only 20 conversations with NPS answers")


def test_agents_are_refused_and_bad_queries_say_why(
    client: TestClient, agent: Caller, manager: Caller
) -> None:
    refused = client.get(PATH, headers=agent.headers)
    assert refused.status_code == 403
    assert client.get(PATH).status_code == 401
    bad = client.get(PATH, params={"outcome": "happiness"}, headers=manager.headers)
    assert bad.status_code == 400
    assert "outcome must be one of csat, nps, repeat" in bad.text
    backwards = client.get(
        PATH, params={"start": "2026-02-10", "end": "2026-02-01"}, headers=manager.headers
    )
    assert backwards.status_code == 400
    assert "end must not be before start" in backwards.text


def test_the_query_count_does_not_grow_with_the_data(
    client: TestClient, database: Database, manager: Caller, make: Factories
) -> None:
    def statements() -> int:
        clear_cache()
        with counting_statements(database) as seen:
            response = client.get(PATH, params=FILTER, headers=manager.headers)
        assert response.status_code == 200
        return len(seen)

    add_rated_facts(make, 120, seed=7)
    small = statements()
    add_rated_facts(make, 60, seed=8)
    assert statements() == small
