"""Workspace pages: the review form, the rubric editor, calibration and the reply checklist."""

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from workspace_client import PASSWORD, SignIn, htmx

from factories import Factories
from goodwill.agents.models import Agent
from goodwill.agents.roles import Role
from goodwill.conversations.models import Conversation
from goodwill.conversations.schemas import MessageCreate, MessageKind
from goodwill.conversations.services.messages import add_message
from goodwill.core.clock import FixedClock
from goodwill.quality.models import STEPS, QualityReview, QualityRubric

ALL_DONE = dict.fromkeys(STEPS, "done")


@pytest.fixture
def manager(make: Factories) -> Agent:
    return make.agent(name="Mona Manager", role=Role.MANAGER, password=PASSWORD)


@pytest.fixture
def manager_csrf(sign_in: SignIn, manager: Agent) -> str:
    return sign_in(manager)


def reviews_of(session: Session, conversation: Conversation) -> list[QualityReview]:
    session.expire_all()
    query = select(QualityReview).where(QualityReview.conversation_id == conversation.id)
    return list(session.scalars(query))


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def checklist_states(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-step="(\w+)" data-state="(\w+)"', html))


# The review form -------------------------------------------------------------------------------


def test_a_manager_reviews_a_conversation_blind_then_sees_the_others(
    client: TestClient, make: Factories, manager: Agent, manager_csrf: str, session: Session
) -> None:
    conversation = make.conversation(subject="Broken kettle")
    other = make.agent(name="Otto Other", role=Role.MANAGER)
    session.add(
        QualityReview(
            conversation_id=conversation.id,
            reviewer_id=other.id,
            **(ALL_DONE | {"needs": "missed"}),
            failure_modes=[],
            step_comments={"needs": "Never asked which model"},
            comment="",
            total=80.0,
            created_at=conversation.created_at,
            updated_at=conversation.created_at,
        )
    )
    session.flush()
    page = client.get(f"/conversations/{conversation.id}/review")
    assert page.status_code == 200
    for label in ("Acknowledgement", "Rapport and trust", "Needs identified", "Genuine gratitude"):
        assert label in page.text
    assert "Never asked which model" not in page.text  # blind until you save yours
    assert "show once you save yours" in page.text

    form = ALL_DONE | {
        "csrf_token": manager_csrf,
        "gratitude": "na",
        "rapport": "missed",
        "comment_rapport": "Sounded scripted",
        "failure_modes": ["not_listening"],
        "comment": "Kind but generic.",
    }
    saved = client.post(
        f"/conversations/{conversation.id}/review", data=form, follow_redirects=False
    )
    assert saved.status_code == 303
    assert saved.headers["location"] == f"/conversations/{conversation.id}/review?saved=1"
    mine = next(r for r in reviews_of(session, conversation) if r.reviewer_id == manager.id)
    # Default weights: done 1 + 1 + 2 of 1 + 1 + 1 + 2 = 80, less 10 for not listening = 70.
    assert (mine.rapport, mine.gratitude, mine.total) == ("missed", "na", 70.0)
    assert mine.step_comments == {"rapport": "Sounded scripted"}
    assert mine.failure_modes == ["not_listening"]

    after = text_of(client.get(saved.headers["location"]).text)
    assert "Your review is saved. Total 70 / 100." in after
    assert "Otto Other (80 / 100)" in after and "Never asked which model" in after
    assert "Not scored automatically yet." in after
    assert "Update my review" in after


def test_an_incomplete_review_is_refused_with_what_to_fix(
    client: TestClient, make: Factories, manager_csrf: str, session: Session
) -> None:
    conversation = make.conversation()
    form = {"csrf_token": manager_csrf, "acknowledgement": "done", "comment": "Half done"}
    response = client.post(f"/conversations/{conversation.id}/review", data=form)
    assert response.status_code == 422
    assert (
        "Choose done, missed or not applicable for: Rapport and trust, Needs identified, "
        "Relevant solution, Genuine gratitude." in response.text
    )
    assert "Half done" in response.text  # what was typed is kept
    assert reviews_of(session, conversation) == []


def test_agents_cannot_review_and_forms_need_the_csrf_token(
    client: TestClient, make: Factories, csrf: str, session: Session
) -> None:
    conversation = make.conversation()
    assert client.get(f"/conversations/{conversation.id}/review").status_code == 403
    denied = client.post(
        f"/conversations/{conversation.id}/review", data=ALL_DONE | {"csrf_token": csrf}
    )
    assert denied.status_code == 403
    forged = client.post(f"/conversations/{conversation.id}/review", data=ALL_DONE)
    assert forged.status_code == 403
    assert reviews_of(session, conversation) == []


# The rubric editor -----------------------------------------------------------------------------


def test_agents_see_the_rubric_read_only(client: TestClient, csrf: str) -> None:
    page = client.get("/quality/rubric")
    assert page.status_code == 200
    assert "built in; nothing saved yet" in page.text
    assert 'name="weight_solution" min="0" max="100" step="0.5" value="2" disabled' in page.text
    assert "Save rubric" not in page.text
    posted = client.post("/quality/rubric", data={"csrf_token": csrf, "weight_needs": "3"})
    assert posted.status_code == 403


def test_a_manager_changes_weights_and_critical_steps(
    client: TestClient, manager_csrf: str, session: Session
) -> None:
    form = {f"weight_{step}": "1" for step in STEPS} | {
        "csrf_token": manager_csrf,
        "weight_solution": "4.5",
        "critical_needs": "1",
    }
    response = client.post("/quality/rubric", data=form, follow_redirects=False)
    assert response.status_code == 303
    session.expire_all()
    rubric = session.scalars(select(QualityRubric)).one()
    assert rubric.is_active and rubric.critical == ["needs"]
    assert rubric.weights["solution"] == 4.5
    page = client.get("/quality/rubric?saved=1").text
    assert "The rubric is saved." in page
    assert 'name="critical_needs" value="1" checked' in page

    bad = client.post("/quality/rubric", data=form | {"weight_rapport": "lots"})
    assert bad.status_code == 422
    assert "The weight of Rapport and trust must be a number." in bad.text
    zero = client.post("/quality/rubric", data={"csrf_token": manager_csrf})
    assert "give at least one step a weight above 0" in zero.text


# Calibration -----------------------------------------------------------------------------------


def test_calibration_page_shows_kappa_in_plain_words(
    client: TestClient, make: Factories, manager: Agent, manager_csrf: str, session: Session
) -> None:
    other = make.agent(name="Otto Other", role=Role.MANAGER)
    # needs: manager done, done, missed, missed; Otto done, missed, missed, missed -> kappa 0.5
    for mine, theirs in (
        ("done", "done"),
        ("done", "missed"),
        ("missed", "missed"),
        ("missed", "missed"),
    ):
        conversation = make.conversation()
        for reviewer, label in ((manager, mine), (other, theirs)):
            session.add(
                QualityReview(
                    conversation_id=conversation.id,
                    reviewer_id=reviewer.id,
                    **(ALL_DONE | {"needs": label}),
                    failure_modes=[],
                    step_comments={},
                    comment="",
                    total=0.0,
                    created_at=conversation.created_at,
                    updated_at=conversation.created_at,
                )
            )
    session.flush()
    page = client.get("/quality/calibration")
    assert page.status_code == 200
    text = text_of(page.text)
    assert "Reviewer against reviewer: 4 pairs of reviews" in text
    assert (
        "Needs identified 4 75% 0.50 kappa 0.50: moderate agreement (only 4: treat as a hint)"
        in text
    )
    assert "kappa undefined: both said done every time (4 of 4)" in text
    assert "Mona Manager (4)" in text and "Otto Other (4)" in text
    earlier = text_of(client.get("/quality/calibration?start=2026-01-01&end=2026-01-31").text)
    assert "Reviewer against reviewer: 0 pairs of reviews" in earlier
    assert "no items rated by both" in earlier
    assert client.get("/quality/calibration?start=2026-02-01&end=2026-01-01").status_code == 422


def test_calibration_is_for_managers(client: TestClient, csrf: str) -> None:
    assert client.get("/quality/calibration").status_code == 403


# The checklist beside the reply box ------------------------------------------------------------


def test_the_conversation_page_hooks_the_checklist_to_the_reply_box(
    client: TestClient, make: Factories, csrf: str
) -> None:
    conversation = make.conversation()
    page = client.get(f"/conversations/{conversation.id}").text
    assert f'hx-post="/conversations/{conversation.id}/checklist"' in page
    assert 'hx-trigger="load, input changed delay:400ms from:#composer' in page


def test_the_checklist_follows_the_draft(
    client: TestClient,
    make: Factories,
    agent: Agent,
    csrf: str,
    clock: FixedClock,
    session: Session,
) -> None:
    customer = make.customer(name="Maria Garcia")
    conversation = make.conversation(customer=customer, assignee=agent, body="My order is late!")
    path = f"/conversations/{conversation.id}/checklist"

    empty = client.post(path, data={"body": ""}, headers=htmx(csrf))
    assert empty.status_code == 200
    states = checklist_states(empty.text)
    assert list(states) == list(STEPS)
    assert states["acknowledgement"] == "missing"
    assert "Greet Maria by name" in empty.text

    greeted = client.post(path, data={"body": "Hi Maria, thanks for writing."}, headers=htmx(csrf))
    assert checklist_states(greeted.text)["acknowledgement"] == "covered_by_draft"
    assert "covered by the draft" in greeted.text

    add_message(
        session,
        conversation,
        data=MessageCreate(kind=MessageKind.REPLY, body_text="Hi Maria, let me check that."),
        actor=agent,
        now=clock.now(),
    )
    session.flush()
    after_reply = client.post(path, data={"body": ""}, headers=htmx(csrf))
    assert checklist_states(after_reply.text)["acknowledgement"] == "done"

    note = client.post(path, data={"body": "internal", "kind": "note"}, headers=htmx(csrf))
    assert "applies to replies" in note.text and "data-step" not in note.text


def test_the_checklist_needs_the_csrf_token_and_a_visible_conversation(
    client: TestClient, make: Factories, csrf: str
) -> None:
    conversation = make.conversation()
    forged = client.post(f"/conversations/{conversation.id}/checklist", data={"body": "Hi"})
    assert forged.status_code == 403
    hidden = make.conversation(team=make.team())
    outside = client.post(
        f"/conversations/{hidden.id}/checklist", data={"body": "Hi"}, headers=htmx(csrf)
    )
    assert outside.status_code == 404


def test_a_signed_out_typist_keeps_the_draft(client: TestClient, make: Factories) -> None:
    conversation = make.conversation()
    response = client.post(
        f"/conversations/{conversation.id}/checklist",
        data={"body": "Hi"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response.text == ""
    assert "HX-Redirect" not in response.headers
