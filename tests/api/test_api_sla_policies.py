"""JSON API: SLA policies, their targets in business minutes, and who may change them."""

from typing import Any

import pytest
from api_support import Caller, count_rows
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from goodwill.conversations.models import SlaPolicy

PATH = "/api/v1/sla-policies"
URGENT_EMAIL = {
    "name": "Urgent email",
    "priority": "urgent",
    "channel": "email",
    "first_response_minutes": 30,
    "next_response_minutes": 60,
    "resolution_minutes": 480,
    "position": 2,
}


def create(client: TestClient, caller: Caller, **fields: Any) -> dict[str, Any]:
    response = client.post(PATH, json=URGENT_EMAIL | fields, headers=caller.headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def test_admin_creates_a_policy_that_every_agent_can_read(
    client: TestClient, admin: Caller, agent: Caller, session: Session
) -> None:
    created = create(client, admin)
    assert {key: created[key] for key in URGENT_EMAIL} == URGENT_EMAIL
    assert created["is_active"] is True
    stored = session.get(SlaPolicy, created["id"])
    assert stored is not None
    assert stored.first_response_seconds == 30 * 60
    assert client.get(PATH, headers=agent.headers).json() == [created]


def test_only_one_target_is_needed_and_matching_fields_default_to_any(
    client: TestClient, admin: Caller
) -> None:
    response = client.post(
        PATH, json={"name": "Catch-all", "resolution_minutes": 2880}, headers=admin.headers
    )
    assert response.status_code == 201, response.text
    policy = response.json()
    assert (policy["priority"], policy["channel"], policy["position"]) == (None, None, 0)
    assert (policy["first_response_minutes"], policy["next_response_minutes"]) == (None, None)


def test_policies_are_listed_by_position_then_id(client: TestClient, admin: Caller) -> None:
    later = create(client, admin, name="Later", position=5)
    first = create(client, admin, name="First", position=1)
    tied = create(client, admin, name="Tied", position=5)
    listed = [policy["id"] for policy in client.get(PATH, headers=admin.headers).json()]
    assert listed == [first["id"], later["id"], tied["id"]]


@pytest.mark.parametrize(
    ("_case", "body", "message"),
    [
        (
            "no target",
            {"name": "Empty", "priority": "high"},
            "give at least one target: first_response_minutes, next_response_minutes, "
            "resolution_minutes",
        ),
        (
            "all targets null",
            {"name": "Nulls", "first_response_minutes": None, "resolution_minutes": None},
            "give at least one target",
        ),
        ("zero minutes", URGENT_EMAIL | {"first_response_minutes": 0}, "first_response_minutes"),
        ("unknown priority", URGENT_EMAIL | {"priority": "critical"}, "priority"),
        ("unknown channel", URGENT_EMAIL | {"channel": "fax"}, "channel"),
        ("negative position", URGENT_EMAIL | {"position": -1}, "position"),
        ("unknown field", URGENT_EMAIL | {"hours": 4}, "hours"),
    ],
)
def test_invalid_policy_is_422_and_creates_nothing(
    client: TestClient,
    admin: Caller,
    session: Session,
    _case: str,
    body: dict[str, object],
    message: str,
) -> None:
    response = client.post(PATH, json=body, headers=admin.headers)
    assert response.status_code == 422
    assert message in response.json()["detail"]
    assert count_rows(session, SlaPolicy) == 0


def test_duplicate_policy_name_is_a_conflict(client: TestClient, admin: Caller) -> None:
    create(client, admin)
    response = client.post(
        PATH, json=URGENT_EMAIL | {"name": "URGENT EMAIL"}, headers=admin.headers
    )
    assert response.status_code == 409


def test_retry_with_the_same_key_creates_one_policy(
    client: TestClient, admin: Caller, session: Session
) -> None:
    first = client.post(PATH, json=URGENT_EMAIL, headers=admin.with_key("sla-1"))
    again = client.post(PATH, json=URGENT_EMAIL, headers=admin.with_key("sla-1"))
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    changed = client.post(
        PATH, json=URGENT_EMAIL | {"position": 3}, headers=admin.with_key("sla-1")
    )
    assert changed.status_code == 409
    assert count_rows(session, SlaPolicy) == 1


def test_patch_changes_only_the_fields_sent(client: TestClient, admin: Caller) -> None:
    policy = create(client, admin)
    response = client.patch(
        f"{PATH}/{policy['id']}",
        json={"channel": None, "first_response_minutes": 15, "next_response_minutes": None},
        headers=admin.headers,
    )
    assert response.status_code == 200, response.text
    assert response.json() == policy | {
        "channel": None,
        "first_response_minutes": 15,
        "next_response_minutes": None,
    }


def test_patch_deactivates_and_reactivates(client: TestClient, admin: Caller) -> None:
    policy = create(client, admin)
    path = f"{PATH}/{policy['id']}"
    off = client.patch(path, json={"is_active": False}, headers=admin.headers)
    assert off.json()["is_active"] is False
    assert client.get(PATH, headers=admin.headers).json()[0]["is_active"] is False
    on = client.patch(path, json={"is_active": True, "name": "Urgent mail"}, headers=admin.headers)
    assert (on.json()["is_active"], on.json()["name"]) == (True, "Urgent mail")


@pytest.mark.parametrize(
    ("_case", "patch", "status", "message"),
    [
        (
            "removing every target",
            {
                "first_response_minutes": None,
                "next_response_minutes": None,
                "resolution_minutes": None,
            },
            422,
            "a policy needs at least one target",
        ),
        ("null name", {"name": None}, 422, "name cannot be null"),
        ("null is_active", {"is_active": None}, 422, "is_active cannot be null"),
        ("null position", {"position": None}, 422, "position cannot be null"),
        ("another policy's name", {"name": "catch-all"}, 409, "already exists"),
    ],
)
def test_bad_patch_is_refused_and_changes_nothing(
    client: TestClient,
    admin: Caller,
    _case: str,
    patch: dict[str, object],
    status: int,
    message: str,
) -> None:
    create(client, admin, name="Catch-all", priority=None, channel=None)
    policy = create(client, admin)
    response = client.patch(f"{PATH}/{policy['id']}", json=patch, headers=admin.headers)
    assert response.status_code == status
    assert message in response.json()["detail"]
    assert policy in client.get(PATH, headers=admin.headers).json()


def test_patching_an_unknown_policy_is_404(client: TestClient, admin: Caller) -> None:
    response = client.patch(f"{PATH}/999999", json={"position": 1}, headers=admin.headers)
    assert response.status_code == 404
    assert response.json()["detail"] == "SLA policy 999999 does not exist"


def test_agents_and_managers_cannot_change_policies(
    client: TestClient, admin: Caller, agent: Caller, manager: Caller, session: Session
) -> None:
    policy = create(client, admin)
    for caller in (agent, manager):
        attempts = [
            client.post(PATH, json=URGENT_EMAIL | {"name": "Mine"}, headers=caller.headers),
            client.patch(f"{PATH}/{policy['id']}", json={"position": 9}, headers=caller.headers),
        ]
        for response in attempts:
            assert response.status_code == 403
            assert response.json()["detail"].startswith("this needs the admin role")
    assert client.get(PATH, headers=agent.headers).json() == [policy]
    assert count_rows(session, SlaPolicy) == 1
