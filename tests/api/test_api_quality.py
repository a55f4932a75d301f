"""The quality API: a conversation's score with evidence, scorecards, the worst conversations,
what to train next, re-scoring history; agents see their own, managers their teams'."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from api_support import Caller, CallerFactory
from fastapi.testclient import TestClient
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from factories import Factories
from goodwill.agents.roles import Role
from goodwill.core.clock import FixedClock
from goodwill.core.db import Database
from goodwill.core.jobs.models import Job
from goodwill.quality.jobs import RESCORE_RANGE_JOB
from goodwill.quality.services.score import score_conversations
from goodwill.quality.services.sweep import sweep_changed
from support.quality_threads import CURT_THREAD, GOOD_THREAD, thread


@contextmanager
def counting_statements(database: Database) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(database.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(database.engine, "before_cursor_execute", count)


def test_a_conversation_score_shows_steps_failure_modes_and_evidence(
    client: TestClient, agent: Caller, make: Factories, session: Session, clock: FixedClock
) -> None:
    conversation = thread(make, session, agent=agent.agent, lines=GOOD_THREAD)
    path = f"/api/v1/quality/conversations/{conversation.id}"

    live = client.get(path, headers=agent.headers)
    assert live.status_code == 200, live.text
    assert live.json()["saved"] is False and live.json()["scored_at"] is None

    score_conversations(session, [conversation.id], now=clock.now())
    body = client.get(path, headers=agent.headers).json()
    assert body["saved"] is True
    assert body["agent_id"] == agent.agent.id
    assert body["steps"] == {
        "acknowledgement": "done",
        "rapport": "done",
        "needs": "done",
        "solution": "done",
        "gratitude": "done",
    }
    assert body["evidence"]["acknowledgement"].startswith("Hi Ada")
    assert body["failure_modes"]["ignored"] is False
    assert body["total"] >= 80
    assert body["scorer_version"]


def test_a_score_is_for_its_agent_their_managers_and_admins(
    client: TestClient, caller: CallerFactory, make: Factories, session: Session
) -> None:
    owner, teammate = caller(), caller()
    manager, other_manager, admin = caller(Role.MANAGER), caller(Role.MANAGER), caller(Role.ADMIN)
    team = make.team(members=(owner.agent, teammate.agent, manager.agent))
    make.team(members=(other_manager.agent,))
    conversation = thread(make, session, agent=owner.agent, lines=CURT_THREAD, team=team)
    path = f"/api/v1/quality/conversations/{conversation.id}"
    assert client.get(path, headers=owner.headers).status_code == 200
    assert client.get(path, headers=manager.headers).status_code == 200
    assert client.get(path, headers=admin.headers).status_code == 200
    refused = client.get(path, headers=teammate.headers)
    assert refused.status_code == 403
    assert "managers" in refused.json()["detail"]
    assert client.get(path, headers=other_manager.headers).status_code == 403

    unanswered = make.conversation(team=team, body="Hello?")
    missing = client.get(f"/api/v1/quality/conversations/{unanswered.id}", headers=owner.headers)
    assert missing.status_code == 404
    assert "no agent reply" in missing.json()["detail"]


def test_agent_scorecard_by_week_with_the_team_and_what_to_train(
    client: TestClient, caller: CallerFactory, make: Factories, session: Session, clock: FixedClock
) -> None:
    tom, priya, manager = caller(name="Tom"), caller(name="Priya"), caller(Role.MANAGER)
    team = make.team(members=(tom.agent, priya.agent, manager.agent))
    for _ in range(5):
        thread(make, session, agent=tom.agent, lines=CURT_THREAD, team=team)
        thread(make, session, agent=priya.agent, lines=GOOD_THREAD, team=team)
    sweep_changed(session, now=clock.now())

    response = client.get(
        f"/api/v1/quality/agents/{tom.agent.id}/scorecard",
        params={"weeks": 4},
        headers=tom.headers,
    )
    assert response.status_code == 200, response.text
    card = response.json()
    assert card["agent"] == {"id": tom.agent.id, "name": "Tom"}
    assert [week["conversations"] for week in card["weeks"]] == [0, 0, 0, 5]
    assert card["overall"]["steps"]["acknowledgement"] == {"done": 0, "applicable": 5, "rate": 0.0}
    assert card["team"]["steps"]["acknowledgement"]["rate"] == 0.5
    assert card["train_next"]["kind"] == "step"
    assert card["train_next"]["gap_points"] >= 50
    assert len(card["train_next"]["examples"]) == 3
    assert len(card["worst"]) == 5

    focus = client.get(f"/api/v1/quality/agents/{tom.agent.id}/train-next", headers=tom.headers)
    assert focus.json()["item"] == card["train_next"]["item"]
    assert (
        client.get(f"/api/v1/quality/agents/{priya.agent.id}/scorecard", headers=tom.headers)
    ).status_code == 403
    assert (
        client.get(f"/api/v1/quality/agents/{tom.agent.id}/scorecard", headers=manager.headers)
    ).status_code == 200
    assert (
        client.get("/api/v1/quality/agents/999999/scorecard", headers=manager.headers).status_code
        == 404
    )
    too_long = client.get(
        f"/api/v1/quality/agents/{tom.agent.id}/scorecard",
        params={"weeks": 53},
        headers=tom.headers,
    )
    assert too_long.status_code == 422


def test_team_scorecard_and_worst_conversations(
    client: TestClient, caller: CallerFactory, make: Factories, session: Session, clock: FixedClock
) -> None:
    tom, manager = caller(name="Tom"), caller(Role.MANAGER)
    team = make.team(members=(tom.agent, manager.agent))
    curt = thread(make, session, agent=tom.agent, lines=CURT_THREAD, team=team)
    thread(make, session, agent=tom.agent, lines=GOOD_THREAD, team=team)
    sweep_changed(session, now=clock.now())

    path = f"/api/v1/quality/teams/{team.id}/scorecard"
    assert client.get(path, headers=tom.headers).status_code == 403
    card = client.get(path, headers=manager.headers).json()
    assert card["overall"]["conversations"] == 2
    assert [row["agent"]["name"] for row in card["agents"]] == ["Tom"]

    worst = client.get("/api/v1/quality/worst", params={"limit": 1}, headers=tom.headers)
    assert [row["conversation_id"] for row in worst.json()] == [curt.id]
    assert worst.json()[0]["missed_steps"]
    assert worst.json()[0]["reference"] == curt.reference


def test_rescoring_history_is_for_admins_and_queues_chains(
    client: TestClient, admin: Caller, manager: Caller, make: Factories, session: Session
) -> None:
    thread(make, session, agent=manager.agent, lines=GOOD_THREAD)
    assert (
        client.post("/api/v1/quality/rescore", json={}, headers=manager.headers).status_code == 403
    )
    response = client.post("/api/v1/quality/rescore", json={"all": True}, headers=admin.headers)
    assert response.status_code == 202, response.text
    assert response.json()["jobs"] == 1
    assert response.json()["conversations"] >= 1
    session.expire_all()
    assert session.scalars(select(Job).where(Job.name == RESCORE_RANGE_JOB)).first() is not None

    coverage = client.get("/api/v1/quality/coverage", headers=manager.headers).json()
    assert coverage["conversations"] >= 1 and coverage["scored"] == 0


def test_a_scorecard_costs_the_same_queries_for_2_or_20_conversations(
    client: TestClient,
    database: Database,
    agent: Caller,
    make: Factories,
    session: Session,
    clock: FixedClock,
) -> None:
    def add(count: int) -> int:
        for _ in range(count):
            thread(make, session, agent=agent.agent, lines=CURT_THREAD, gap=timedelta(minutes=1))
        sweep_changed(session, now=clock.now())
        path = f"/api/v1/quality/agents/{agent.agent.id}/scorecard"
        with counting_statements(database) as statements:
            assert client.get(path, headers=agent.headers).status_code == 200
        return len(statements)

    assert add(2) == add(18)
