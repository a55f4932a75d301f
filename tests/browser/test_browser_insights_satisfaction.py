"""The Satisfaction and Quality dashboards in headless Chromium: charts, tables, and a number
that opens the drill-down of the conversations behind it."""

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

import pytest
from playwright.sync_api import Page, expect

from goodwill.agents.roles import Role
from goodwill.agents.service import create_agent
from goodwill.core.db import Database
from support.committed_facts import conversation_with_facts

PASSWORD = "correct horse battery"
SCREENSHOT = "/tmp/goodwill-insights-satisfaction.png"
PERIOD = "start=2024-05-01&end=2024-05-31"
# (day of May 2024, csat, step_needs, quality_total)
FACTS = ((6, 5, "done", 100), (7, 2, "missed", 40), (15, 4, "done", 80))


@dataclass(frozen=True)
class Manager:
    email: str


@pytest.fixture
def manager(live_database: Database) -> Manager:
    """Committed: a manager and three scored, rated conversations opened in May 2024."""
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
        for day, csat, needs, total in FACTS:
            opened = datetime.combine(date(2024, 5, day), time(10), tzinfo=UTC)
            conversation_with_facts(
                session,
                day=opened.date(),
                now=now,
                subject=f"Kettle ({suffix})",
                resolved_at=opened,
                resolution_seconds=60,
                survey_sent=True,
                survey_answered=True,
                csat=csat,
                step_needs=needs,
                quality_total=total,
            )
        agent_email = agent.email
    return Manager(agent_email)


def sign_in(page: Page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/inbox")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/inbox$"))


@pytest.mark.browser
def test_a_manager_reads_both_dashboards_and_drills_into_a_number(
    page: Page, live_server: str, manager: Manager
) -> None:
    sign_in(page, live_server, manager.email)
    page.goto(f"{live_server}/insights/satisfaction?{PERIOD}")
    expect(page.get_by_role("link", name="Satisfaction")).to_have_attribute("aria-current", "page")
    expect(page.locator("svg.chart").first).to_be_visible()
    expect(page.get_by_role("img", name="CSAT by week (1-5)")).to_be_visible()
    summary = page.locator("table[data-table='summary']")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("row").filter(has_text="CSAT mean (1-5)")).to_contain_text("3.67")
    retention = page.locator("table[data-table='retention']")  # loaded after the page (HTMX)
    expect(retention.get_by_role("row").filter(has_text="Retention %")).to_be_visible()
    page.screenshot(path=SCREENSHOT, full_page=True)
    unhappy = summary.get_by_role("row").filter(has_text="CSAT unhappy answers (1-2)")
    unhappy.get_by_role("link").first.click()
    expect(page).to_have_url(
        re.compile(
            r"/insights/conversations\?start=2024-05-01&end=2024-05-31&col=csat&op=le&val=2$"
        )
    )

    page.goto(f"{live_server}/insights/quality?{PERIOD}")
    expect(page.get_by_role("img", name="Steps done, of applicable (%)")).to_be_visible()
    page.screenshot(path=SCREENSHOT.replace("satisfaction", "quality"), full_page=True)
    steps = page.locator("table[data-table='steps']")
    needs = steps.get_by_role("row").filter(has_text="Needs")
    expect(needs).to_contain_text("66.7")
    needs.get_by_role("link", name="66.7").click()
    expect(page).to_have_url(re.compile(r"col=step_needs&op=eq&val=missed$"))
