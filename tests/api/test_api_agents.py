"""JSON API: bearer-token authentication, roles, agents, API tokens and teams."""

import pytest
from api_support import Caller, count_rows
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from factories import Factories
from goodwill.agents.models import Agent, ApiToken, Team

NEW_AGENT = {
    "email": "grace@example.com",
    "name": "Grace Hopper",
    "password": "cobol-forever",
    "role": "manager",
    "capacity": 12,
}


@pytest.mark.parametrize(
    ("_case", "headers", "expected"),
    [
        ("no token", {}, "send an API token as 'Authorization: Bearer <token>'"),
        ("not a bearer token", {"Authorization": "Basic abc"}, "send an API token"),
        ("unknown token", {"Authorization": "Bearer gw_nope"}, "unknown, revoked"),
    ],
)
def test_requests_without_a_valid_token_are_401(
    client: TestClient, _case: str, headers: dict[str, str], expected: str
) -> None:
    for method, path in [
        ("GET", "/api/v1/me"),
        ("GET", "/api/v1/conversations"),
        ("POST", "/api/v1/customers"),
    ]:
        response = client.request(method, path, headers=headers, json={})
        assert response.status_code == 401, (method, path)
        assert expected in response.json()["detail"]


def test_me_is_the_token_owner_without_secrets(client: TestClient, agent: Caller) -> None:
    response = client.get("/api/v1/me", headers=agent.headers)
    assert response.status_code == 200
    assert response.json()["id"] == agent.agent.id
    assert response.json()["role"] == "agent"
    assert "hash" not in response.text
    assert "session_version" not in response.json()


def test_admin_creates_an_agent_who_can_then_be_listed(
    client: TestClient, admin: Caller, session: Session
) -> None:
    response = client.post("/api/v1/agents", json=NEW_AGENT, headers=admin.headers)
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["email"] == "grace@example.com"
    assert created["role"] == "manager"
    assert created["capacity"] == 12
    assert "password" not in response.text
    listed = client.get("/api/v1/agents", headers=admin.headers).json()
    assert created in listed
    assert all("password_hash" not in agent for agent in listed)


def test_agent_role_cannot_use_admin_endpoints(
    client: TestClient, agent: Caller, session: Session
) -> None:
    before = count_rows(session, Agent)
    for path, body in [
        ("/api/v1/agents", NEW_AGENT),
        ("/api/v1/teams", {"name": "Billing"}),
        (f"/api/v1/agents/{agent.agent.id}/tokens", {"name": "cli"}),
    ]:
        response = client.post(path, json=body, headers=agent.headers)
        assert response.status_code == 403, path
        assert response.json()["detail"] == "this needs the admin role; you are agent"
    assert count_rows(session, Agent) == before
    assert count_rows(session, Team) == 0


def test_duplicate_agent_email_is_a_conflict(client: TestClient, admin: Caller) -> None:
    assert client.post("/api/v1/agents", json=NEW_AGENT, headers=admin.headers).status_code == 201
    response = client.post("/api/v1/agents", json=NEW_AGENT, headers=admin.headers)
    assert response.status_code == 409
    assert "already exists" in response.json()["detail"]


@pytest.mark.parametrize(
    ("_case", "changes", "field"),
    [
        ("short password", {"password": "short"}, "password"),
        ("unknown role", {"role": "owner"}, "role"),
        ("negative capacity", {"capacity": -1}, "capacity"),
        ("missing email", {"email": None}, "email"),
        ("not an email", {"email": "grace"}, "not an email address"),
    ],
)
def test_invalid_agent_is_422_naming_the_problem(
    client: TestClient,
    admin: Caller,
    session: Session,
    _case: str,
    changes: dict[str, object],
    field: str,
) -> None:
    before = count_rows(session, Agent)
    body = {key: value for key, value in (NEW_AGENT | changes).items() if value is not None}
    response = client.post("/api/v1/agents", json=body, headers=admin.headers)
    assert response.status_code == 422
    assert field in response.json()["detail"]
    assert count_rows(session, Agent) == before


def test_token_is_shown_once_and_works(client: TestClient, admin: Caller, make: Factories) -> None:
    other = make.agent()
    response = client.post(
        f"/api/v1/agents/{other.id}/tokens",
        json={"name": "zapier"},
        headers=admin.with_key("token-1"),
    )
    assert response.status_code == 201
    token = response.json()["token"]
    assert token.startswith("gw_")
    assert "hash" not in response.text
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["id"] == other.id


def test_token_replay_does_not_reveal_or_create_a_second_token(
    client: TestClient, admin: Caller, make: Factories, session: Session
) -> None:
    other = make.agent()
    before = count_rows(session, ApiToken)
    path = f"/api/v1/agents/{other.id}/tokens"
    first = client.post(path, json={"name": "zapier"}, headers=admin.with_key("token-2"))
    again = client.post(path, json={"name": "zapier"}, headers=admin.with_key("token-2"))
    assert first.status_code == again.status_code == 201
    assert first.json()["token"] is not None
    assert again.json() == first.json() | {"token": None}
    assert count_rows(session, ApiToken) == before + 1


def test_token_for_unknown_agent_is_404(client: TestClient, admin: Caller) -> None:
    response = client.post("/api/v1/agents/999999/tokens", json={}, headers=admin.headers)
    assert response.status_code == 404
    assert response.json()["detail"] == "agent 999999 does not exist"


def test_admin_creates_team_with_members_and_lists_it(
    client: TestClient, admin: Caller, make: Factories
) -> None:
    first, second = make.agent(), make.agent()
    body = {
        "name": "Billing",
        "assignment_strategy": "round_robin",
        "member_ids": [second.id, first.id],
    }
    response = client.post("/api/v1/teams", json=body, headers=admin.headers)
    assert response.status_code == 201, response.text
    team = response.json()
    assert team["member_ids"] == sorted([first.id, second.id])
    assert team["assignment_strategy"] == "round_robin"
    assert client.get("/api/v1/teams", headers=admin.headers).json() == [team]


@pytest.mark.parametrize(
    ("_case", "body", "message"),
    [
        (
            "unknown member",
            {"name": "Sales", "member_ids": [999999]},
            "member_ids: agent 999999 does not exist",
        ),
        (
            "unknown business hours",
            {"name": "Sales", "business_hours_id": 999999},
            "business_hours_id 999999 does not exist",
        ),
        (
            "unknown strategy",
            {"name": "Sales", "assignment_strategy": "random"},
            "assignment_strategy",
        ),
        ("blank name", {"name": "   "}, "name"),
    ],
)
def test_invalid_team_is_422(
    client: TestClient,
    admin: Caller,
    session: Session,
    _case: str,
    body: dict[str, object],
    message: str,
) -> None:
    response = client.post("/api/v1/teams", json=body, headers=admin.headers)
    assert response.status_code == 422
    assert message in response.json()["detail"]
    assert count_rows(session, Team) == 0


def test_duplicate_team_name_is_a_conflict(client: TestClient, admin: Caller) -> None:
    assert (
        client.post("/api/v1/teams", json={"name": "VIP"}, headers=admin.headers).status_code == 201
    )
    response = client.post("/api/v1/teams", json={"name": "vip"}, headers=admin.headers)
    assert response.status_code == 409


def test_missing_token_says_bearer_in_www_authenticate(client: TestClient) -> None:
    answer = client.get("/api/v1/me")
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"] == "Bearer"


def test_openapi_declares_bearer_security(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    schemes = document["components"]["securitySchemes"]
    assert any(scheme.get("scheme") == "bearer" for scheme in schemes.values())
