"""JSON API: adding and listing messages, and saved replies."""

from datetime import timedelta
from typing import Any

import pytest
from api_support import Caller, count_rows
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from factories import Factories
from goodwill.conversations.models import Message, SavedReply
from goodwill.core.clock import FixedClock
from goodwill.core.jobs.enqueue import count_jobs


def test_reply_note_and_customer_message_each_do_their_part(
    client: TestClient, agent: Caller, make: Factories, clock: FixedClock, session: Session
) -> None:
    conversation = make.conversation(assignee=agent.agent)
    path = f"/api/v1/conversations/{conversation.id}/messages"
    clock.advance(timedelta(minutes=10))
    reply = client.post(
        path, json={"kind": "reply", "body_text": "On its way!"}, headers=agent.headers
    )
    assert reply.status_code == 201, reply.text
    assert reply.json()["direction"] == "outbound"
    assert reply.json()["author_agent_id"] == agent.agent.id
    note = client.post(
        path, json={"kind": "note", "body_text": "Courier says Friday"}, headers=agent.headers
    )
    assert note.json()["direction"] == "note"
    customer = client.post(path, json={"body_text": "Thanks!"}, headers=agent.headers)
    assert customer.json()["direction"] == "inbound"
    assert customer.json()["author_customer_id"] == conversation.customer_id
    fetched = client.get(f"/api/v1/conversations/{conversation.id}", headers=agent.headers).json()
    assert fetched["message_count"] == 4
    assert fetched["first_response_at"] == "2026-03-02T09:10:00Z"
    assert fetched["status"] == "open"  # pending after the reply, open again after the customer
    assert count_jobs(session, name="conversations.deliver_message") == 1


def test_messages_page_through_with_next_cursor(
    client: TestClient, agent: Caller, make: Factories
) -> None:
    conversation = make.conversation(body="first")
    path = f"/api/v1/conversations/{conversation.id}/messages"
    for number in range(2, 6):
        client.post(
            path, json={"kind": "note", "body_text": f"note {number}"}, headers=agent.headers
        )
    bodies: list[str] = []
    params: dict[str, Any] = {"limit": 2}
    for _ in range(5):
        page = client.get(path, params=params, headers=agent.headers).json()
        bodies += [message["body_text"] for message in page["items"]]
        if page["next_cursor"] is None:
            break
        params["after_id"] = page["next_cursor"]
    assert bodies == ["first", "note 2", "note 3", "note 4", "note 5"]


@pytest.mark.parametrize(
    ("_case", "body", "message"),
    [
        ("empty text", {"body_text": ""}, "body_text: String should have at least 1 character"),
        ("unknown kind", {"kind": "tweet", "body_text": "hi"}, "kind: Input should be"),
        (
            "unknown status after",
            {"kind": "reply", "body_text": "hi", "status_after": "gone"},
            "status_after: Input should be",
        ),
    ],
)
def test_bad_message_is_rejected_and_stores_nothing(
    client: TestClient,
    agent: Caller,
    make: Factories,
    session: Session,
    _case: str,
    body: dict[str, Any],
    message: str,
) -> None:
    conversation = make.conversation()
    before = count_rows(session, Message)
    response = client.post(
        f"/api/v1/conversations/{conversation.id}/messages", json=body, headers=agent.headers
    )
    assert response.status_code == 422
    assert message in response.json()["detail"]
    assert count_rows(session, Message) == before


def test_reply_asking_for_a_forbidden_status_stores_nothing(
    client: TestClient, agent: Caller, make: Factories, session: Session
) -> None:
    conversation = make.conversation()
    path = f"/api/v1/conversations/{conversation.id}"
    client.patch(path, json={"status": "closed"}, headers=agent.headers)
    before = count_rows(session, Message)
    response = client.post(
        f"{path}/messages",
        headers=agent.headers,
        json={"kind": "reply", "body_text": "hi", "status_after": "pending"},
    )
    assert response.status_code == 409
    assert "cannot move from closed to pending" in response.json()["detail"]
    assert count_rows(session, Message) == before


def test_external_id_of_another_conversation_is_a_conflict(
    client: TestClient, agent: Caller, make: Factories
) -> None:
    first, second = make.conversation(), make.conversation()
    body = {"body_text": "hello", "external_id": "<abc@mail.example.com>"}
    assert (
        client.post(
            f"/api/v1/conversations/{first.id}/messages", json=body, headers=agent.headers
        ).status_code
        == 201
    )
    response = client.post(
        f"/api/v1/conversations/{second.id}/messages", json=body, headers=agent.headers
    )
    assert response.status_code == 409
    assert "belongs to another conversation" in response.json()["detail"]


def test_message_list_limits_are_validated(
    client: TestClient, agent: Caller, make: Factories
) -> None:
    conversation = make.conversation()
    path = f"/api/v1/conversations/{conversation.id}/messages"
    assert client.get(path, params={"limit": 0}, headers=agent.headers).status_code == 422
    assert client.get(path, params={"after_id": -1}, headers=agent.headers).status_code == 422


def test_saved_reply_created_by_manager_renders_for_a_conversation(
    client: TestClient, manager: Caller, agent: Caller, make: Factories
) -> None:
    body = {
        "title": "Late parcel",
        "body": "Hi {{ customer.first_name }} , about {{ conversation.reference }}: "
        "it ships today. {{ agent.first_name }}",
    }
    created = client.post("/api/v1/saved-replies", json=body, headers=manager.headers)
    assert created.status_code == 201, created.text
    listed = client.get("/api/v1/saved-replies", headers=agent.headers).json()
    assert [reply["title"] for reply in listed] == ["Late parcel"]
    conversation = make.conversation(customer=make.customer(name="Ada Lovelace"))
    reply_id = created.json()["id"]
    rendered = client.post(
        f"/api/v1/conversations/{conversation.id}/saved-replies/{reply_id}/render",
        headers=agent.headers,
    )
    assert rendered.status_code == 200, rendered.text
    first_name = agent.agent.name.split()[0]
    assert rendered.json() == {
        "body": f"Hi Ada, about {conversation.reference}: it ships today. {first_name}"
    }
    again = client.get("/api/v1/saved-replies", headers=agent.headers).json()
    assert again[0]["usage_count"] == 1


def test_saved_reply_rules(
    client: TestClient, manager: Caller, agent: Caller, make: Factories, session: Session
) -> None:
    good = {"title": "Thanks", "body": "Thank you!"}
    forbidden = client.post("/api/v1/saved-replies", json=good, headers=agent.headers)
    assert forbidden.status_code == 403
    unknown = client.post(
        "/api/v1/saved-replies", json=good | {"body": "{{ order.total }}"}, headers=manager.headers
    )
    assert unknown.status_code == 422
    assert unknown.json()["detail"] == "unknown placeholders: order.total"
    no_team = client.post(
        "/api/v1/saved-replies", json=good | {"team_id": 999999}, headers=manager.headers
    )
    assert no_team.json()["detail"] == "team_id 999999 does not exist"
    assert count_rows(session, SavedReply) == 0
    conversation = make.conversation()
    missing = client.post(
        f"/api/v1/conversations/{conversation.id}/saved-replies/999999/render",
        headers=agent.headers,
    )
    assert missing.status_code == 404
