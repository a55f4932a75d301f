"""Close the loop over the API: managers list follow-ups for low ratings and mark them done."""

from datetime import timedelta

from api_support import Caller, CallerFactory
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from factories import Factories
from goodwill.agents.roles import Role
from goodwill.core.clock import FixedClock
from goodwill.surveys.models import SurveyKind
from goodwill.surveys.services.answer import record_answer
from support.survey_answers import csat_template, invitation

URL = "/api/v1/surveys/loop-tasks"


def test_a_manager_lists_follow_ups_and_marks_one_done(
    client: TestClient,
    session: Session,
    make: Factories,
    clock: FixedClock,
    manager: Caller,
) -> None:
    csat_template(session, now=clock.now())
    team = make.team(members=(manager.agent,))
    conversation = make.conversation(team=team, subject="Broken kettle")
    low = invitation(session, conversation, now=clock.now())
    record_answer(
        session, low, score=1, comment="Still broken", reasons=["not_resolved"], now=clock.now()
    )
    clock.advance(timedelta(minutes=5))
    other_team = make.team(members=(make.agent(role=Role.MANAGER),))
    detractor = invitation(
        session, make.conversation(team=other_team), now=clock.now(), kind=SurveyKind.NPS
    )
    record_answer(session, detractor, score=4, now=clock.now())
    happy = invitation(session, make.conversation(), now=clock.now())
    record_answer(session, happy, score=5, now=clock.now())

    listed = client.get(URL, headers=manager.headers)
    assert listed.status_code == 200
    rows = listed.json()
    assert [(row["reason"], row["score"]) for row in rows] == [("detractor", 4), ("low_csat", 1)]
    kettle = rows[1]
    assert kettle["reference"] == conversation.reference and kettle["subject"] == "Broken kettle"
    assert kettle["assignee_id"] == manager.agent.id and kettle["comment"] == "Still broken"
    assert kettle["reasons"] == ["not_resolved"] and kettle["status"] == "open"

    clock.advance(timedelta(hours=1))
    done = client.patch(
        f"{URL}/{kettle['id']}",
        json={"status": "done", "note": "Sent a new kettle"},
        headers=manager.headers,
    )
    assert done.status_code == 200
    assert done.json()["status"] == "done" and done.json()["note"] == "Sent a new kettle"
    assert done.json()["done_at"].startswith(clock.now().isoformat()[:19])

    open_only = client.get(URL, params={"status": "open"}, headers=manager.headers).json()
    assert [row["reason"] for row in open_only] == ["detractor"]
    mine = client.get(URL, params={"assignee_id": manager.agent.id}, headers=manager.headers)
    assert [row["id"] for row in mine.json()] == [kettle["id"]]


def test_agents_may_not_and_bad_input_is_explained(
    client: TestClient,
    session: Session,
    make: Factories,
    clock: FixedClock,
    caller: CallerFactory,
    manager: Caller,
) -> None:
    agent = caller(Role.AGENT)
    invite = invitation(session, make.conversation(), now=clock.now())
    record_answer(session, invite, score=2, now=clock.now())
    task_id = client.get(URL, headers=manager.headers).json()[0]["id"]

    assert client.get(URL, headers=agent.headers).status_code == 403
    assert (
        client.patch(f"{URL}/{task_id}", json={"status": "done"}, headers=agent.headers).status_code
        == 403
    )
    assert client.get(URL).status_code == 401
    wrong = client.patch(f"{URL}/{task_id}", json={"status": "closed"}, headers=manager.headers)
    assert wrong.status_code == 422 and "status" in wrong.json()["detail"]
    null = client.patch(f"{URL}/{task_id}", json={"note": None}, headers=manager.headers)
    assert null.status_code == 422 and "note cannot be null" in null.json()["detail"]
    missing = client.patch(
        f"{URL}/{task_id + 1000}", json={"status": "done"}, headers=manager.headers
    )
    assert missing.status_code == 404 and "does not exist" in missing.json()["detail"]
    assert client.get(URL, params={"status": "later"}, headers=manager.headers).status_code == 422
