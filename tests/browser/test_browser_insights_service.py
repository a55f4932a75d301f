"""The service dashboard in headless Chromium: filter by a tag, read the numbers, click one and
land on the list of exactly those conversations (facts built by the real facts builder)."""

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect

from goodwill.agents.roles import Role
from goodwill.agents.service import create_agent
from goodwill.channels.kinds import ChannelKind
from goodwill.conversations.schemas import ConversationCreate, CustomerRef, MessageCreate
from goodwill.conversations.services.open import open_conversation
from goodwill.core.db import Database
from goodwill.customers.models import IdentityKind
from goodwill.customers.schemas import CustomerCreate, IdentityIn
from goodwill.customers.service import create_customer
from goodwill.insights.services.facts import refresh_facts

PASSWORD = "correct horse battery"
CHANNELS = (
    ChannelKind.EMAIL,
    ChannelKind.EMAIL,
    ChannelKind.EMAIL,
    ChannelKind.CHAT,
    ChannelKind.CHAT,
)


@dataclass(frozen=True)
class Desk:
    manager_email: str
    tag: str
    chat_subjects: tuple[str, ...]
    email_subjects: tuple[str, ...]


@pytest.fixture
def desk(live_database: Database) -> Desk:
    """Committed: a manager and five conversations (three email, two chat) under a fresh tag."""
    suffix = uuid.uuid4().hex[:8]
    now = datetime.now(UTC)
    tag = f"svc-{suffix}"
    subjects: dict[ChannelKind, list[str]] = {ChannelKind.EMAIL: [], ChannelKind.CHAT: []}
    with live_database.transaction() as session:
        manager = create_agent(
            session,
            email=f"meg-{suffix}@example.com",
            password=PASSWORD,
            role=Role.MANAGER,
            name="Meg Manager",
            now=now,
        )
        customer = create_customer(
            session,
            now=now,
            data=CustomerCreate(
                name="Olu Ade",
                identities=[IdentityIn(kind=IdentityKind.EMAIL, value=f"olu-{suffix}@example.com")],
            ),
        )
        ids = []
        for number, channel in enumerate(CHANNELS):
            subject = f"{channel.value} question {number} ({suffix})"
            subjects[channel].append(subject)
            conversation = open_conversation(
                session,
                actor=None,
                now=now,
                data=ConversationCreate(
                    subject=subject,
                    customer=CustomerRef(id=customer.id),
                    channel=channel,
                    tags=[tag],
                    message=MessageCreate(body_text="Hello, where is my order?"),
                ),
            )
            ids.append(conversation.id)
        session.flush()
        assert refresh_facts(session, ids, now) == len(CHANNELS)
    return Desk(
        manager.email, tag, tuple(subjects[ChannelKind.CHAT]), tuple(subjects[ChannelKind.EMAIL])
    )


@pytest.mark.browser
def test_filter_then_click_a_number_to_see_its_conversations(
    page: Page, live_server: str, desk: Desk
) -> None:
    page.goto(f"{live_server}/login")
    page.get_by_label("Email").fill(desk.manager_email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/login"))

    page.goto(f"{live_server}/insights")
    expect(page).to_have_url(re.compile(r"/insights/service"))
    page.get_by_label("Tag").select_option(label=desk.tag)
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"tag_id=\d+"))

    volume = page.locator("table[data-table='volume']")
    expect(volume.locator("tr", has_text="Total").locator("a.drill").first).to_have_text("5")
    backlog = page.locator("table[data-table='backlog']")
    expect(backlog.locator("tr", has_text="Total").locator("a.drill")).to_have_text("5")

    volume.locator("tr", has_text="chat").locator("a.drill").first.click()
    expect(page).to_have_url(re.compile(r"/insights/conversations\?.*channel=chat"))
    expect(page.get_by_role("heading", name=re.compile("2 conversations"))).to_be_visible()
    rows = page.locator("table.drill-list tbody tr")
    expect(rows).to_have_count(2)
    for subject in desk.chat_subjects:
        expect(page.locator("table.drill-list")).to_contain_text(subject)
    expect(page.locator("table.drill-list")).not_to_contain_text(desk.email_subjects[0])
    rows.first.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/conversations/\d+$"))
