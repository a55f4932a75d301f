"""The conversation page lists each message's attachments; the workspace downloads them."""

import base64

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories import Factories
from goodwill.agents.models import Agent
from goodwill.conversations.models import Attachment, Conversation
from goodwill.conversations.schemas import AttachmentIn, MessageCreate
from goodwill.conversations.services.messages import add_message
from goodwill.core.clock import FixedClock


def attach(
    session: Session, conversation: Conversation, clock: FixedClock, *, name: str, content: bytes
) -> Attachment:
    file = AttachmentIn(
        filename=name, content_type="text/html", content_base64=base64.b64encode(content).decode()
    )
    data = MessageCreate(body_text="Here you go", attachments=[file])
    message = add_message(session, conversation, data=data, actor=None, now=clock.now())
    session.flush()
    return session.scalars(select(Attachment).where(Attachment.message_id == message.id)).one()


def test_timeline_links_each_attachment_with_its_size(
    client: TestClient,
    make: Factories,
    session: Session,
    clock: FixedClock,
    agent: Agent,
    csrf: str,
) -> None:
    conversation = make.conversation(assignee=agent)
    stored = attach(session, conversation, clock, name="receipt <1>.html", content=b"x" * 2048)

    page = client.get(f"/conversations/{conversation.id}").text

    assert f'<a href="/attachments/{stored.id}" download>receipt &lt;1&gt;.html</a>' in page
    assert "(2.0 kB)" in page


def test_workspace_download_is_an_attachment_never_inline(
    client: TestClient,
    make: Factories,
    session: Session,
    clock: FixedClock,
    agent: Agent,
    csrf: str,
) -> None:
    conversation = make.conversation(assignee=agent)
    stored = attach(session, conversation, clock, name="page.html", content=b"<b>hi</b>")

    response = client.get(f"/attachments/{stored.id}")

    assert response.status_code == 200
    assert response.content == b"<b>hi</b>"
    assert response.headers["content-disposition"] == "attachment; filename*=UTF-8''page.html"
    assert response.headers["x-content-type-options"] == "nosniff"


def test_workspace_download_outside_scope_is_not_found(
    client: TestClient,
    make: Factories,
    session: Session,
    clock: FixedClock,
    agent: Agent,
    csrf: str,
) -> None:
    other = make.agent()
    conversation = make.conversation(team=make.team(members=(other,)), assignee=other)
    stored = attach(session, conversation, clock, name="secret.txt", content=b"secret")

    response = client.get(f"/attachments/{stored.id}")

    assert response.status_code == 404
    assert b"secret" not in response.content


def test_workspace_download_needs_a_sign_in(
    app: FastAPI, make: Factories, session: Session, clock: FixedClock
) -> None:
    stored = attach(session, make.conversation(), clock, name="a.txt", content=b"a")
    with TestClient(app) as anonymous:
        response = anonymous.get(f"/attachments/{stored.id}", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")
