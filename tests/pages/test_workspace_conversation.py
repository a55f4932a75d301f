"""The conversation page: header, timeline, replies, notes, saved replies, side-panel forms."""

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from workspace_client import htmx

from factories import Factories
from goodwill.agents.models import Agent
from goodwill.conversations.enums import MessageDirection
from goodwill.conversations.models import Conversation, Message, SavedReply
from goodwill.conversations.schemas import MessageCreate, MessageKind
from goodwill.conversations.services.messages import add_message
from goodwill.core.clock import FixedClock


def messages_of(session: Session, conversation: Conversation) -> list[Message]:
    session.expire_all()
    return list(
        session.scalars(
            select(Message).where(Message.conversation_id == conversation.id).order_by(Message.id)
        )
    )


def status_of(session: Session, conversation: Conversation) -> str:
    session.expire_all()
    return session.get_one(Conversation, conversation.id).status


def timeline_text(html: str) -> str:
    """The timeline's text with tags removed and whitespace collapsed."""
    match = re.search(r'<ol id="timeline".*?</ol>', html, re.S)
    assert match, "no timeline on the page"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(0)).split())


def test_header_shows_the_facts(
    client: TestClient, make: Factories, agent: Agent, csrf: str
) -> None:
    make.sla_policy(first_response=timedelta(hours=4), resolution=timedelta(hours=24))
    team = make.team(name="Support", members=(agent,))
    conversation = make.conversation(
        subject="Broken kettle", team=team, assignee=agent, priority="high", tags=("hardware",)
    )

    page = client.get(f"/conversations/{conversation.id}").text

    assert "<h1>Broken kettle</h1>" in page
    assert conversation.reference in page
    assert 'data-status="new">New<' in page
    assert "priority-high" in page
    assert "Team: Support" in page
    assert "Assignee: <strong>Grace Hopper</strong>" in page
    assert '<li class="tag">hardware</li>' in page
    assert "First response due" in page
    assert "in 4h" in page
    assert "Resolution due" in page


def test_timeline_merges_messages_and_events_in_time_order(
    client: TestClient,
    make: Factories,
    session: Session,
    clock: FixedClock,
    agent: Agent,
    csrf: str,
) -> None:
    customer = make.customer(name="Ada Lovelace")
    conversation = make.conversation(customer=customer, body="My kettle will not boil.")
    clock.advance(timedelta(minutes=5))
    client.post(
        f"/conversations/{conversation.id}/assignee",
        data={"assignee_id": str(agent.id)},
        headers=htmx(csrf),
    )
    clock.advance(timedelta(minutes=5))
    add_message(
        session,
        conversation,
        actor=agent,
        now=clock.now(),
        data=MessageCreate(kind=MessageKind.NOTE, body_text="Check the warranty."),
    )
    clock.advance(timedelta(minutes=5))
    add_message(
        session,
        conversation,
        actor=agent,
        now=clock.now(),
        data=MessageCreate(kind=MessageKind.REPLY, body_text="Sorry!\nWe will replace it."),
    )
    session.flush()

    page = client.get(f"/conversations/{conversation.id}").text
    text = timeline_text(page)

    expected_order = [
        "Conversation opened via Email",
        "My kettle will not boil.",
        "Grace Hopper took the conversation",
        "Check the warranty.",
        "Sorry!",
        "First response after 15m now",
        "Grace Hopper changed the status from New to Waiting on customer",
    ]
    positions = [text.index(fragment) for fragment in expected_order]
    assert positions == sorted(positions)
    assert 'class="message message-customer"' in page
    assert 'class="message message-note"' in page
    assert 'class="message message-agent"' in page
    assert "Sorry!\nWe will replace it." in page  # shown with its line breaks (pre-wrap)


def test_message_text_is_escaped_and_sanitised_html_is_rendered(
    client: TestClient, make: Factories, session: Session, clock: FixedClock, csrf: str
) -> None:
    conversation = make.conversation(body="<script>alert('x')</script>")
    add_message(
        session,
        conversation,
        actor=None,
        now=clock.now(),
        data=MessageCreate(
            body_text="Bold text",
            body_html="<p><b>Bold</b> text<script>alert(1)</script></p>",
        ),
    )
    session.flush()

    page = client.get(f"/conversations/{conversation.id}").text

    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    assert "<b>Bold</b> text" in page
    assert "<script>alert" not in page


