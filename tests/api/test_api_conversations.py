"""JSON API: opening, reading, listing, updating and searching conversations, within scope."""

from datetime import timedelta
from typing import Any

import pytest
from api_support import Caller, conversation_body, count_rows
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories import Factories
from goodwill.conversations.models import Conversation, ConversationEvent
from goodwill.core.clock import FixedClock
from goodwill.core.pagination import encode_cursor
from goodwill.customers.models import Customer


def events(session: Session, conversation_id: int) -> list[tuple[str, dict[str, Any]]]:
    rows = session.execute(
        select(ConversationEvent.kind, ConversationEvent.data)
        .where(ConversationEvent.conversation_id == conversation_id)
        .order_by(ConversationEvent.id)
    )
    return [(kind, data) for kind, data in rows]


def test_open_conversation_returns_it_with_messages_and_tags(
    client: TestClient, agent: Caller, make: Factories
) -> None:
    team = make.team(members=(agent.agent,))
    body = conversation_body(tags=["Shipping", "late"], priority="high", team_id=team.id)
    response = client.post("/api/v1/conversations", json=body, headers=agent.headers)
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["subject"] == "My parcel is late"
    assert created["status"] == "new"
    assert created["priority"] == "high"
    assert created["team_id"] == team.id
    assert created["tags"] == ["late", "shipping"]
    assert created["reference"].startswith("GW-")
    assert [m["body_text"] for m in created["messages"]] == ["Order 1234 has not arrived."]
    assert created["messages"][0]["direction"] == "inbound"
    fetched = client.get(f"/api/v1/conversations/{created['id']}", headers=agent.headers).json()
    assert fetched == {key: value for key, value in created.items() if key != "messages"}


@pytest.mark.parametrize(
    ("_case", "changes", "message"),
    [
        ("missing subject", {"subject": None}, "subject: Field required"),
        ("missing first message", {"message": None}, "message: Field required"),
        ("empty message", {"message": {"body_text": ""}}, "message.body_text"),
        ("unknown priority", {"priority": "asap"}, "priority: Input should be"),
        ("unknown channel", {"channel": "pigeon"}, "channel: Input should be"),
        ("no customer", {"customer": {"name": "Ada"}}, "give the customer's id, or an identity"),
        ("unknown customer id", {"customer": {"id": 999999}}, "customer.id 999999 does not exist"),
        ("unknown team", {"team_id": 999999}, "team_id 999999 does not exist"),
        ("unknown assignee", {"assignee_id": 999999}, "assignee_id 999999 does not exist"),
        ("impossible id", {"team_id": 2**64}, "team_id: Input should be less than or equal"),
    ],
)
def test_bad_conversation_is_422_and_creates_nothing(
    client: TestClient,
    agent: Caller,
    session: Session,
    _case: str,
    changes: dict[str, Any],
    message: str,
) -> None:
    body = {key: value for key, value in conversation_body(**changes).items() if value is not None}
    response = client.post("/api/v1/conversations", json=body, headers=agent.headers)
    assert response.status_code == 422
    assert message in response.json()["detail"]
    assert count_rows(session, Conversation) == 0
    assert count_rows(session, Customer) == 0


def test_list_filters_by_status_priority_tag_and_customer(
    client: TestClient, agent: Caller, make: Factories
) -> None:
    ada = make.customer()
    urgent = make.conversation(customer=ada, priority="urgent", tags=("refund",))
    normal = make.conversation(customer=ada)
    other = make.conversation()

    def listed(**params: Any) -> list[int]:
        response = client.get("/api/v1/conversations", params=params, headers=agent.headers)
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    assert set(listed()) == {urgent.id, normal.id, other.id}
    assert listed(priority="urgent") == [urgent.id]
    assert listed(tag="refund") == [urgent.id]
    assert set(listed(customer_id=ada.id)) == {urgent.id, normal.id}
    assert set(listed(status=["new", "open"])) == {urgent.id, normal.id, other.id}
    assert listed(status="resolved") == []
    assert set(listed(view="unassigned")) == {urgent.id, normal.id, other.id}
    assert listed(view="mine") == []


