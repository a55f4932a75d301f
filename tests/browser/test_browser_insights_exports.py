"""In Chromium: a manager opens Exports & reports, filters by channel, downloads the CSV and it
holds the conversation's facts; the Parquet link downloads a Parquet file."""

import csv
import io
import re
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from goodwill.agents.roles import Role
from goodwill.agents.service import create_agent
from goodwill.conversations.schemas import ConversationCreate, CustomerRef, MessageCreate
from goodwill.conversations.services.open import open_conversation
from goodwill.core.db import Database
from goodwill.customers.models import IdentityKind
from goodwill.customers.schemas import CustomerCreate, IdentityIn
from goodwill.customers.service import create_customer
from goodwill.insights.models import ConversationFact

PASSWORD = "correct horse battery"


def seed(database: Database) -> tuple[str, int, str]:
    """Committed: a manager, and one chat conversation with its facts row opened now."""
    suffix = uuid.uuid4().hex[:8]
    now = datetime.now(UTC)
    with database.transaction() as session:
        manager = create_agent(
            session,
            email=f"mona-{suffix}@example.com",
            password=PASSWORD,
            role=Role.MANAGER,
            name="Mona Manager",
            now=now,
        )
        customer = create_customer(
            session,
            now=now,
            data=CustomerCreate(
                name="Maria",
                identities=[IdentityIn(kind=IdentityKind.EMAIL, value=f"m-{suffix}@example.com")],
            ),
        )
        conversation = open_conversation(
            session,
            actor=None,
            now=now,
            data=ConversationCreate(
                subject=f"Export me {suffix}",
                customer=CustomerRef(id=customer.id),
                channel="chat",
                message=MessageCreate(body_text="Hello"),
            ),
        )
        session.flush()
        fact = session.get(ConversationFact, conversation.id) or ConversationFact(
            conversation_id=conversation.id
        )
        for name, value in {
            "customer_id": customer.id,
            "opened_at": now,
            "opened_on": now.date(),
            "channel": "chat",
            "priority": "normal",
            "status": "resolved",
            "segment": "new",
            "csat": 5,
            "sla_breached": True,
            "refreshed_at": now,
        }.items():
            setattr(fact, name, value)
        session.add(fact)
        return manager.email, conversation.id, conversation.reference


@pytest.mark.browser
def test_a_manager_downloads_the_filtered_csv_and_the_parquet(
    page: Page, live_server: str, live_database: Database
) -> None:
    email, conversation_id, reference = seed(live_database)
    page.goto(f"{live_server}/insights/exports")
    expect(page).to_have_url(re.compile(r"/login\?next=/insights/exports$"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/insights/exports$"))
    expect(page.get_by_role("heading", name="Export conversations")).to_be_visible()
    page.get_by_label("Channel").select_option("chat")
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"channel=chat"))
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download CSV").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    text = Path(download.path()).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows and all(row["channel"] == "chat" for row in rows)
    mine = next(row for row in rows if int(row["conversation_id"]) == conversation_id)
    assert (mine["reference"], mine["csat"], mine["sla_breached"]) == (reference, "5", "true")
    with page.expect_download() as parquet_info:
        page.get_by_role("link", name="Download Parquet").click()
    data = Path(parquet_info.value.path()).read_bytes()
    assert data[:4] == b"PAR1" and data[-4:] == b"PAR1"
