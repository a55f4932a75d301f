"""GET /api/v1/messages/{id}/original: a received email exactly as it arrived, within scope."""

from api_support import CallerFactory
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories import Factories
from goodwill.agents.roles import Role
from goodwill.conversations.models import Conversation, Message
from goodwill.core.clock import FixedClock
from goodwill.mail.services.accept import accept_raw_mail
from goodwill.mail.services.intake import process_inbound_mail
from goodwill.settings import Settings
from support.mail_builders import raw_email


def test_original_is_the_received_bytes_and_only_for_agents_in_scope(
    client: TestClient,
    session: Session,
    settings: Settings,
    clock: FixedClock,
    caller: CallerFactory,
    make: Factories,
) -> None:
    raw = raw_email()
    inbound = accept_raw_mail(session, raw, source="smtp", now=clock.now(), process=False)
    process_inbound_mail(session, inbound, settings=settings, now=clock.now())
    session.flush()
    manager = caller(Role.MANAGER)
    response = client.get(
        f"/api/v1/messages/{inbound.message_id}/original", headers=manager.headers
    )
    assert response.status_code == 200
    assert response.content == raw

    conversation = session.get(Conversation, inbound.conversation_id)
    assert conversation is not None
    conversation.team_id = make.team(name="Billing").id
    session.flush()
    outsider = caller(Role.AGENT)
    hidden = client.get(f"/api/v1/messages/{inbound.message_id}/original", headers=outsider.headers)
    assert hidden.status_code == 404


def test_a_message_that_did_not_arrive_by_email_has_no_original(
    client: TestClient, make: Factories, caller: CallerFactory, session: Session
) -> None:
    conversation = make.conversation()
    session.flush()
    message_id = session.scalars(
        select(Message.id).where(Message.conversation_id == conversation.id)
    ).first()
    response = client.get(
        f"/api/v1/messages/{message_id}/original", headers=caller(Role.MANAGER).headers
    )
    assert response.status_code == 404
    assert "did not arrive by email" in response.json()["detail"]
