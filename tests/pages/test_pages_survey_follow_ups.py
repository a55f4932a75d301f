"""The follow-ups page: a manager sees low ratings and marks them done; agents may not."""

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from workspace_client import PASSWORD, SignIn

from factories import Factories
from goodwill.agents.roles import Role
from goodwill.core.clock import FixedClock
from goodwill.surveys.models import LoopTask
from goodwill.surveys.services.answer import record_answer
from support.survey_answers import csat_template, invitation


def test_a_manager_marks_a_follow_up_done_with_a_note(
    client: TestClient, sign_in: SignIn, session: Session, make: Factories, clock: FixedClock
) -> None:
    manager = make.agent(name="Mia Manager", role=Role.MANAGER, password=PASSWORD)
    csat_template(session, now=clock.now())
    conversation = make.conversation(team=make.team(members=(manager,)), subject="Cold soup")
    invite = invitation(session, conversation, now=clock.now())
    record_answer(
        session, invite, score=1, comment="It was cold", reasons=["slow"], now=clock.now()
    )
    csrf = sign_in(manager)

    page = client.get("/surveys/follow-ups")
    assert page.status_code == 200
    assert "Cold soup" in page.text and "It was cold" in page.text and "Mia Manager" in page.text
    task = session.scalars(select(LoopTask)).one()

    refused = client.post(f"/surveys/follow-ups/{task.id}", data={"status": "done"})
    assert refused.status_code == 403
    saved = client.post(
        f"/surveys/follow-ups/{task.id}",
        data={"status": "done", "note": "Refunded the soup", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    session.refresh(task)
    assert (task.status, task.note, task.done_at) == ("done", "Refunded the soup", clock.now())
    assert "Cold soup" not in client.get("/surveys/follow-ups").text
    assert "Refunded the soup" in client.get("/surveys/follow-ups?status=done").text


def test_agents_cannot_open_the_follow_ups(client: TestClient, csrf: str) -> None:
    assert client.get("/surveys/follow-ups").status_code == 403
