"""The agent workspace in headless Chromium: sign in, triage, reply, resolve, visit the customer."""

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
SCREENSHOT = "/tmp/goodwill-conversation.png"


@dataclass(frozen=True)
class Scenario:
    email: str
    conversation_id: int
    customer_id: int
    subject: str
    saved_reply_title: str


@pytest.fixture
def scenario(live_database: Database) -> Scenario:
    """Committed: an agent, a customer whose conversation is assigned to them, a saved reply."""
    suffix = uuid.uuid4().hex[:8]
    now = datetime.now(UTC)
    with live_database.transaction() as session:
        agent = create_agent(
            session,
            email=f"grace-{suffix}@example.com",
            password=PASSWORD,
            role=Role.AGENT,
            name="Grace Hopper",
            now=now,
        )
        customer = create_customer(
            session,
            now=now,
            data=CustomerCreate(
                name="Ada Lovelace",
                company="Analytical Engines",
                identities=[IdentityIn(kind=IdentityKind.EMAIL, value=f"ada-{suffix}@example.com")],
            ),
        )
        subject = f"Kettle will not boil ({suffix})"
        conversation = open_conversation(
            session,
            actor=None,
            now=now,
            data=ConversationCreate(
                subject=subject,
                customer=CustomerRef(id=customer.id),
                assignee_id=agent.id,
                tags=["hardware", "warranty"],
                message=MessageCreate(
                    body_text="Hello,\nmy new kettle will not boil any water.\nAda"
                ),
            ),
        )
        title = f"Warranty replacement {suffix}"
        session.add(
            SavedReply(
                title=title,
                usage_count=0,
                created_at=now,
                body="Hi {{ customer.first_name }}, we are sending a replacement today. "
                "{{ agent.name }}",
            )
        )
    return Scenario(agent.email, conversation.id, customer.id, subject, title)


def sign_in(page: Page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/inbox")
    expect(page).to_have_url(re.compile(r"/login\?next=/inbox$"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/inbox$"))


@pytest.mark.browser
def test_agent_replies_resolves_and_visits_the_customer(
    page: Page, live_server: str, scenario: Scenario
) -> None:
    sign_in(page, live_server, scenario.email)
    expect(page.get_by_role("heading", name="Inbox")).to_be_visible()
    page.get_by_role("link", name=scenario.subject).click()

    expect(page.get_by_role("heading", name=scenario.subject)).to_be_visible()
    expect(page.locator("#timeline")).to_contain_text("my new kettle will not boil")
    page.evaluate("window.__sameDocument = true")

    page.get_by_label("Insert saved reply").select_option(label=scenario.saved_reply_title)
    body = page.locator("#reply-body")
    expect(body).to_have_value("Hi Ada, we are sending a replacement today. Grace Hopper")
    body.press("End")
    body.type(" Sorry for the trouble!")
    page.get_by_role("button", name="Send").click()

    reply = page.locator("#timeline .message-agent").last
    expect(reply).to_contain_text("replacement today. Grace Hopper Sorry for the trouble!")
    expect(page.locator("#toasts")).to_contain_text("Reply sent.")
    expect(page.locator("#conversation-header .status")).to_have_text("Waiting on customer")
    expect(page.locator("#reply-body")).to_have_value("")
    assert page.evaluate("window.__sameDocument") is True, "the page reloaded"
    page.screenshot(path=SCREENSHOT, full_page=True)

    page.get_by_label("Status", exact=True).select_option("resolved")
    page.locator("form[action$='/status']").get_by_role("button", name="Save").click()
    expect(page.locator("#conversation-header .status")).to_have_text("Resolved")
    expect(page.locator("#timeline")).to_contain_text(
        "Grace Hopper changed the status from Waiting on customer to Resolved"
    )

    page.get_by_role("link", name="Ada Lovelace").first.click()
    expect(page).to_have_url(re.compile(rf"/customers/{scenario.customer_id}$"))
    expect(page.get_by_role("heading", name="Ada Lovelace")).to_be_visible()
    history = page.get_by_role("row").filter(has_text=scenario.subject)
    expect(history).to_contain_text("Resolved")


@pytest.mark.browser
def test_forbidden_status_change_shows_an_error_toast(
    page: Page, live_server: str, scenario: Scenario
) -> None:
    sign_in(page, live_server, scenario.email)
    page.goto(f"{live_server}/conversations/{scenario.conversation_id}")
    status = page.get_by_label("Status", exact=True)
    save = page.locator("form[action$='/status']").get_by_role("button", name="Save")
    status.select_option("resolved")
    save.click()
    expect(page.locator("#conversation-header .status")).to_have_text("Resolved")
    # The form offers only allowed moves; a stale page can still send a forbidden one.
    status.evaluate("select => select.add(new Option('Waiting on customer', 'pending'))")
    status.select_option("pending")
    save.click()

    toast = page.locator("#toasts .toast-error")
    expect(toast).to_contain_text("cannot move from resolved to pending")
    expect(page.locator("#conversation-header .status")).to_have_text("Resolved")
    toast.click()
    expect(toast).to_have_count(0)


@pytest.mark.browser
def test_wrong_password_and_sign_out(page: Page, live_server: str, scenario: Scenario) -> None:
    page.goto(f"{live_server}/login")
    page.get_by_label("Email").fill(scenario.email)
    page.get_by_label("Password").fill("wrong password!")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("Wrong email or password")

    sign_in(page, live_server, scenario.email)
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    page.goto(f"{live_server}/customers")
    expect(page).to_have_url(re.compile(r"/login\?next=/customers$"))
