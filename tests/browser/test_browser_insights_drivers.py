"""The Drivers tab in headless Chromium: a manager reads the effects of each factor in words,
then narrows the filter to one channel and is told politely that there are too few answers."""

import re
import sys
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from factories import Factories
from goodwill.agents.roles import Role
from goodwill.core.clock import FixedClock
from goodwill.core.db import Database

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "insights"))
from drivers_facts import add_rated_facts

PASSWORD = "correct horse battery"
START = date(2019, 3, 4)  # a period no other test writes facts into
QUERY = "start=2019-03-04&end=2019-04-14"


@pytest.fixture
def manager_email(live_database: Database) -> str:
    """Committed: a manager, and 240 rated conversations (about 80 per channel) in the period."""
    with live_database.transaction() as session:
        make = Factories(session, FixedClock(datetime(2019, 4, 15, tzinfo=UTC)))
        email = f"dora-{uuid.uuid4().hex[:8]}@example.com"
        make.agent(role=Role.MANAGER, email=email, name="Dora Drivers", password=PASSWORD)
        add_rated_facts(make, 240, seed=12, start=START)
    return email


@pytest.mark.browser
def test_read_the_drivers_then_narrow_to_one_channel(
    page: Page, live_server: str, manager_email: str
) -> None:
    page.goto(f"{live_server}/login")
    page.get_by_label("Email").fill(manager_email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/login"))

    page.goto(f"{live_server}/insights/drivers?{QUERY}")
    expect(page.get_by_role("link", name="Drivers")).to_have_attribute("aria-current", "page")
    csat = page.locator("#drivers-csat")
    expect(csat.get_by_role("heading", name="Drivers of CSAT")).to_be_visible()
    slow = csat.locator("tr", has_text="A first reply after more than 4 business hours")
    expect(slow).to_contain_text("fewer CSAT points (95% CI")
    expect(csat.locator("svg.chart")).to_be_visible()
    expect(page.locator("#drivers-caveat")).to_contain_text("not proof of cause")

    page.get_by_label("Channel").select_option("chat")
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"/insights/drivers\?.*channel=chat"))
    expect(page.locator("#drivers-csat")).to_contain_text("at least 100 are needed")
    expect(page.locator("#drivers-csat svg.chart")).to_have_count(0)
    link = page.locator("#drivers-csat").get_by_role("link", name="Download this table (CSV)")
    expect(link).to_have_attribute(
        "href", re.compile(r"/insights/tables/drivers/csat\.csv\?.*channel=chat")
    )
