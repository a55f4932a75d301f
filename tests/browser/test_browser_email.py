"""A received email in headless Chromium: quoted history hidden, shown on demand, original kept."""

import re
import uuid
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect

from goodwill.agents.roles import Role
from goodwill.agents.service import create_agent
from goodwill.core.db import Database
from goodwill.mail.services.accept import accept_raw_mail
from goodwill.mail.services.intake import process_inbound_mail
from goodwill.settings import Settings
from support.mail_builders import raw_email

PASSWORD = "correct horse battery"
BODY = (
    "The replacement kettle leaks too.\n\n"
    "On Mon, 2 Mar 2026 at 09:00, Support wrote:\n> We have sent you a replacement.\n"
)


@pytest.mark.browser
def test_an_agent_reads_the_new_text_and_can_open_the_history(
    page: Page, live_server: str, live_database: Database, file_database_url: str
) -> None:
    suffix = uuid.uuid4().hex[:8]
    now = datetime.now(UTC)
    settings = Settings(
        database_url=file_database_url,
        secret_key="browser-tests-secret-0123456789abcdef",
        email_backend="capture",
        _env_file=None,
    )
    with live_database.transaction() as session:
        manager = create_agent(
            session,
            email=f"lead-{suffix}@example.com",
            password=PASSWORD,
            role=Role.MANAGER,
            name="Lead Agent",
            now=now,
        )
        raw = raw_email(
            sender=f"Maria Lopez <maria-{suffix}@customer.example>",
            message_id=f"<{suffix}@customer.example>",
            body=BODY,
        )
        inbound = accept_raw_mail(session, raw, source="smtp", now=now, process=False)
        process_inbound_mail(session, inbound, settings=settings, now=now)
        conversation_id = inbound.conversation_id

    page.goto(f"{live_server}/login")
    page.get_by_label("Email").fill(manager.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/inbox$"))
    page.goto(f"{live_server}/conversations/{conversation_id}")

    customer_message = page.locator("#timeline .message-customer").first
    expect(customer_message).to_contain_text("The replacement kettle leaks too.")
    expect(customer_message).not_to_contain_text("We have sent you a replacement.")
    customer_message.get_by_role("button", name="Show quoted text").click()
    expect(customer_message.locator(".quoted-history")).to_contain_text(
        "We have sent you a replacement."
    )
    expect(customer_message.get_by_role("button", name="Show quoted text")).to_have_count(0)
    with page.expect_download() as download:
        customer_message.get_by_role("link", name="Original email").click()
    assert download.value.suggested_filename.endswith(".eml")