def test_cursor_pagination_walks_every_conversation_exactly_once(
    client: TestClient, agent: Caller, make: Factories, clock: FixedClock
) -> None:
    ids = [make.conversation().id for _ in range(3)]  # the same activity time: ties broken by id
    for _ in range(5):
        clock.advance(timedelta(minutes=5))
        ids.append(make.conversation().id)
    seen: list[dict[str, Any]] = []
    params: dict[str, Any] = {"limit": 3}
    for _ in range(10):
        page = client.get("/api/v1/conversations", params=params, headers=agent.headers).json()
        seen += page["items"]
        if page["next_cursor"] is None:
            break
        params["cursor"] = page["next_cursor"]
    assert sorted(item["id"] for item in seen) == sorted(ids)
    keys = [(item["last_activity_at"], item["id"]) for item in seen]
    assert keys == sorted(keys, reverse=True)


@pytest.mark.parametrize(
    ("_case", "params", "message"),
    [
        ("limit zero", {"limit": 0}, "limit: Input should be greater than or equal to 1"),
        ("unknown status", {"status": "stuck"}, "status.0: Input should be"),
        ("unknown view", {"view": "everything"}, "view: Input should be"),
        ("bogus cursor", {"cursor": "not-a-cursor"}, "cursor is not valid"),
        (
            "cursor with a naive time",
            {"cursor": encode_cursor(["2026-03-02T09:00:00", 1])},
            "cursor is not valid",
        ),
        (
            "cursor with a text id",
            {"cursor": encode_cursor(["2026-03-02T09:00:00+00:00", "x"])},
            "cursor is not valid",
        ),
    ],
)
def test_bad_list_parameters_are_422(
    client: TestClient, agent: Caller, _case: str, params: dict[str, Any], message: str
) -> None:
    response = client.get("/api/v1/conversations", params=params, headers=agent.headers)
    assert response.status_code == 422
    assert message in response.json()["detail"]


def test_patch_changes_fields_and_records_events(
    client: TestClient, agent: Caller, make: Factories, session: Session
) -> None:
    colleague = make.agent()
    conversation = make.conversation(tags=("shipping",))
    patch = {
        "status": "open",
        "assignee_id": colleague.id,
        "priority": "urgent",
        "tags": ["Shipping", "Refund"],
    }
    response = client.patch(
        f"/api/v1/conversations/{conversation.id}", json=patch, headers=agent.headers
    )
    assert response.status_code == 200, response.text
    updated = response.json()
    assert (updated["status"], updated["assignee_id"], updated["priority"]) == (
        "open",
        colleague.id,
        "urgent",
    )
    assert updated["tags"] == ["refund", "shipping"]
    logged = dict(events(session, conversation.id))
    assert logged["priority_changed"] == {"from": "normal", "to": "urgent"}
    assert logged["assigned"]["to_agent_id"] == colleague.id
    assert logged["tags_changed"] == {"added": ["refund"], "removed": []}
    assert logged["status_changed"] == {"from": "new", "to": "open"}


def test_patch_only_changes_the_fields_sent(
    client: TestClient, agent: Caller, make: Factories
) -> None:
    conversation = make.conversation(assignee=agent.agent, priority="high")
    response = client.patch(
        f"/api/v1/conversations/{conversation.id}",
        json={"status": "pending"},
        headers=agent.headers,
    )
    assert response.json()["assignee_id"] == agent.agent.id
    assert response.json()["priority"] == "high"
    unassigned = client.patch(
        f"/api/v1/conversations/{conversation.id}",
        json={"assignee_id": None},
        headers=agent.headers,
    )
    assert unassigned.json()["assignee_id"] is None


