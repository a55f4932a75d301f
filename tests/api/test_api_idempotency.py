"""JSON API: Idempotency-Key makes retries of creating requests safe."""

import pytest
from api_support import Caller, conversation_body, count_rows
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from goodwill.conversations.models import Conversation, Message
from goodwill.core.idempotency import IdempotentRequest
from goodwill.customers.models import Customer
from goodwill.web import idempotency
from goodwill.web.idempotency import IdempotentCall

CONFLICT = (
    "Idempotency-Key was already used with a different request; use a new key for a new request"
)


def test_retry_with_the_same_key_returns_the_first_answer_and_creates_nothing(
    client: TestClient, agent: Caller, session: Session
) -> None:
    first = client.post(
        "/api/v1/conversations", json=conversation_body(), headers=agent.with_key("order-1234")
    )
    again = client.post(
        "/api/v1/conversations", json=conversation_body(), headers=agent.with_key("order-1234")
    )
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert count_rows(session, Conversation) == 1
    assert count_rows(session, Message) == 1


def test_same_key_with_a_different_body_is_409(
    client: TestClient, agent: Caller, session: Session
) -> None:
    client.post("/api/v1/conversations", json=conversation_body(), headers=agent.with_key("k"))
    response = client.post(
        "/api/v1/conversations",
        json=conversation_body(subject="Other"),
        headers=agent.with_key("k"),
    )
    assert response.status_code == 409
    assert response.json() == {"detail": CONFLICT}
    assert count_rows(session, Conversation) == 1


def test_key_order_and_defaults_do_not_change_the_request(
    client: TestClient, agent: Caller, session: Session
) -> None:
    body = conversation_body()
    client.post("/api/v1/conversations", json=body, headers=agent.with_key("k"))
    same = dict(reversed(list((body | {"priority": "normal", "tags": []}).items())))
    response = client.post("/api/v1/conversations", json=same, headers=agent.with_key("k"))
    assert response.status_code == 201
    assert count_rows(session, Conversation) == 1


def test_keys_are_per_agent_and_per_endpoint(
    client: TestClient, agent: Caller, manager: Caller, session: Session
) -> None:
    customer = {"identities": [{"kind": "chat", "value": "visitor-7"}]}
    client.post("/api/v1/conversations", json=conversation_body(), headers=agent.with_key("k"))
    other_agent = client.post(
        "/api/v1/conversations", json=conversation_body(), headers=manager.with_key("k")
    )
    other_endpoint = client.post("/api/v1/customers", json=customer, headers=agent.with_key("k"))
    assert other_agent.status_code == other_endpoint.status_code == 201
    assert count_rows(session, Conversation) == 2


def test_without_a_key_every_request_creates(
    client: TestClient, agent: Caller, session: Session
) -> None:
    for _ in range(2):
        response = client.post(
            "/api/v1/conversations", json=conversation_body(), headers=agent.headers
        )
        assert response.status_code == 201
    assert count_rows(session, Conversation) == 2
    assert count_rows(session, IdempotentRequest) == 0


def test_failed_request_is_not_stored_so_a_corrected_retry_creates(
    client: TestClient, agent: Caller, session: Session
) -> None:
    bad = client.post(
        "/api/v1/conversations", json=conversation_body(team_id=999999), headers=agent.with_key("k")
    )
    assert bad.status_code == 422
    good = client.post(
        "/api/v1/conversations", json=conversation_body(), headers=agent.with_key("k")
    )
    assert good.status_code == 201
    assert count_rows(session, Conversation) == 1


@pytest.mark.parametrize(
    ("_case", "key", "message"),
    [("empty", "", "Idempotency-Key"), ("too long", "k" * 201, "Idempotency-Key")],
)
def test_unusable_key_is_422(
    client: TestClient, agent: Caller, session: Session, _case: str, key: str, message: str
) -> None:
    response = client.post(
        "/api/v1/conversations", json=conversation_body(), headers=agent.with_key(key)
    )
    assert response.status_code == 422
    assert message in response.json()["detail"]
    assert count_rows(session, Conversation) == 0


def test_every_creating_endpoint_replays(
    client: TestClient, admin: Caller, session: Session
) -> None:
    conversation = client.post(
        "/api/v1/conversations", json=conversation_body(), headers=admin.headers
    ).json()
    requests = [
        ("/api/v1/customers", {"identities": [{"kind": "chat", "value": "v-1"}]}),
        (f"/api/v1/conversations/{conversation['id']}/messages", {"body_text": "more"}),
        ("/api/v1/agents", {"email": "new@example.com", "password": "long enough"}),
        ("/api/v1/teams", {"name": "Returns"}),
        ("/api/v1/saved-replies", {"title": "Hi", "body": "Hello"}),
        (f"/api/v1/agents/{admin.agent.id}/tokens", {"name": "ci"}),
    ]
    for path, body in requests:
        first = client.post(path, json=body, headers=admin.with_key("same-key"))
        again = client.post(path, json=body, headers=admin.with_key("same-key"))
        assert first.status_code == again.status_code == 201, (path, first.text)
        assert again.headers.get("Idempotent-Replayed") == "true", path
    assert count_rows(session, IdempotentRequest) == len(requests)
    assert count_rows(session, Customer) == 2


def test_losing_a_race_for_the_key_replays_the_winner(
    client: TestClient, agent: Caller, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Simulate a concurrent twin: its answer is stored after our check for one found nothing."""
    winner = client.post(
        "/api/v1/conversations", json=conversation_body(), headers=agent.with_key("race")
    )
    real_find = idempotency.find_stored_response
    calls: list[IdempotentCall] = []

    def find_misses_once(session: Session, call: IdempotentCall) -> IdempotentRequest | None:
        calls.append(call)
        return None if len(calls) == 1 else real_find(session, call)

    monkeypatch.setattr(idempotency, "find_stored_response", find_misses_once)
    loser = client.post(
        "/api/v1/conversations", json=conversation_body(), headers=agent.with_key("race")
    )
    assert loser.status_code == 201
    assert loser.json() == winner.json()
    assert loser.headers["Idempotent-Replayed"] == "true"
    assert count_rows(session, Conversation) == 1
    assert len(calls) == 2  # the check that missed, then the look-up after the clash
