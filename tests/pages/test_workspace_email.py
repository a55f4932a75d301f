"""Received email in the workspace: hidden quoted history on demand, the original, failures."""

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from workspace_client import htmx

from factories import Factories
from goodwill.agents.models import Agent
from goodwill.conversations.models import Conversation
from goodwill.core.clock import FixedClock
from goodwill.mail.models import InboundMail
from goodwill.mail.services.accept import accept_raw_mail
from goodwill.mail.services.intake import process_inbound_mail
from goodwill.settings import Settings
from support.mail_builders import bounce_email, raw_email

BODY = (
    "The replacement is also broken.\n\n"
    "On Mon, 2 Mar 2026 at 09:00, Support wrote:\n> Please try the reset button.\n"
)


def receive(session: Session, settings: Settings, clock: FixedClock, raw: bytes) -> InboundMail:
    inbound = accept_raw_mail(session, raw, source="smtp", now=clock.now(), process=False)
    process_inbound_mail(session, inbound, settings=settings, now=clock.now())
    session.flush()
    return inbound


def test_quoted_history_is_hidden_until_asked_for(
    client: TestClient, session: Session, settings: Settings, clock: FixedClock, csrf: str
) -> None:
    inbound = receive(session, settings, clock, raw_email(body=BODY))
    page = client.get(f"/conversations/{inbound.conversation_id}")
    assert page.status_code == 200
    assert "The replacement is also broken." in page.text
    assert "Please try the reset button" not in page.text
    assert "Show quoted text" in page.text and "Automatic" not in page.text
    full = client.get(f"/messages/{inbound.message_id}/full", headers=htmx(csrf))
    assert full.status_code == 200
    assert "Please try the reset button" in full.text


def test_the_original_downloads_byte_for_byte(
    client: TestClient, session: Session, settings: Settings, clock: FixedClock, csrf: str
) -> None:
    raw = raw_email(body=BODY)
    inbound = receive(session, settings, clock, raw)
    response = client.get(f"/messages/{inbound.message_id}/original")
    assert response.status_code == 200
    assert response.content == raw
    assert response.headers["content-type"].startswith("message/rfc822")
    assert "attachment" in response.headers["content-disposition"]


def test_agents_outside_the_team_cannot_read_the_original(
    client: TestClient,
    session: Session,
    settings: Settings,
    clock: FixedClock,
    make: Factories,
    agent: Agent,
    csrf: str,
) -> None:
    inbound = receive(session, settings, clock, raw_email(body=BODY))
    conversation_team = make.team(name="Billing")
    conversation = session.get(Conversation, inbound.conversation_id)
    assert conversation is not None
    conversation.team_id = conversation_team.id
    conversation.assignee_id = None
    session.flush()
    assert client.get(f"/messages/{inbound.message_id}/original").status_code == 404
    assert client.get(f"/messages/{inbound.message_id}/full").status_code == 404


def test_a_bounce_shows_as_a_delivery_failure(
    client: TestClient, session: Session, settings: Settings, clock: FixedClock, csrf: str
) -> None:
    inbound = receive(session, settings, clock, raw_email())
    bounce = bounce_email(
        original_message_id="m1@customer.example", recipient="maria@customer.example"
    )
    receive(session, settings, clock, bounce)
    page = client.get(f"/conversations/{inbound.conversation_id}")
    assert "Delivery failed" in page.text
    assert "maria@customer.example" in page.text
