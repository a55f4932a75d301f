"""The Drivers tab: managers only; a table, a chart and a CSV link per outcome, sentences in
plain words, the caveat, and a polite refusal when there are too few answers."""

import sys
from pathlib import Path
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient
from workspace_client import PASSWORD, SignIn

from factories import Factories
from goodwill.agents.models import Agent
from goodwill.agents.roles import Role
from goodwill.insights.services.drivers import clear_cache

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "insights"))
from drivers_facts import FILTER, add_rated_facts

QUERY = urlencode(FILTER)


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    clear_cache()


@pytest.fixture
def manager(make: Factories) -> Agent:
    return make.agent(name="Margaret Manager", role=Role.MANAGER, password=PASSWORD)


def test_the_drivers_page_shows_each_outcome(
    client: TestClient, sign_in: SignIn, manager: Agent, make: Factories
) -> None:
    add_rated_facts(make, 300, seed=9)
    sign_in(manager)
    response = client.get(f"/insights/drivers?{QUERY}")
    assert response.status_code == 200, response.text
    html = response.text
    for title in ("Drivers of CSAT", "Drivers of NPS", "Drivers of Repeat business"):
        assert title in html
    assert 'aria-current="page">Drivers</a>' in html
    assert "Observational:" in html
    assert "A first reply after more than 4 business hours goes with" in html
    assert "fewer CSAT points (95% CI" in html
    assert "percentage points less repeat business" in html
    assert html.count('<svg class="chart"') == 3
    assert f"/insights/tables/drivers/csat.csv?{QUERY}".replace("&", "&amp;") in html
    assert "five steps are scored for 0 of these 300" in html
    table = client.get(f"/insights/tables/drivers/repeat.csv?{QUERY}")
    assert table.status_code == 200, table.text
    header, first = table.text.splitlines()[:2]
    assert header.startswith("factor,log_odds,odds_ratio,")
    assert first.startswith("A first reply after more than 4 business hours,")


def test_too_few_answers_are_explained_not_estimated(
    client: TestClient, sign_in: SignIn, manager: Agent, make: Factories
) -> None:
    add_rated_facts(make, 40, seed=10)
    sign_in(manager)
    html = client.get(f"/insights/drivers?{QUERY}").text
    assert "Only 40 conversations with CSAT answers in this selection" in html
    assert '<svg class="chart"' not in html


def test_a_bad_filter_is_a_readable_400(
    client: TestClient, sign_in: SignIn, manager: Agent
) -> None:
    sign_in(manager)
    response = client.get("/insights/drivers?start=2026-02-10&end=2026-02-01")
    assert response.status_code == 400
    assert "end must not be before start" in response.text


def test_agents_are_refused(client: TestClient, sign_in: SignIn, make: Factories) -> None:
    sign_in(make.agent(role=Role.AGENT, password=PASSWORD))
    assert client.get("/insights/drivers", follow_redirects=False).status_code == 403
