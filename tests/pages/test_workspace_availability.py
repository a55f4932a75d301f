"""The Available / Away toggle in the top bar: HTMX swap, plain form post, CSRF."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from workspace_client import htmx

from goodwill.agents.models import Agent

TOGGLE = "/me/availability"


def is_available(session: Session, agent: Agent) -> bool:
    session.refresh(agent)
    return agent.is_available


def test_top_bar_shows_the_toggle_offering_to_go_away(
    client: TestClient, agent: Agent, csrf: str
) -> None:
    page = client.get("/inbox").text
    assert 'id="availability"' in page
    assert 'hx-post="/me/availability"' in page
    assert 'name="is_available" value="false"' in page
    assert "Available<span" in page


def test_htmx_post_swaps_the_toggle_to_away_and_back(
    client: TestClient, agent: Agent, csrf: str, session: Session
) -> None:
    away = client.post(TOGGLE, data={"is_available": "false"}, headers=htmx(csrf))
    assert away.status_code == 200
    assert away.text.lstrip().startswith('<form id="availability"')
    assert "Away<span" in away.text
    assert 'name="is_available" value="true"' in away.text
    assert "<html" not in away.text
    assert is_available(session, agent) is False

    back = client.post(TOGGLE, data={"is_available": "true"}, headers=htmx(csrf))
    assert "Available<span" in back.text
    assert is_available(session, agent) is True


@pytest.mark.parametrize(
    ("_case", "referer", "location"),
    [
        ("a workspace page", "http://testserver/customers?q=ada", "/customers?q=ada"),
        ("another site", "https://evil.example/phish", "/inbox"),
        ("no referer", None, "/inbox"),
    ],
)
def test_plain_form_post_goes_back_to_the_page_it_came_from(
    client: TestClient,
    agent: Agent,
    csrf: str,
    session: Session,
    _case: str,
    referer: str | None,
    location: str,
) -> None:
    headers = {"Referer": referer} if referer else {}
    response = client.post(
        TOGGLE,
        data={"is_available": "false", "csrf_token": csrf},
        headers=headers,
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == location
    assert is_available(session, agent) is False
    assert "Away<span" in client.get("/inbox").text


def test_toggle_without_the_csrf_token_is_refused(
    client: TestClient, agent: Agent, csrf: str, session: Session
) -> None:
    response = client.post(TOGGLE, data={"is_available": "false"}, follow_redirects=False)
    assert response.status_code == 403
    assert is_available(session, agent) is True


def test_signed_out_toggle_goes_to_sign_in(client: TestClient, agent: Agent) -> None:
    response = client.post(TOGGLE, data={"is_available": "false"}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")
