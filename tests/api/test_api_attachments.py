"""JSON API: message attachments are stored with the message, listed, and downloaded safely."""

import base64
import hashlib
from typing import Any

import pytest
from api_support import Caller, conversation_body, count_rows
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from factories import Factories
from goodwill.agents.models import Agent
from goodwill.conversations.models import Attachment, Conversation, Message
from goodwill.settings import Settings

HTML = b"<script>alert(document.cookie)</script>"


def attachment(
    content: bytes, filename: str = "page.html", content_type: str = "text/html"
) -> dict[str, str]:
    return {
        "filename": filename,
        "content_type": content_type,
        "content_base64": base64.b64encode(content).decode(),
    }


def post_message(
    client: TestClient, caller: Caller, conversation: Conversation, **body: Any
) -> Any:
    return client.post(
        f"/api/v1/conversations/{conversation.id}/messages",
        json={"body_text": "See attached.", **body},
        headers=caller.headers,
    )


def out_of_scope_conversation(make: Factories) -> Conversation:
    """A conversation of a team the `agent` fixture is not in, assigned to someone else."""
    other: Agent = make.agent()
    conversation: Conversation = make.conversation(team=make.team(members=(other,)), assignee=other)
    return conversation


def test_upload_list_and_download_round_trip(
    client: TestClient, agent: Caller, make: Factories, session: Session
) -> None:
    conversation = make.conversation(assignee=agent.agent)
    files = [attachment(HTML, "../../etc/évil page.html"), attachment(b"\x00\x01", "C:\\a\\b.bin")]
    created = post_message(client, agent, conversation, kind="note", attachments=files)
    assert created.status_code == 201, created.text
    out = created.json()["attachments"]
    assert [(a["filename"], a["content_type"], a["size_bytes"]) for a in out] == [
        ("évil page.html", "text/html", len(HTML)),
        ("b.bin", "text/html", 2),
    ]
    stored = session.get_one(Attachment, out[0]["id"])
    assert stored.sha256 == hashlib.sha256(HTML).hexdigest()

    listed = client.get(
        f"/api/v1/conversations/{conversation.id}/messages", headers=agent.headers
    ).json()["items"]
    assert [message["attachments"] for message in listed] == [[], out]

    download = client.get(f"/api/v1/attachments/{out[0]['id']}", headers=agent.headers)
    assert download.status_code == 200
    assert download.content == HTML
    assert download.headers["content-type"].startswith("text/html")
    assert download.headers["content-disposition"] == (
        "attachment; filename*=UTF-8''%C3%A9vil%20page.html"
    )
    assert download.headers["x-content-type-options"] == "nosniff"


def test_a_new_conversation_can_carry_attachments(client: TestClient, agent: Caller) -> None:
    body = conversation_body(
        message={"body_text": "Photo of the damage", "attachments": [attachment(b"jpeg")]}
    )
    response = client.post("/api/v1/conversations", json=body, headers=agent.headers)
    assert response.status_code == 201, response.text
    assert response.json()["messages"][0]["attachments"][0]["size_bytes"] == 4


def test_content_type_defaults_to_octet_stream(
    client: TestClient, agent: Caller, make: Factories
) -> None:
    conversation = make.conversation()
    file = {"filename": "data", "content_base64": base64.b64encode(b"x").decode()}
    response = post_message(client, agent, conversation, attachments=[file])
    assert response.json()["attachments"][0]["content_type"] == "application/octet-stream"


@pytest.mark.parametrize(
    ("_case", "file", "message"),
    [
        ("bad base64", {"filename": "a.txt", "content_base64": "not base64!"}, "not valid base64"),
        ("bad padding", {"filename": "a.txt", "content_base64": "YWJj="}, "not valid base64"),
        ("no file name", {"filename": "dir/", "content_base64": ""}, "filename must name a file"),
        (
            "bad type",
            {"filename": "a", "content_type": "text", "content_base64": ""},
            "content_type: String should match pattern",
        ),
    ],
)
def test_bad_attachment_is_rejected_and_stores_nothing(
    client: TestClient,
    agent: Caller,
    make: Factories,
    session: Session,
    _case: str,
    file: dict[str, str],
    message: str,
) -> None:
    conversation = make.conversation()
    before = count_rows(session, Message), count_rows(session, Attachment)
    response = post_message(client, agent, conversation, attachments=[file])
    assert response.status_code == 422
    assert message in response.json()["detail"]
    assert (count_rows(session, Message), count_rows(session, Attachment)) == before


def test_attachments_over_the_limit_are_rejected_and_store_nothing(
    client: TestClient, agent: Caller, make: Factories, session: Session, settings: Settings
) -> None:
    settings.max_attachment_bytes = 10
    conversation = make.conversation()
    before = count_rows(session, Message), count_rows(session, Attachment)
    files = [attachment(b"123456"), attachment(b"12345")]
    response = post_message(client, agent, conversation, attachments=files)
    assert response.status_code == 422
    assert "at most 10 bytes" in response.json()["detail"]
    assert (count_rows(session, Message), count_rows(session, Attachment)) == before
    ok = post_message(client, agent, conversation, attachments=[attachment(b"1234567890")])
    assert ok.status_code == 201, ok.text


def test_more_than_20_attachments_are_rejected(
    client: TestClient, agent: Caller, make: Factories
) -> None:
    conversation = make.conversation()
    files = [attachment(b"x", f"{n}.txt") for n in range(21)]
    response = post_message(client, agent, conversation, attachments=files)
    assert response.status_code == 422
    assert "attachments: List should have at most 20 items" in response.json()["detail"]


def test_download_outside_the_agents_scope_is_not_found(
    client: TestClient, agent: Caller, manager: Caller, make: Factories
) -> None:
    conversation = out_of_scope_conversation(make)
    created = post_message(client, manager, conversation, attachments=[attachment(b"secret")])
    attachment_id = created.json()["attachments"][0]["id"]
    path = f"/api/v1/attachments/{attachment_id}"
    assert client.get(path, headers=manager.headers).content == b"secret"
    hidden = client.get(path, headers=agent.headers)
    assert hidden.status_code == 404
    assert hidden.json()["detail"] == f"attachment {attachment_id} does not exist"
    assert client.get("/api/v1/attachments/999999", headers=agent.headers).status_code == 404


def test_download_without_a_token_is_unauthorized(
    client: TestClient, agent: Caller, make: Factories
) -> None:
    conversation = make.conversation()
    created = post_message(client, agent, conversation, attachments=[attachment(b"x")])
    attachment_id = created.json()["attachments"][0]["id"]
    response = client.get(f"/api/v1/attachments/{attachment_id}")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
