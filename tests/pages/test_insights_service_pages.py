"""The service dashboard and drill-down pages: managers only, every number a link, CSV links,
the list of conversations behind a number, readable 400s."""

import re
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from workspace_client import PASSWORD, SignIn

from factories import Factories
from goodwill.agents.models import Agent
from goodwill.agents.roles import Role

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "insights"))
from service_facts import PERIOD, ServiceSet, service_set

QUERY = f"start={PERIOD.start.isoformat()}&end={PERIOD.end.isoformat()}"


@pytest.fixture
def manager(make: Factories) -> Agent:
    return make.agent(name="Margaret Manager", role=Role.MANAGER, password=PASSWORD)


@pytest.fixture
def data(make: Factories) -> ServiceSet:
    return service_set(make)


def test_insights_opens_the_service_tab(
    client: TestClient, sign_in: SignIn, manager: Agent
) -> None:
    sign_in(manager)
    response = client.get(f"/insights?{QUERY}", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/insights/service?{QUERY}"


def test_the_service_page_links_every_number(
    client: TestClient, sign_in: SignIn, manager: Agent, data: ServiceSet
) -> None:
    sign_in(manager)
    response = client.get(f"/insights/service?{QUERY}")
    assert response.status_code == 200, response.text
    html = response.text
    for title in ("Volume by channel", "Response and resolution times", "Backlog: open now"):
        assert title in html
    assert html.count("<svg") == 8
    assert f"/insights/tables/service/volume.csv?{QUERY}".replace("&", "&amp;") in html
    assert re.search(
        r'<a href="/insights/conversations\?[^"]*backlog=1[^"]*" class="drill">3</a>', html
    )
    cells = re.findall(r"<td>([^<]*)</td>", html)
    bare_numbers = [cell for cell in cells if re.fullmatch(r"\d[\d,]*", cell.strip())]
    assert bare_numbers == []  # every count is a link (changes are signed: +3, -1)
    assert "2m" in html  # the first response median, 120 business seconds, in words


def test_the_drill_down_page_lists_the_conversations(
    client: TestClient, sign_in: SignIn, manager: Agent, data: ServiceSet
) -> None:
    sign_in(manager)
    response = client.get(f"/insights/conversations?{QUERY}&col=reopens&op=gt&val=0")
    assert response.status_code == 200, response.text
    html = response.text
    assert "1 conversation: reopens &gt; 0" in html
    conversation = data.current["c2"]
    assert f'<a href="/conversations/{conversation.id}">{conversation.reference}</a>' in html
    assert data.current["c1"].reference not in html
    backlog = client.get(f"/insights/conversations?{QUERY}&backlog=1").text
    assert "3 conversations: open now (any age)" in backlog
    assert "&gt; 1 week" in backlog


def test_a_bad_condition_is_a_readable_400(
    client: TestClient, sign_in: SignIn, manager: Agent
) -> None:
    sign_in(manager)
    response = client.get("/insights/conversations?col=password&op=eq&val=1")
    assert response.status_code == 400
    assert "not a column you can drill on" in response.text


def test_agents_are_refused(client: TestClient, sign_in: SignIn, agent: Agent) -> None:
    sign_in(agent)
    for path in ("/insights/service", "/insights/conversations", "/insights"):
        assert client.get(path, follow_redirects=False).status_code == 403


def test_the_csv_link_under_a_table_downloads_the_same_numbers(
    client: TestClient, sign_in: SignIn, manager: Agent, data: ServiceSet
) -> None:
    sign_in(manager)
    response = client.get(f"/insights/tables/service/volume.csv?{QUERY}")
    assert response.status_code == 200, response.text
    assert response.text.splitlines()[-1] == "Total,5,2,3"
