"""Survey pages: settings and figures for managers, the "Send survey" button for agents."""

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from workspace_client import PASSWORD, SignIn

from factories import Factories
from goodwill.agents.models import Agent
from goodwill.agents.roles import Role
from goodwill.conversations.services.status_change import change_status
from goodwill.conversations.status import ConversationStatus
from goodwill.core.clock import FixedClock
from goodwill.surveys.models import SurveyInvitation, SurveyKind, SurveyTemplate
from goodwill.surveys.services.answer import record_answer
from support.survey_answers import invitation


def manager_in(make: Factories, sign_in: SignIn) -> tuple[Agent, str]:
    manager = make.agent(name="Mia Manager", role=Role.MANAGER, password=PASSWORD)
    return manager, sign_in(manager)


def test_a_manager_edits_the_csat_question_labels_reasons_and_rules(
    client: TestClient, sign_in: SignIn, session: Session, make: Factories
) -> None:
    _, csrf = manager_in(make, sign_in)
    page = client.get("/surveys/settings")
    assert page.status_code == 200
    assert "How likely are you to recommend us to a friend or colleague?" in page.text
    assert "1: Very dissatisfied" in page.text and "rude | Someone was rude | service" in page.text
    form = {
        "csrf_token": csrf,
        "question": "Did we help?",
        "labels": "1: Not at all\n5: Completely",
        "comment_prompt": "Tell us more",
        "reasons": "slow | Too slow | service\nprice | Too expensive | price",
        "trigger": "closed",
        "delay_minutes": "30",
        "expiry_days": "5",
        "sampling_percent": "25",
        "cooldown_days": "7",
        "relationship_months": "6",
        "is_enabled": "on",
    }
    saved = client.post("/surveys/settings/csat", data=form, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    template = session.scalars(select(SurveyTemplate).where(SurveyTemplate.kind == "csat")).one()
    session.refresh(template)
    assert (template.question, template.trigger, template.sampling_rate) == (
        "Did we help?",
        "closed",
        0.25,
    )
    assert template.labels == {"1": "Not at all", "5": "Completely"}
    assert [reason["group"] for reason in template.reasons] == ["service", "price"]
    assert template.is_enabled

    bad = client.post("/surveys/settings/csat", data=form | {"reasons": "slow, Too slow"})
    assert bad.status_code == 422 and "key | label | group" in bad.text
    off = client.post("/surveys/settings/csat", data=form | {"labels": "9: Wow"})
    assert off.status_code == 422
    unticked = {key: value for key, value in form.items() if key != "is_enabled"}
    client.post("/surveys/settings/csat", data=unticked, follow_redirects=False)
    session.refresh(template)
    assert not template.is_enabled


def test_the_figures_page_shows_coverage_response_rate_and_scores(
    client: TestClient, sign_in: SignIn, session: Session, make: Factories, clock: FixedClock
) -> None:
    manager_in(make, sign_in)
    conversations = [make.conversation() for _ in range(2)]
    for conversation in conversations:
        change_status(
            session, conversation, ConversationStatus.RESOLVED, now=clock.now(), actor_agent_id=None
        )
    record_answer(
        session, invitation(session, conversations[0], now=clock.now()), score=5, now=clock.now()
    )
    nps = invitation(session, make.conversation(), now=clock.now(), kind=SurveyKind.NPS)
    record_answer(session, nps, score=9, now=clock.now())
    session.flush()
    page = client.get("/surveys/stats", params={"start": "2026-03-01", "end": "2026-03-03"})
    assert page.status_code == 200, page.text
    assert '<td id="coverage">50.0%</td>' in page.text
    assert '<td id="response-rate">100.0%</td>' in page.text
    assert "100.0% satisfied (4-5)" in page.text and "NPS 100" in page.text


def test_agents_cannot_open_the_manager_pages(client: TestClient, csrf: str) -> None:
    assert client.get("/surveys/settings").status_code == 403
    assert client.get("/surveys/stats").status_code == 403
    assert (
        client.post(
            "/surveys/settings/csat", data={"csrf_token": csrf, "question": "x"}
        ).status_code
        == 403
    )


def test_an_agent_sends_a_survey_from_the_side_panel(
    client: TestClient,
    csrf: str,
    agent: Agent,
    session: Session,
    make: Factories,
    clock: FixedClock,
) -> None:
    conversation = make.conversation(team=make.team(members=(agent,)))
    assert "Send survey" not in client.get(f"/conversations/{conversation.id}").text
    change_status(
        session, conversation, ConversationStatus.RESOLVED, now=clock.now(), actor_agent_id=None
    )
    session.flush()
    assert "Send survey" in client.get(f"/conversations/{conversation.id}").text
    sent = client.post(
        f"/conversations/{conversation.id}/surveys",
        data={"csrf_token": csrf, "kind": "ces"},
        follow_redirects=False,
    )
    assert sent.status_code == 303, sent.text
    row = session.scalars(select(SurveyInvitation)).one()
    assert (row.kind, row.trigger, row.requested_by_agent_id) == ("ces", "agent", agent.id)
    assert row.message_id is not None
    without_token = client.post(f"/conversations/{conversation.id}/surveys", data={"kind": "csat"})
    assert without_token.status_code == 403
