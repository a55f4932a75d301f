"""The Root cause dashboard in headless Chromium: shares, the evidence, and a number that opens
the drill-down of the conversations behind it."""

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from playwright.sync_api import Page, expect

from goodwill.agents.roles import Role
from goodwill.agents.service import create_agent
from goodwill.core.db import Database
from support.committed_facts import conversation_with_facts

PASSWORD = "correct horse battery"
PERIOD = "start=2022-03-01&end=2022-03-31"  # a month no other browser test uses
# (day of March 2022, csat, cause, detail, evidence)
FACTS = (
    (3, 1, "service", "broken_promise", 'comment: "you promised"'),
    (9, 2, "service", "attitude", 'comment: "rude"'),
    (17, 1, "product", "defect", 'comment: "stopped working"'),
    (21, 5, None, None, None),
)


@dataclass(frozen=True)
class Manager:
    email: str
    suffix: str


@pytest.fixture
def manager(live_database: Database) -> Manager:
    """Committed: a manager and four rated conversations opened in March 2022, three unhappy."""
    suffix = uuid.uuid4().hex[:8]
    now = datetime.now(UTC)
    with live_database.transaction() as session:
        agent = create_agent(
            session,
            email=f"mina-{suffix}@example.com",
            password=PASSWORD,
            role=Role.MANAGER,
            name="Mina Manager",
            now=now,
        )
        for day, csat, cause, detail, evidence in FACTS:
            conversation_with_facts(
                session,
                day=date(2022, 3, day),
                now=now,
                subject=f"Kettle {day} ({suffix})",
                csat=csat,
                survey_sent=True,
                survey_answered=True,
                cause=cause,
                cause_detail=detail,
                cause_evidence=evidence,
            )
        email = agent.email
    return Manager(email, suffix)


def sign_in(page: Page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/inbox")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/inbox$"))


@pytest.mark.browser
def test_a_manager_sees_why_customers_are_unhappy_and_drills_in(
    page: Page, live_server: str, manager: Manager
) -> None:
    sign_in(page, live_server, manager.email)
    page.goto(f"{live_server}/insights/causes?{PERIOD}")
    expect(page.get_by_role("link", name="Root cause")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("img", name="Unhappy conversations by detail")).to_be_visible()
    summary = page.locator("table[data-table='summary']")
    service = summary.get_by_role("row").filter(has_text="Service")
    expect(service).to_contain_text("66.7")
    evidence = page.locator("table[data-table='unhappy_conversations']")
    expect(evidence).to_contain_text('comment: "you promised"')
    expect(evidence).to_contain_text(f"Kettle 17 ({manager.suffix})")
    service.get_by_role("link", name="2").first.click()
    expect(page).to_have_url(
        re.compile(
            r"/insights/conversations\?start=2022-03-01&end=2022-03-31&col=cause&op=eq&val=service$"
        )
    )
    expect(page.get_by_text(f"Kettle 3 ({manager.suffix})")).to_be_visible()
    expect(page.get_by_text(f"Kettle 9 ({manager.suffix})")).to_be_visible()
    expect(page.get_by_text(f"Kettle 17 ({manager.suffix})")).to_have_count(0)
