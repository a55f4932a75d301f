"""POST /api/v1/imports/conversations over HTTP: roles, idempotent retries, bad input."""

from datetime import timedelta

from api_support import Caller, count_rows
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from goodwill.conversations.models import Conversation, Message
from goodwill.core.clock import FixedClock


def import_body(clock: FixedClock, count: int = 2) -> dict[str, object]:
    start = clock.now() - timedelta(days=1)
    return {
        "conversations": [
            {
                "subject": f"Broken zip {n}",
                "customer": {"value": f"buyer{n}@example.com", "name": "Buyer"},
                "status": "resolved",
                "messages": [
                    {
                        "kind": "customer",
                        "body_text": "The zip broke.",
                        "created_at": start.isoformat(),
                        "external_id": f"imp-{n}-a",
                    },
                    {
                        "kind": "reply",
                        "body_text": "A new one is on its way.",
                        "created_at": (start + timedelta(minutes=40)).isoformat(),
                        "external_id": f"imp-{n}-b",
                    },
                ],
            }
            for n in range(count)
        ]
    }


def test_manager_imports_and_a_retry_creates_nothing(
    client: TestClient, session: Session, manager: Caller, clock: FixedClock
) -> None:
    body = import_body(clock)
    first = client.post("/api/v1/imports/conversations", json=body, headers=manager.with_key("i1"))
    assert first.status_code == 201, first.text
    assert first.json()["imported_messages"] == 4
    again = client.post("/api/v1/imports/conversations", json=body, headers=manager.with_key("i1"))
    assert again.status_code == 201
    assert again.json() == first.json()
    assert count_rows(session, Conversation) == 2
    rerun = client.post("/api/v1/imports/conversations", json=body, headers=manager.headers)
    assert rerun.json()["skipped_conversations"] == 2
    assert count_rows(session, Message) == 4


def test_agent_cannot_import(client: TestClient, agent: Caller, clock: FixedClock) -> None:
    answer = client.post(
        "/api/v1/imports/conversations", json=import_body(clock), headers=agent.headers
    )
    assert answer.status_code == 403
    assert "manager" in answer.json()["detail"]


def test_naive_timestamp_is_a_clear_422(
    client: TestClient, session: Session, manager: Caller, clock: FixedClock
) -> None:
    body = import_body(clock, count=1)
    body["conversations"][0]["messages"][0]["created_at"] = "2026-03-01T09:00:00"  # type: ignore[index]
    answer = client.post("/api/v1/imports/conversations", json=body, headers=manager.headers)
    assert answer.status_code == 422
    assert "timezone" in answer.json()["detail"]
    assert count_rows(session, Conversation) == 0
