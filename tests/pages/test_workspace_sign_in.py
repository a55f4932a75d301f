"""Signing in and out of the agent workspace: cookies, redirects and CSRF."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from workspace_client import PASSWORD, SignIn, login_token

from goodwill.agents.models import Agent
from goodwill.agents.pages import safe_next_path
from goodwill.web.sessions import SESSION_COOKIE


def test_sign_in_sets_an_http_only_lax_cookie_and_goes_to_next(
    client: TestClient, agent: Agent
) -> None:
    response = client.post(
        "/login",
        data={
            "email": agent.email.upper(),
            "password": PASSWORD,
            "next": "/customers?q=ada",
            "login_token": login_token(client),
        },
        follow_redirects=False,
    )

    assert response.status_code == 303
    assert response.headers["location"] == "/customers?q=ada"
    cookie = next(
        header
        for header in response.headers.get_list("set-cookie")
        if header.startswith(f"{SESSION_COOKIE}=")
    )
    assert "httponly" in cookie.lower()
    assert "samesite=lax" in cookie.lower()
    page = client.get("/inbox")
    assert page.status_code == 200
    assert agent.name in page.text


def test_wrong_password_shows_the_form_again_with_401(client: TestClient, agent: Agent) -> None:
    response = client.post(
        "/login",
        data={
            "email": agent.email,
            "password": "not the password",
            "login_token": login_token(client),
        },
        follow_redirects=False,
    )

    assert response.status_code == 401
    assert "Wrong email or password" in response.text
    assert f'value="{agent.email}"' in response.text
    assert SESSION_COOKIE not in response.headers.get("set-cookie", "")
    assert client.get("/inbox", follow_redirects=False).status_code == 303


def test_sign_in_without_the_form_token_is_refused(client: TestClient, agent: Agent) -> None:
    response = client.post(
        "/login", data={"email": agent.email, "password": PASSWORD}, follow_redirects=False
    )

    assert response.status_code == 403
    assert "expired" in response.text
    assert SESSION_COOKIE not in response.headers.get("set-cookie", "")


def test_deactivated_agent_cannot_sign_in(
    client: TestClient, session: Session, agent: Agent
) -> None:
    agent.is_active = False
    session.flush()

    response = client.post(
        "/login",
        data={"email": agent.email, "password": PASSWORD, "login_token": login_token(client)},
        follow_redirects=False,
    )

    assert response.status_code == 401


@pytest.mark.parametrize(
    ("_case", "candidate", "expected"),
    [
        ("local path", "/conversations/3?x=1", "/conversations/3?x=1"),
        ("nothing", "", "/inbox"),
        ("absolute URL", "https://evil.example/", "/inbox"),
        ("scheme-relative URL", "//evil.example/inbox", "/inbox"),
        ("backslash trick", "/\\evil.example", "/inbox"),
        ("relative path", "inbox", "/inbox"),
        ("javascript", "javascript:alert(1)", "/inbox"),
        ("back to login", "/login?next=/x", "/inbox"),
    ],
)
def test_next_is_followed_only_when_it_is_a_local_path(
    _case: str, candidate: str, expected: str
) -> None:
    assert safe_next_path(candidate) == expected


def test_signed_out_pages_redirect_to_login_with_next(client: TestClient) -> None:
    response = client.get("/conversations/1", follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/conversations/1"
    login = client.get("/login?next=/conversations/1")
    assert 'name="next" value="/conversations/1"' in login.text


def test_signed_out_htmx_request_is_told_to_redirect(client: TestClient) -> None:
    response = client.post(
        "/conversations/1/status", data={"status": "open"}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/login")


def test_root_redirects_to_the_inbox(client: TestClient, csrf: str) -> None:
    response = client.get("/", follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == "/inbox"


def test_sign_out_needs_the_csrf_token(client: TestClient, csrf: str) -> None:
    refused = client.post("/logout", follow_redirects=False)
    assert refused.status_code == 403
    assert client.get("/inbox", follow_redirects=False).status_code == 200

    response = client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    assert client.get("/inbox", follow_redirects=False).status_code == 303


def test_csrf_token_in_the_header_is_accepted(
    client: TestClient, sign_in: SignIn, agent: Agent
) -> None:
    token = sign_in(agent)

    response = client.post("/logout", headers={"X-CSRF-Token": token}, follow_redirects=False)

    assert response.status_code == 303


def test_pages_link_the_vendored_assets(client: TestClient, csrf: str) -> None:
    page = client.get("/inbox").text

    assert '<script src="/static/htmx.min.js"' in page
    assert 'hx-headers=\'{"X-CSRF-Token": "' + csrf + "\"}'" in page
    assert client.get("/static/htmx.min.js").status_code == 200
    assert "toast" in client.get("/static/goodwill.css").text


def test_signed_out_form_post_returns_to_the_page_it_came_from(client: TestClient) -> None:
    answer = client.post(
        "/conversations/1/status",
        data={"status": "resolved"},
        headers={"referer": "http://testserver/conversations/1"},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=/conversations/1"
