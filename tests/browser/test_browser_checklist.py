"""The five-step checklist under the reply box, live in headless Chromium: advice, never a gate."""

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect

from goodwill.agents.roles import Role
from goodwill.agents.service import create_agent
from goodwill.conversations.models import SavedReply
from goodwill.conversations.schemas import ConversationCreate, CustomerRef, MessageCreate
from goodwill.conversations.services.open import open_conversation
from goodwill.core.db import Database
from goodwill.customers.models import IdentityKind
from goodwill.customers.schemas import CustomerCreate, IdentityIn
from goodwill.customers.service import create_customer

PASSWORD = "correct horse battery"


@dataclass(frozen=True)
class Ticket:
    email: str
    conversation_id: int
    greeting_title: str


@pytest.fixture
def ticket(live_database: Database) -> Ticket:
    """Committed: an agent and Maria's conversation assigned to them, not yet answered."""
    suffix = uuid.uuid4().hex[:8]
    now = datetime.now(UTC)
    with live_database.transaction() as session:
        agent = create_agent(
            session,
            email=f"sam-{suffix}@example.com",
            password=PASSWORD,
            role=Role.AGENT,
            name="Sam Agent",
            now=now,
        )
        customer = create_customer(
            session,
            now=now,
            data=CustomerCreate(
                name="Maria Garcia",
                identities=[
                    IdentityIn(kind=IdentityKind.EMAIL, value=f"maria-{suffix}@example.com")
                ],
            ),
        )
        conversation = open_conversation(
            session,
            actor=None,
            now=now,
            data=ConversationCreate(
                subject=f"Parcel never came ({suffix})",
                customer=CustomerRef(id=customer.id),
                assignee_id=agent.id,
                message=MessageCreate(body_text="Hello, my parcel never came. Maria"),
            ),
        )
        title = f"Greeting {suffix}"
        body = "Hi {{ customer.first_name }}, thanks for getting in touch."
        session.add(SavedReply(title=title, body=body, usage_count=0, created_at=now))
    return Ticket(agent.email, conversation.id, title)


def sign_in(page: Page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/inbox$"))


@pytest.mark.browser
def test_the_checklist_follows_the_draft_and_never_blocks_sending(
    page: Page, live_server: str, ticket: Ticket
) -> None:
    sign_in(page, live_server, ticket.email)
    page.goto(f"{live_server}/conversations/{ticket.conversation_id}")
    acknowledgement = page.locator("#reply-checklist [data-step='acknowledgement']")
    expect(acknowledgement).to_have_attribute("data-state", "missing")  # loaded with the page
    expect(acknowledgement).to_contain_text("Greet Maria by name")

    body = page.locator("#reply-body")
    body.press_sequentially("Hi Maria, ", delay=20)
    expect(acknowledgement).to_have_attribute("data-state", "covered_by_draft")
    expect(acknowledgement).to_contain_text("covered by the draft")

    body.fill("")
    expect(acknowledgement).to_have_attribute("data-state", "missing")
    body.press_sequentially("Your parcel ships today.", delay=10)
    expect(acknowledgement).to_have_attribute("data-state", "missing")
    expect(page.locator("#reply-checklist [data-state='missing']").first).to_be_visible()
    expect(page.get_by_role("button", name="Send")).to_be_enabled()

    page.get_by_role("button", name="Send").click()
    expect(page.locator("#toasts")).to_contain_text("Reply sent.")
    expect(page.locator("#timeline .message-agent").last).to_contain_text(
        "Your parcel ships today."
    )
    expect(page.locator("#reply-body")).to_have_value("")
    # The new composer loads its checklist again: the reply sent did not greet, so still missing.
    expect(acknowledgement).to_have_attribute("data-state", "missing")


@pytest.mark.browser
def test_the_checklist_hides_for_internal_notes(
    page: Page, live_server: str, ticket: Ticket
) -> None:
    sign_in(page, live_server, ticket.email)
    page.goto(f"{live_server}/conversations/{ticket.conversation_id}")
    checklist = page.locator("#reply-checklist")
    expect(checklist.locator("[data-step]")).to_have_count(5)
    page.get_by_text("Internal note", exact=True).click()
    expect(checklist).to_be_hidden()
    page.get_by_text("Reply to customer", exact=True).click()
    expect(checklist).to_be_visible()


@pytest.mark.browser
def test_inserting_a_saved_reply_updates_the_checklist(
    page: Page, live_server: str, ticket: Ticket
) -> None:
    sign_in(page, live_server, ticket.email)
    page.goto(f"{live_server}/conversations/{ticket.conversation_id}")
    acknowledgement = page.locator("#reply-checklist [data-step='acknowledgement']")
    expect(acknowledgement).to_have_attribute("data-state", "missing")
    page.get_by_label("Insert saved reply").select_option(label=ticket.greeting_title)
    expect(page.locator("#reply-body")).to_have_value("Hi Maria, thanks for getting in touch.")
    expect(acknowledgement).to_have_attribute("data-state", "covered_by_draft")
