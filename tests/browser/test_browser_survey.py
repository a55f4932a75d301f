"""The scanner-proof survey in headless Chromium: opening a link records nothing; submit does."""

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from goodwill.conversations.models import Conversation
from goodwill.conversations.schemas import ConversationCreate, CustomerRef, MessageCreate
from goodwill.conversations.services.open import open_conversation
from goodwill.core.db import Database
from goodwill.customers.models import IdentityKind
from goodwill.customers.schemas import CustomerCreate, IdentityIn
from goodwill.customers.service import create_customer
from goodwill.settings import Settings
from goodwill.surveys.links import survey_link
from goodwill.surveys.models import SurveyInvitation, SurveyResponse
from support.survey_answers import csat_template, invitation

LIVE_SECRET_KEY = "browser-tests-secret-0123456789abcdef"  # tests/browser/conftest.py SECRET_KEY


@dataclass(frozen=True)
class Invited:
    invitation_id: int
    nonce: str


@pytest.fixture
def invited(live_database: Database) -> Invited:
    """Committed: a CSAT template, Maria's conversation and a survey invitation for it."""
    suffix = uuid.uuid4().hex[:8]
    now = datetime.now(UTC)
    with live_database.transaction() as session:
        csat_template(session, now=now)
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
        conversation: Conversation = open_conversation(
            session,
            actor=None,
            now=now,
            data=ConversationCreate(
                subject=f"Kettle broken ({suffix})",
                customer=CustomerRef(id=customer.id),
                message=MessageCreate(body_text="My kettle arrived broken."),
            ),
        )
        session.flush()
        row = invitation(session, conversation, now=now)
    return Invited(row.id, row.nonce)


def answers(database: Database, invited: Invited) -> list[SurveyResponse]:
    with database.reader() as session:
        query = select(SurveyResponse).where(SurveyResponse.invitation_id == invited.invitation_id)
        return list(session.scalars(query))


def link(live_server: str, invited: Invited, score: int) -> str:
    settings = Settings(secret_key=LIVE_SECRET_KEY, base_url=live_server, _env_file=None)  # type: ignore[call-arg]
    return survey_link(settings, SurveyInvitation(nonce=invited.nonce), score)


@pytest.mark.browser
def test_opening_the_link_preselects_and_only_submit_records_then_changes(
    page: Page, live_server: str, live_database: Database, invited: Invited
) -> None:
    page.goto(link(live_server, invited, 2))
    expect(
        page.get_by_role("group", name="How would you rate the support you received?")
    ).to_be_visible()
    expect(page.locator("#score-2")).to_be_checked()
    expect(page.locator("#score-4")).not_to_be_checked()
    expect(page.locator("#survey-reasons")).to_be_visible()
    assert answers(live_database, invited) == []  # a scanner opening the link records nothing
    with live_database.reader() as session:
        opened = session.get(SurveyInvitation, invited.invitation_id)
        assert opened is not None and opened.opened_at is not None

    page.get_by_label("It was slow").check()
    page.get_by_label("My problem is not resolved").check()
    page.get_by_label("Tell us more").fill("Two weeks without a kettle.")
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()
    expect(page.locator("#survey-answer")).to_have_text("2")
    [first] = answers(live_database, invited)
    assert (first.score, first.reasons) == (2, ["slow", "not_resolved"])
    assert first.comment == "Two weeks without a kettle."

    page.get_by_role("link", name="Change my answer").click()
    expect(page).to_have_url(re.compile(r"/s/[^/?]+$"))
    expect(page.locator("#score-2")).to_be_checked()
    expect(page.get_by_label("It was slow")).to_be_checked()
    page.locator("label[for='score-4']").click()
    expect(page.locator("#survey-reasons")).to_be_hidden()  # reasons are for low ratings
    page.get_by_role("button", name="Send my answer").click()
    expect(page.locator("#survey-answer")).to_have_text("4")

    [changed] = answers(live_database, invited)
    assert changed.id == first.id
    assert (changed.score, changed.reasons) == (4, [])
    assert changed.answered_at == first.answered_at and changed.updated_at > first.updated_at


@pytest.mark.browser
def test_a_tampered_link_says_so(page: Page, live_server: str, invited: Invited) -> None:
    good = link(live_server, invited, 5)
    token = good.split("/s/")[1].split("?")[0]
    signature_start = token.rindex(".") + 1
    flipped = "A" if token[signature_start] != "A" else "B"
    tampered = token[:signature_start] + flipped + token[signature_start + 1 :]
    answer = page.goto(f"{live_server}/s/{tampered}?score=5")
    assert answer is not None and answer.status == 404
    expect(page.get_by_role("heading", name="Survey link not valid")).to_be_visible()
    expect(page.get_by_text("This survey link is not valid")).to_be_visible()