def test_reply_without_javascript_redirects_and_waits_on_the_customer(
    client: TestClient, make: Factories, session: Session, agent: Agent, csrf: str
) -> None:
    conversation = make.conversation(assignee=agent)

    response = client.post(
        f"/conversations/{conversation.id}/replies",
        data={
            "csrf_token": csrf,
            "kind": "reply",
            "body": "  It ships today.  ",
            "status_after": "pending",
        },
        follow_redirects=False,
    )

    assert response.status_code == 303
    assert response.headers["location"] == f"/conversations/{conversation.id}"
    reply = messages_of(session, conversation)[-1]
    assert (reply.body_text, reply.direction, reply.author_agent_id) == (
        "It ships today.",
        MessageDirection.OUTBOUND,
        agent.id,
    )
    assert status_of(session, conversation) == "pending"
    assert "It ships today." in client.get(response.headers["location"]).text


def test_htmx_reply_returns_the_new_timeline_header_and_a_toast(
    client: TestClient, make: Factories, session: Session, agent: Agent, csrf: str
) -> None:
    conversation = make.conversation(assignee=agent)

    response = client.post(
        f"/conversations/{conversation.id}/replies",
        data={"kind": "reply", "body": "Fixed, thanks for waiting.", "status_after": "resolved"},
        headers=htmx(csrf),
    )

    assert response.status_code == 200
    assert response.text.lstrip().startswith('<ol id="timeline"')
    assert "Fixed, thanks for waiting." in timeline_text(response.text)
    assert 'class="conversation-header" hx-swap-oob="true"' in response.text
    assert 'data-status="resolved">Resolved<' in response.text
    assert 'id="composer"' in response.text  # a fresh, empty composer
    assert "Reply sent." in response.text
    assert status_of(session, conversation) == "resolved"


def test_internal_note_keeps_the_status(
    client: TestClient, make: Factories, session: Session, agent: Agent, csrf: str
) -> None:
    conversation = make.conversation(assignee=agent)

    response = client.post(
        f"/conversations/{conversation.id}/replies",
        data={"kind": "note", "body": "Customer is a reseller.", "status_after": "resolved"},
        headers=htmx(csrf),
    )

    assert response.status_code == 200
    assert "Internal note added." in response.text
    note = messages_of(session, conversation)[-1]
    assert note.direction == MessageDirection.NOTE
    assert status_of(session, conversation) == "new"


def test_empty_reply_is_refused_with_a_toast(
    client: TestClient, make: Factories, session: Session, csrf: str
) -> None:
    conversation = make.conversation()

    response = client.post(
        f"/conversations/{conversation.id}/replies",
        data={"kind": "reply", "body": "   "},
        headers=htmx(csrf),
    )

    assert response.status_code == 422
    assert response.headers["HX-Retarget"] == "#toasts"
    assert "Write a message" in response.text
    assert len(messages_of(session, conversation)) == 1


def test_posting_without_the_csrf_token_is_forbidden_and_changes_nothing(
    client: TestClient, make: Factories, session: Session, csrf: str
) -> None:
    conversation = make.conversation()

    reply = client.post(
        f"/conversations/{conversation.id}/replies",
        data={"kind": "reply", "body": "Sneaky"},
        follow_redirects=False,
    )
    status = client.post(
        f"/conversations/{conversation.id}/status",
        data={"status": "closed", "csrf_token": "forged"},
        follow_redirects=False,
    )

    assert (reply.status_code, status.status_code) == (403, 403)
    assert len(messages_of(session, conversation)) == 1
    assert status_of(session, conversation) == "new"


