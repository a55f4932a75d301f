"""The Satisfaction and Quality dashboard pages: charts, tables, links, filters; managers only."""

import html
import re

from fastapi.testclient import TestClient
from workspace_client import PASSWORD, SignIn

from factories import Factories
from goodwill.agents.models import Agent
from goodwill.agents.roles import Role
from support.insights_month_scenario import build
from support.quality_threads import cheap_password_hashing  # noqa: F401  (autouse)

FEBRUARY = "start=2026-02-01&end=2026-02-28"


def text_of(page: str) -> str:
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", page).split()))


def signed_in_manager(make: Factories, sign_in: SignIn) -> Agent:
    manager = make.agent(name="Mina Manager", role=Role.MANAGER, password=PASSWORD)
    sign_in(manager)
    return manager


def test_the_satisfaction_page_shows_charts_tables_and_links(
    client: TestClient, make: Factories, sign_in: SignIn
) -> None:
    build(make)
    signed_in_manager(make, sign_in)
    response = client.get(f"/insights/satisfaction?{FEBRUARY}")
    assert response.status_code == 200, response.text
    page = response.text
    assert page.count("<svg") == 4  # rates, by channel, by team, by week
    words = text_of(page)
    assert "CSAT mean (1-5) 3.67 2.0 1.67" in words
    assert "Retention %" not in words  # the page loads its retention card after itself
    retention_url = "/insights/satisfaction/retention?start=2026-02-01&amp;end=2026-02-28"
    assert f'hx-get="{retention_url}"' in page and 'hx-trigger="load"' in page
    card = client.get(html.unescape(retention_url))
    assert card.status_code == 200, card.text
    card_words = text_of(card.text)
    assert "Retention % 60.0 100.0 -40.0" in card_words
    assert 'data-table="retention"' in card.text and "<html" not in card.text
    assert "/insights/tables/satisfaction/retention.csv" in card.text
    assert "still running" in words
    assert 'aria-current="page">Satisfaction' in page
    unhappy = (
        "/insights/conversations?start=2026-02-01&amp;end=2026-02-28"
        "&amp;col=csat&amp;op=le&amp;val=2"
    )
    assert f'href="{unhappy}"' in page
    csv = "/insights/tables/satisfaction/by_team.csv?start=2026-02-01&amp;end=2026-02-28"
    assert f'href="{csv}"' in page
    for key in ("summary", "by_channel", "by_team", "by_agent", "by_product", "csat_by_week"):
        assert f'data-table="{key}"' in page


def test_the_quality_page_shows_steps_failures_and_people(
    client: TestClient, make: Factories, sign_in: SignIn
) -> None:
    scenario = build(make)
    signed_in_manager(make, sign_in)
    page = client.get(f"/insights/quality?{FEBRUARY}&agent_id={scenario.xavier.id}").text
    assert page.count("<svg") == 4  # steps, failures, by team, by week
    words = text_of(page)
    assert "Mean quality (0-100) 50.0 40.0 10.0" in words  # Xavier: (100 + 0) / 2 against p1
    assert "Acknowledgement 1 1 0 50.0 100.0 -50.0" in words
    missed = (
        f"start=2026-02-01&amp;end=2026-02-28&amp;agent_id={scenario.xavier.id}"
        "&amp;col=step_needs&amp;op=eq&amp;val=missed"
    )
    assert f'href="/insights/conversations?{missed}"' in page
    assert f'<option value="{scenario.xavier.id}" selected>Xavier</option>' in page


def test_agents_get_403_and_bad_filters_400_or_422(
    client: TestClient, agent: Agent, csrf: str
) -> None:
    del csrf  # signs `agent` in
    for path in ("/insights/satisfaction", "/insights/quality"):
        assert client.get(path).status_code == 403


def test_an_empty_period_renders_dashes(
    client: TestClient, make: Factories, sign_in: SignIn
) -> None:
    signed_in_manager(make, sign_in)
    for path in ("/insights/satisfaction", "/insights/quality"):
        response = client.get(f"{path}?start=2025-01-01&end=2025-01-31")
        assert response.status_code == 200
        assert "\u2013" in response.text  # an en dash where there is no figure
        wrong = client.get(f"{path}?start=2025-02-01&end=2025-01-01")
        assert wrong.status_code == 422
