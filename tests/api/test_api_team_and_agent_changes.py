"""JSON API: admins change agents, teams and membership; agents set themselves available or away."""

import pytest
from api_support import Caller, business_hours_body
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from factories import Factories
from goodwill.agents.models import TeamMembership
from goodwill.agents.roles import Role


def test_admin_changes_a_teams_name_hours_and_strategy(
    client: TestClient, admin: Caller, make: Factories
) -> None:
    team = make.team(name="Support")
    hours = client.post("/api/v1/business-hours", json=business_hours_body(), headers=admin.headers)
    body = {
        "name": "Customer care",
        "business_hours_id": hours.json()["id"],
        "assignment_strategy": "least_loaded",
    }
    response = client.patch(f"/api/v1/teams/{team.id}", json=body, headers=admin.headers)
    assert response.status_code == 200, response.text
    assert {key: response.json()[key] for key in body} == body
    assert client.get("/api/v1/teams", headers=admin.headers).json() == [response.json()]


def test_team_patch_changes_only_the_fields_sent_and_null_hours_means_always_open(
    client: TestClient, admin: Caller, make: Factories
) -> None:
    hours = make.business_hours()
    team = make.team(name="Support", strategy="round_robin", business_hours=hours)
    response = client.patch(
        f"/api/v1/teams/{team.id}", json={"business_hours_id": None}, headers=admin.headers
    )
    assert response.status_code == 200, response.text
    changed = response.json()
    assert (changed["name"], changed["assignment_strategy"]) == ("Support", "round_robin")
    assert changed["business_hours_id"] is None


@pytest.mark.parametrize(
    ("_case", "body", "status", "message"),
    [
        (
            "unknown business hours",
            {"business_hours_id": 999999},
            422,
            "business_hours_id 999999 does not exist",
        ),
        ("unknown strategy", {"assignment_strategy": "random"}, 422, "assignment_strategy"),
        ("null strategy", {"assignment_strategy": None}, 422, "cannot be null"),
        ("null name", {"name": None}, 422, "name cannot be null"),
        ("another team's name", {"name": "billing"}, 409, "a team named 'billing' already exists"),
    ],
)
def test_bad_team_patch_is_refused(
    client: TestClient,
    admin: Caller,
    make: Factories,
    _case: str,
    body: dict[str, object],
    status: int,
    message: str,
) -> None:
    make.team(name="Billing")
    team = make.team(name="Support")
    response = client.patch(f"/api/v1/teams/{team.id}", json=body, headers=admin.headers)
    assert response.status_code == status
    assert message in response.json()["detail"]


def test_put_members_replaces_the_membership(
    client: TestClient, admin: Caller, make: Factories, session: Session
) -> None:
    stays, leaves, joins = make.agent(), make.agent(), make.agent()
    team = make.team(members=(stays, leaves))
    body = {"agent_ids": [joins.id, stays.id, joins.id]}
    response = client.put(f"/api/v1/teams/{team.id}/members", json=body, headers=admin.headers)
    assert response.status_code == 200, response.text
    assert response.json()["member_ids"] == sorted([stays.id, joins.id])
    emptied = client.put(
        f"/api/v1/teams/{team.id}/members", json={"agent_ids": []}, headers=admin.headers
    )
    assert emptied.json()["member_ids"] == []
    assert session.query(TeamMembership).count() == 0


def test_unknown_member_is_422_and_changes_nothing(
    client: TestClient, admin: Caller, make: Factories
) -> None:
    member = make.agent()
    team = make.team(members=(member,))
    body = {"agent_ids": [member.id, 999998, 999999]}
    response = client.put(f"/api/v1/teams/{team.id}/members", json=body, headers=admin.headers)
    assert response.status_code == 422
    assert response.json()["detail"] == (
        "agent_ids: no agent with id 999998, 999999; list existing agents only"
    )
    assert client.get("/api/v1/teams", headers=admin.headers).json()[0]["member_ids"] == [member.id]


def test_unknown_team_is_404(client: TestClient, admin: Caller) -> None:
    patched = client.patch("/api/v1/teams/999999", json={"name": "X"}, headers=admin.headers)
    put = client.put("/api/v1/teams/999999/members", json={"agent_ids": []}, headers=admin.headers)
    assert patched.status_code == put.status_code == 404
    assert put.json()["detail"] == "team 999999 does not exist"


def test_admin_changes_an_agents_name_role_capacity_and_active_state(
    client: TestClient, admin: Caller, make: Factories
) -> None:
    other = make.agent()
    body = {"name": "Grace Hopper", "role": "manager", "capacity": 0, "is_active": False}
    response = client.patch(f"/api/v1/agents/{other.id}", json=body, headers=admin.headers)
    assert response.status_code == 200, response.text
    assert {key: response.json()[key] for key in body} == body
    assert response.json()["email"] == other.email


