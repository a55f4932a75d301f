"""The Root cause page: tables beside charts, drill-down and CSV links, evidence; managers only."""

import html
import re

from fastapi.testclient import TestClient
from workspace_client import PASSWORD, SignIn

from factories import Factories
from goodwill.agents.models import Agent
from goodwill.agents.roles import Role
from support.cause_scenario import build
from support.quality_threads import cheap_password_hashing  # noqa: F401  (autouse)

FEBRUARY = "start=2026-02-01&end=2026-02-28"


def text_of(page: str) -> str:
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", page).split()))


def test_the_page_shows_shares_details_months_and_evidence(
    client: TestClient, make: Factories, sign_in: SignIn
) -> None:
    scenario = build(make)
    sign_in(make.agent(name="Mina Manager", role=Role.MANAGER, password=PASSWORD))
    response = client.get(f"/insights/causes?{FEBRUARY}")
    assert response.status_code == 200, response.text
    page = response.text
    assert page.count("<svg") == 2  # by detail, by month
    assert 'aria-current="page">Root cause' in page
    words = text_of(page)
    assert "Service 3 50.0 0 0.0 1 50.0" in words
    assert "Total 6 100.0 1 100.0 2 100.0" in words
    assert "Service Attitude 1 16.7 0 1" in words
    assert "2026-02 6 50.0 16.7 16.7 16.7 2 50.0 50.0 0.0" in words
    assert 'comment: "rude"' in words
    service = (
        "/insights/conversations?start=2026-02-01&amp;end=2026-02-28"
        "&amp;col=cause&amp;op=eq&amp;val=service"
    )
    assert f'href="{service}"' in page
    detail = "col=cause_detail&amp;op=eq&amp;val=no_follow_up"
    assert detail in page
    for key in ("summary", "by_detail", "by_month", "unhappy_conversations"):
        assert f'data-table="{key}"' in page
        csv = f"/insights/tables/causes/{key}.csv?start=2026-02-01&amp;end=2026-02-28"
        assert f'href="{csv}"' in page
    conversation = scenario.facts["c1"].conversation_id
    assert f'href="/conversations/{conversation}"' in page


def test_the_csv_of_a_table_downloads(client: TestClient, make: Factories, sign_in: SignIn) -> None:
    build(make)
    sign_in(make.agent(name="Mina Manager", role=Role.MANAGER, password=PASSWORD))
    response = client.get(f"/insights/tables/causes/by_detail.csv?{FEBRUARY}")
    assert response.status_code == 200, response.text
    lines = response.text.splitlines()
    assert lines[0] == "Cause,Detail,Unhappy conversations,Share %,Previous period,Reviews"
    assert "Service,No follow-up,1,16.7,0,0" in lines


def test_agents_get_403_and_bad_filters_say_why(
    client: TestClient, agent: Agent, csrf: str, make: Factories, sign_in: SignIn
) -> None:
    del csrf  # signs `agent` in
    assert client.get("/insights/causes").status_code == 403
    sign_in(make.agent(name="Mina Manager", role=Role.MANAGER, password=PASSWORD))
    bad = client.get("/insights/causes?start=2026-02-10&end=2026-02-01")
    assert bad.status_code in (400, 422)
    assert "end must not be before start" in html.unescape(bad.text)


def test_an_empty_period_renders(client: TestClient, make: Factories, sign_in: SignIn) -> None:
    sign_in(make.agent(name="Mina Manager", role=Role.MANAGER, password=PASSWORD))
    page = client.get(f"/insights/causes?{FEBRUARY}").text
    assert "No unhappy conversation in this period." in text_of(page)
    assert "Total 0 — 0 — 0 —" in text_of(page)
