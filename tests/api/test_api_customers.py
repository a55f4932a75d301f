"""JSON API: creating, reading, listing, searching and merging customers."""

import pytest
from api_support import Caller, count_rows
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories import Factories
from goodwill.conversations.models import Conversation
from goodwill.core.pagination import encode_cursor
from goodwill.customers.models import Customer

ADA = {
    "name": "Ada Lovelace",
    "identities": [
        {"kind": "email", "value": "Ada@Example.com"},
        {"kind": "phone", "value": "+44 (20) 7946 0000"},
    ],
    "company": "Analytical Engines Ltd",
    "tags": ["VIP", "beta"],
}


def test_create_and_get_customer(client: TestClient, agent: Caller) -> None:
    response = client.post("/api/v1/customers", json=ADA, headers=agent.headers)
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["name"] == "Ada Lovelace"
    assert created["company"] == "Analytical Engines Ltd"
    assert created["tags"] == ["beta", "vip"]
    assert [(i["kind"], i["value"], i["is_primary"]) for i in created["identities"]] == [
        ("email", "ada@example.com", True),
        ("phone", "+442079460000", False),
    ]
    fetched = client.get(f"/api/v1/customers/{created['id']}", headers=agent.headers)
    assert fetched.json() == created


def test_unknown_customer_is_404(client: TestClient, agent: Caller) -> None:
    response = client.get("/api/v1/customers/424242", headers=agent.headers)
    assert response.status_code == 404
    assert response.json() == {"detail": "customer 424242 does not exist"}


def test_identity_of_another_customer_is_a_conflict(
    client: TestClient, agent: Caller, make: Factories
) -> None:
    make.customer(email="ada@example.com")
    response = client.post("/api/v1/customers", json=ADA, headers=agent.headers)
    assert response.status_code == 409
    assert "ada@example.com" in response.json()["detail"]


@pytest.mark.parametrize(
    ("_case", "body", "message"),
    [
        ("no identities", {"name": "Ada", "identities": []}, "identities"),
        ("missing identities", {"name": "Ada"}, "identities: Field required"),
        (
            "unknown identity kind",
            {"identities": [{"kind": "fax", "value": "1"}]},
            "identities.0.kind",
        ),
        (
            "bad email",
            {"identities": [{"kind": "email", "value": "ada"}]},
            "'ada' is not an email address",
        ),
        ("unknown field", {"identities": [{"kind": "chat", "value": "v1"}], "vip": True}, "vip"),
    ],
)
def test_invalid_customer_is_422_and_creates_nothing(
    client: TestClient,
    agent: Caller,
    session: Session,
    _case: str,
    body: dict[str, object],
    message: str,
) -> None:
    response = client.post("/api/v1/customers", json=body, headers=agent.headers)
    assert response.status_code == 422
    assert message in response.json()["detail"]
    assert count_rows(session, Customer) == 0


def test_list_walks_every_customer_exactly_once(
    client: TestClient, agent: Caller, make: Factories
) -> None:
    ids = {make.customer(name=f"Customer {number}").id for number in range(7)}
    seen: list[int] = []
    params: dict[str, object] = {"limit": 3}
    for _ in range(10):
        page = client.get("/api/v1/customers", params=params, headers=agent.headers).json()
        seen += [item["id"] for item in page["items"]]
        if page["next_cursor"] is None:
            break
        params["cursor"] = page["next_cursor"]
    assert seen == sorted(ids, reverse=True)


def test_search_matches_name_or_identity_prefix(
    client: TestClient, agent: Caller, make: Factories
) -> None:
    ada = make.customer(name="Ada Lovelace", email="countess@example.com")
    grace = make.customer(name="Grace Hopper", email="ada.fan@example.org")
    make.customer(name="Alan Turing", email="alan@example.com")

    def search(q: str) -> list[int]:
        page = client.get("/api/v1/customers", params={"q": q}, headers=agent.headers).json()
        return [item["id"] for item in page["items"]]

    assert search("ada") == [grace.id, ada.id]
    assert search("COUNTESS@") == [ada.id]
    assert search("100%_") == []


@pytest.mark.parametrize(
    ("_case", "params", "message"),
    [
        ("limit zero", {"limit": 0}, "limit: Input should be greater than or equal to 1"),
        ("limit too big", {"limit": 101}, "limit: Input should be less than or equal to 100"),
        ("cursor not ours", {"cursor": "bogus"}, "cursor is not valid"),
        ("cursor with a text key", {"cursor": encode_cursor(["x"])}, "cursor is not valid"),
    ],
)
def test_bad_list_parameters_are_422(
    client: TestClient, agent: Caller, _case: str, params: dict[str, object], message: str
) -> None:
    response = client.get("/api/v1/customers", params=params, headers=agent.headers)
    assert response.status_code == 422
    assert message in response.json()["detail"]


def test_manager_merges_customers_with_their_conversations(
    client: TestClient, manager: Caller, make: Factories, session: Session
) -> None:
    target = make.customer(name="Ada Lovelace", email="ada@example.com")
    source = make.customer(name="", email="ada@work.example.com")
    conversation = make.conversation(customer=source)
    response = client.post(
        f"/api/v1/customers/{target.id}/merge",
        json={"source_id": source.id},
        headers=manager.headers,
    )
    assert response.status_code == 200, response.text
    merged = response.json()
    assert merged["id"] == target.id
    assert {i["value"] for i in merged["identities"]} == {"ada@example.com", "ada@work.example.com"}
    customer_id = session.scalar(
        select(Conversation.customer_id)
        .where(Conversation.id == conversation.id)
        .execution_options(populate_existing=True)
    )
    assert customer_id == target.id


def test_merge_needs_a_manager_and_a_real_source(
    client: TestClient, agent: Caller, manager: Caller, make: Factories
) -> None:
    target, source = make.customer(), make.customer()
    path = f"/api/v1/customers/{target.id}/merge"
    forbidden = client.post(path, json={"source_id": source.id}, headers=agent.headers)
    assert forbidden.status_code == 403
    assert forbidden.json()["detail"] == "this needs the manager role; you are agent"
    unknown = client.post(path, json={"source_id": 999999}, headers=manager.headers)
    assert unknown.status_code == 422
    assert unknown.json()["detail"] == "source_id 999999 does not exist"
    itself = client.post(path, json={"source_id": target.id}, headers=manager.headers)
    assert itself.status_code == 422