def test_a_deactivated_agents_token_stops_working(
    client: TestClient, admin: Caller, make: Factories
) -> None:
    other = make.agent()
    headers = {"Authorization": f"Bearer {make.token(other)}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    client.patch(f"/api/v1/agents/{other.id}", json={"is_active": False}, headers=admin.headers)
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    client.patch(f"/api/v1/agents/{other.id}", json={"is_active": True}, headers=admin.headers)
    assert client.get("/api/v1/me", headers=headers).status_code == 200


@pytest.mark.parametrize(
    ("_case", "body", "message"),
    [
        ("deactivating yourself", {"is_active": False}, "you cannot deactivate yourself"),
        ("demoting yourself", {"role": "agent"}, "you cannot change your own role"),
    ],
)
def test_admins_cannot_lock_themselves_out(
    client: TestClient,
    admin: Caller,
    session: Session,
    _case: str,
    body: dict[str, object],
    message: str,
) -> None:
    response = client.patch(f"/api/v1/agents/{admin.agent.id}", json=body, headers=admin.headers)
    assert response.status_code == 409
    assert message in response.json()["detail"]
    session.refresh(admin.agent)
    assert (admin.agent.is_active, admin.agent.role) == (True, Role.ADMIN)


def test_admins_may_change_their_own_name_and_capacity(client: TestClient, admin: Caller) -> None:
    body = {"name": "Ada", "capacity": 5, "role": "admin", "is_active": True}
    response = client.patch(f"/api/v1/agents/{admin.agent.id}", json=body, headers=admin.headers)
    assert response.status_code == 200, response.text
    assert (response.json()["name"], response.json()["capacity"]) == ("Ada", 5)


@pytest.mark.parametrize(
    ("_case", "body", "message"),
    [
        ("negative capacity", {"capacity": -1}, "capacity"),
        ("unknown role", {"role": "owner"}, "role"),
        ("null active", {"is_active": None}, "is_active cannot be null"),
        ("blank name", {"name": " "}, "name"),
        ("email is not changeable here", {"email": "x@example.com"}, "email"),
    ],
)
def test_bad_agent_patch_is_422(
    client: TestClient,
    admin: Caller,
    make: Factories,
    _case: str,
    body: dict[str, object],
    message: str,
) -> None:
    other = make.agent()
    response = client.patch(f"/api/v1/agents/{other.id}", json=body, headers=admin.headers)
    assert response.status_code == 422
    assert message in response.json()["detail"]


def test_patching_an_unknown_agent_is_404(client: TestClient, admin: Caller) -> None:
    response = client.patch("/api/v1/agents/999999", json={"capacity": 3}, headers=admin.headers)
    assert response.status_code == 404


def test_agents_cannot_use_the_admin_changes(
    client: TestClient, agent: Caller, make: Factories, session: Session
) -> None:
    other = make.agent()
    team = make.team(name="Support")
    attempts = [
        client.patch(f"/api/v1/agents/{other.id}", json={"capacity": 0}, headers=agent.headers),
        client.patch(
            f"/api/v1/agents/{agent.agent.id}", json={"role": "admin"}, headers=agent.headers
        ),
        client.patch(f"/api/v1/teams/{team.id}", json={"name": "Mine"}, headers=agent.headers),
        client.put(
            f"/api/v1/teams/{team.id}/members",
            json={"agent_ids": [agent.agent.id]},
            headers=agent.headers,
        ),
    ]
    for response in attempts:
        assert response.status_code == 403
        assert response.json()["detail"] == "this needs the admin role; you are agent"
    session.expire_all()
    assert (other.capacity, agent.agent.role, team.name) == (20, Role.AGENT, "Support")


def test_an_agent_sets_themselves_away_and_back(client: TestClient, agent: Caller) -> None:
    away = client.patch("/api/v1/me", json={"is_available": False}, headers=agent.headers)
    assert away.status_code == 200, away.text
    assert away.json()["is_available"] is False
    assert client.get("/api/v1/me", headers=agent.headers).json()["is_available"] is False
    back = client.patch("/api/v1/me", json={"is_available": True}, headers=agent.headers)
    assert back.json()["is_available"] is True


@pytest.mark.parametrize(
    ("_case", "body"),
    [("missing", {}), ("null", {"is_available": None}), ("other fields", {"role": "admin"})],
)
def test_bad_availability_is_422(
    client: TestClient, agent: Caller, _case: str, body: dict[str, object]
) -> None:
    response = client.patch("/api/v1/me", json=body, headers=agent.headers)
    assert response.status_code == 422
    assert client.get("/api/v1/me", headers=agent.headers).json()["role"] == "agent"