def test_forbidden_status_change_shows_an_error_toast(
    client: TestClient, make: Factories, session: Session, csrf: str
) -> None:
    conversation = make.conversation()
    client.post(
        f"/conversations/{conversation.id}/status", data={"status": "resolved"}, headers=htmx(csrf)
    )

    response = client.post(
        f"/conversations/{conversation.id}/status", data={"status": "pending"}, headers=htmx(csrf)
    )

    assert response.status_code == 409
    assert response.headers["HX-Retarget"] == "#toasts"
    assert 'class="toast toast-error" role="alert"' in response.text
    assert "cannot move from resolved to pending" in response.text
    assert status_of(session, conversation) == "resolved"


def test_forbidden_status_change_without_javascript_is_an_error_page(
    client: TestClient, make: Factories, csrf: str
) -> None:
    conversation = make.conversation()
    client.post(
        f"/conversations/{conversation.id}/status", data={"status": "closed", "csrf_token": csrf}
    )

    response = client.post(
        f"/conversations/{conversation.id}/status", data={"status": "pending", "csrf_token": csrf}
    )

    assert response.status_code == 409
    assert "cannot move from closed to pending" in response.text


def test_side_panel_changes_are_logged_as_sentences(
    client: TestClient, make: Factories, session: Session, agent: Agent, csrf: str
) -> None:
    colleague = make.agent(name="Katherine Johnson")
    conversation = make.conversation(tags=("old",))
    url = f"/conversations/{conversation.id}"

    client.post(f"{url}/assignee", data={"assignee_id": str(colleague.id)}, headers=htmx(csrf))
    client.post(f"{url}/priority", data={"priority": "urgent"}, headers=htmx(csrf))
    client.post(f"{url}/tags", data={"tags": "Refund, vip , "}, headers=htmx(csrf))
    client.post(f"{url}/status", data={"status": "on_hold"}, headers=htmx(csrf))
    last = client.post(f"{url}/assignee", data={"assignee_id": ""}, headers=htmx(csrf))

    text = timeline_text(last.text)
    assert "Grace Hopper assigned the conversation to Katherine Johnson" in text
    assert "Grace Hopper changed the priority from Normal to Urgent" in text
    assert "Grace Hopper added refund vip and removed old" in text
    assert "Grace Hopper changed the status from New to On hold" in text
    assert "Grace Hopper unassigned Katherine Johnson" in text
    session.expire_all()
    saved = session.get_one(Conversation, conversation.id)
    assert (saved.assignee_id, saved.priority, saved.status) == (None, "urgent", "on_hold")


def test_saved_reply_is_filled_and_appended_to_the_draft(
    client: TestClient,
    make: Factories,
    session: Session,
    agent: Agent,
    clock: FixedClock,
    csrf: str,
) -> None:
    conversation = make.conversation(customer=make.customer(name="Ada Lovelace"))
    saved = SavedReply(
        title="Thanks",
        body="Hi {{ customer.first_name }}, {{ agent.name }} here.",
        usage_count=0,
        created_at=clock.now(),
    )
    session.add(saved)
    session.flush()

    page = client.get(f"/conversations/{conversation.id}").text
    response = client.get(
        f"/conversations/{conversation.id}/saved-reply",
        params={"saved_reply_id": saved.id, "body": "Draft"},
        headers={"HX-Request": "true"},
    )

    assert f'<option value="{saved.id}">Thanks</option>' in page
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<textarea id="reply-body" name="body"')
    assert ">Draft\n\nHi Ada, Grace Hopper here.</textarea>" in response.text
    session.expire_all()
    assert session.get_one(SavedReply, saved.id).usage_count == 1


def test_a_conversation_that_does_not_exist_is_404(client: TestClient, csrf: str) -> None:
    response = client.get("/conversations/999999")

    assert response.status_code == 404
    assert "does not exist" in response.text


def test_customer_card_links_to_the_customer(
    client: TestClient, make: Factories, csrf: str
) -> None:
    customer = make.customer(name="Ada Lovelace", email="ada@example.com")
    conversation = make.conversation(customer=customer)

    page = client.get(f"/conversations/{conversation.id}").text

    assert f'<a href="/customers/{customer.id}">Ada Lovelace</a>' in page
    assert "ada@example.com" in page