def test_forbidden_transition_is_409_naming_the_allowed_ones(
    client: TestClient, agent: Caller, make: Factories
) -> None:
    conversation = make.conversation()
    path = f"/api/v1/conversations/{conversation.id}"
    assert client.patch(path, json={"status": "closed"}, headers=agent.headers).status_code == 200
    response = client.patch(path, json={"status": "pending"}, headers=agent.headers)
    assert response.status_code == 409
    assert response.json()["detail"] == (
        "A conversation cannot move from closed to pending; from closed it can move to: open."
    )


@pytest.mark.parametrize(
    ("_case", "patch", "message"),
    [
        ("unknown assignee", {"assignee_id": 999999}, "assignee_id 999999 does not exist"),
        ("unknown team", {"team_id": 999999}, "team_id 999999 does not exist"),
        ("unknown status", {"status": "done"}, "status: Input should be"),
        ("unknown field", {"subject": "New"}, "subject: Extra inputs are not permitted"),
    ],
)
def test_bad_patch_is_422_and_changes_nothing(
    client: TestClient,
    agent: Caller,
    make: Factories,
    session: Session,
    _case: str,
    patch: dict[str, Any],
    message: str,
) -> None:
    conversation = make.conversation()
    before = events(session, conversation.id)
    response = client.patch(
        f"/api/v1/conversations/{conversation.id}",
        json=patch | {"priority": "low"},
        headers=agent.headers,
    )
    assert response.status_code == 422
    assert message in response.json()["detail"]
    assert events(session, conversation.id) == before


def test_conversation_outside_the_agents_teams_does_not_exist_for_them(
    client: TestClient, agent: Caller, manager: Caller, make: Factories
) -> None:
    make.team(members=(agent.agent,))
    hidden = make.conversation(team=make.team(), subject="Secret refund")
    visible = make.conversation(subject="Public refund")
    path = f"/api/v1/conversations/{hidden.id}"
    not_found = {"detail": f"conversation {hidden.id} does not exist"}
    for response in [
        client.get(path, headers=agent.headers),
        client.patch(path, json={"status": "open"}, headers=agent.headers),
        client.get(f"{path}/messages", headers=agent.headers),
        client.post(f"{path}/messages", json={"body_text": "hi"}, headers=agent.headers),
    ]:
        assert response.status_code == 404
        assert response.json() == not_found
    listed = client.get("/api/v1/conversations", headers=agent.headers).json()["items"]
    assert [item["id"] for item in listed] == [visible.id]
    found = client.get(
        "/api/v1/conversations/search", params={"q": "refund"}, headers=agent.headers
    ).json()["items"]
    assert [item["id"] for item in found] == [visible.id]
    assert client.get(path, headers=manager.headers).status_code == 200


def test_search_finds_subjects_and_message_text(
    client: TestClient, agent: Caller, make: Factories, clock: FixedClock
) -> None:
    by_subject = make.conversation(subject="Invoice missing", body="Please send it")
    clock.advance(timedelta(minutes=1))
    by_body = make.conversation(subject="Question", body="Where is the invoice for May?")
    zipper = make.conversation(subject="Broken zipper", body="It broke")

    def search(q: str) -> list[int]:
        response = client.get(
            "/api/v1/conversations/search", params={"q": q}, headers=agent.headers
        )
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    assert search("invoice") == [by_body.id, by_subject.id]
    assert search("zipper") == [zipper.id]
    assert search("!!!") == []
    assert client.get("/api/v1/conversations/search", headers=agent.headers).status_code == 422


def test_search_matches_word_prefixes_on_both_databases(
    client: TestClient, agent: Caller, make: Factories
) -> None:
    make.conversation(subject="Zipper broke on the jacket", body="The zipper came off.")
    answer = client.get("/api/v1/conversations/search", params={"q": "zip"}, headers=agent.headers)
    assert answer.status_code == 200
    assert [item["subject"] for item in answer.json()["items"]] == ["Zipper broke on the jacket"]
