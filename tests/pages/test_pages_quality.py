"""Coaching pages: an agent's own scorecard, a manager's teams and agents, a team page, and the
quality card of the conversation page."""

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from workspace_client import PASSWORD, SignIn

from factories import Factories
from goodwill.agents.models import Agent
from goodwill.agents.roles import Role
from goodwill.core.clock import FixedClock
from goodwill.quality.services.sweep import sweep_changed
from support.quality_threads import (
    CURT_THREAD,
    GOOD_THREAD,
    cheap_password_hashing,  # noqa: F401  (autouse)
    thread,
)


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_an_agent_is_taken_to_their_own_scorecard(
    client: TestClient,
    agent: Agent,
    csrf: str,
    make: Factories,
    session: Session,
    clock: FixedClock,
) -> None:
    team = make.team(name="Orders", members=(agent,))
    curt = thread(make, session, agent=agent, lines=CURT_THREAD, team=team)
    thread(make, session, agent=agent, lines=GOOD_THREAD, team=team)
    sweep_changed(session, now=clock.now())

    landing = client.get("/quality", follow_redirects=False)
    assert landing.status_code == 303
    assert landing.headers["location"].startswith(f"/quality/agents/{agent.id}")

    page = client.get(f"/quality/agents/{agent.id}")
    assert page.status_code == 200
    words = text_of(page.text)
    assert "Your scorecard" in words
    assert "2 scored conversations" in words
    assert "What to train next" in words
    assert "Acknowledgement" in words and "Promise broken" in words
    assert f'href="/conversations/{curt.id}"' in page.text  # the worst one, to review
    assert "<svg" in page.text and "Average total by week" in page.text
    assert re.search(r'<table class="table coaching-trend">', page.text)
    assert "https://" not in page.text  # nothing from a CDN


def test_agents_cannot_open_someone_elses_scorecard(
    client: TestClient, agent: Agent, csrf: str, make: Factories
) -> None:
    other = make.agent(name="Someone Else")
    page = client.get(f"/quality/agents/{other.id}")
    assert page.status_code == 403
    assert "your own scorecard" in page.text
    assert client.get("/quality/teams/1").status_code in (403, 404)


def test_a_manager_sees_their_teams_and_agents(
    client: TestClient, sign_in: SignIn, make: Factories, session: Session, clock: FixedClock
) -> None:
    manager = make.agent(role=Role.MANAGER, name="Sarah Okafor", password=PASSWORD)
    tom = make.agent(name="Tom Whitaker")
    outsider = make.agent(name="Olivia Elsewhere")
    orders = make.team(name="Orders", members=(manager, tom))
    make.team(name="Billing", members=(outsider,))
    thread(make, session, agent=tom, lines=CURT_THREAD, team=orders)
    sweep_changed(session, now=clock.now())
    sign_in(manager)

    overview = text_of(client.get("/quality").text)
    assert "Coaching" in overview and "Orders" in overview and "Tom Whitaker" in overview
    assert "Billing" not in overview and "Olivia Elsewhere" not in overview

    team_page = client.get(f"/quality/teams/{orders.id}?weeks=4")
    assert team_page.status_code == 200
    assert f'href="/quality/agents/{tom.id}?weeks=4"' in team_page.text
    assert "1 scored conversation " in text_of(team_page.text)
    tom_page = client.get(f"/quality/agents/{tom.id}")
    assert tom_page.status_code == 200 and "Tom Whitaker: scorecard" in tom_page.text
    assert client.get(f"/quality/agents/{outsider.id}").status_code == 403


def test_the_conversation_page_loads_its_quality_card(
    client: TestClient, agent: Agent, csrf: str, make: Factories, session: Session
) -> None:
    team = make.team(members=(agent,))
    conversation = thread(make, session, agent=agent, lines=GOOD_THREAD, team=team)
    page = client.get(f"/conversations/{conversation.id}").text
    assert f'hx-get="/conversations/{conversation.id}/quality"' in page

    card = client.get(f"/conversations/{conversation.id}/quality", headers={"HX-Request": "true"})
    assert card.status_code == 200
    words = text_of(card.text)
    assert "Service quality" in words
    assert "scored just now" in words  # the worker has not saved it yet
    assert "Hi Ada" in words  # the evidence behind acknowledgement
    assert 'data-step="needs"' in card.text
    assert "No failure modes seen" in words


def test_the_quality_card_says_why_it_shows_no_score(
    client: TestClient, agent: Agent, csrf: str, make: Factories, session: Session
) -> None:
    colleague = make.agent(name="Colleague")
    team = make.team(members=(agent, colleague))
    theirs = thread(make, session, agent=colleague, lines=GOOD_THREAD, team=team)
    unanswered = make.conversation(team=team, body="Is anyone there?")

    card = text_of(client.get(f"/conversations/{theirs.id}/quality").text)
    assert "Shown to the agent it belongs to and their managers." in card
    card = text_of(client.get(f"/conversations/{unanswered.id}/quality").text)
    assert "Scored once an agent has replied." in card
