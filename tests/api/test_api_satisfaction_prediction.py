"""The predicted-satisfaction API: the model's figures for managers, a conversation's estimate."""

from api_support import Caller
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from factories import Factories
from goodwill.agents.roles import Role
from goodwill.core.clock import FixedClock
from goodwill.satisfaction.services.prediction import predict_all, train
from goodwill.settings import Settings
from support.satisfaction_history import rated_history, resolved

MODEL = "/api/v1/satisfaction/prediction-model"


def estimate_url(conversation_id: int) -> str:
    return f"/api/v1/conversations/{conversation_id}/predicted-satisfaction"


def test_too_few_ratings_are_said_plainly(
    client: TestClient, manager: Caller, agent: Caller, make: Factories, clock: FixedClock
) -> None:
    rated_history(make, clock, 5)
    waiting = resolved(make, clock, reopens=0, slow=False)
    make.session.flush()
    body = client.get(MODEL, headers=manager.headers).json()
    assert body["trusted"] is False
    assert body["problem"] == "too few ratings (5 of 200)"
    assert (body["ratings"], body["min_ratings"], body["metrics"]) == (5, 200, None)
    answer = client.get(estimate_url(waiting.id), headers=agent.headers).json()
    assert answer == {
        "conversation_id": waiting.id,
        "estimate": None,
        "why_none": "too few ratings (5 of 200)",
    }
    assert client.get(MODEL, headers=agent.headers).status_code == 403


def test_a_trusted_model_shows_its_error_and_each_estimate_its_reasons(
    client: TestClient,
    manager: Caller,
    agent: Caller,
    make: Factories,
    session: Session,
    clock: FixedClock,
    settings: Settings,
) -> None:
    settings.min_ratings_for_prediction = 40
    rated_history(make, clock, 60)
    troubled = resolved(make, clock, reopens=2, slow=True)
    still_open = resolved(make, clock, reopens=0, slow=False, status="open")
    session.flush()
    train(session, now=clock.now(), min_ratings=40)
    predict_all(session, now=clock.now())
    session.flush()

    body = client.get(MODEL, headers=manager.headers).json()
    assert body["trusted"] is True and body["problem"] is None
    assert body["metrics"]["n"] == 60 == body["trained_on"]
    assert body["metrics"]["mae"] < body["metrics"]["baseline_mae"]

    answer = client.get(estimate_url(troubled.id), headers=agent.headers).json()
    estimate = answer["estimate"]
    assert answer["why_none"] is None
    assert 1 <= estimate["low"] <= estimate["predicted_csat"] <= estimate["high"] <= 5
    assert estimate["predicted_csat"] < 3.5
    texts = {reason["text"] for reason in estimate["reasons"]}
    assert "reopened 2 time(s)" in texts
    assert all(reason["effect"] < 0 for reason in estimate["reasons"][:2])

    rated = client.get(estimate_url(troubled.id - 1), headers=agent.headers).json()
    assert rated["estimate"] is None and rated["why_none"].startswith("the customer rated it")
    unresolved = client.get(estimate_url(still_open.id), headers=agent.headers).json()
    assert unresolved["why_none"] == "not resolved yet"


def test_an_estimate_outside_the_agents_teams_does_not_exist(
    client: TestClient, make: Factories
) -> None:
    team = make.team(name="Billing")
    conversation = make.conversation(team=team)
    outsider = make.agent(role=Role.AGENT)
    headers = {"Authorization": f"Bearer {make.token(outsider)}"}
    assert client.get(estimate_url(conversation.id), headers=headers).status_code == 404
    assert client.get(estimate_url(999_999), headers=headers).status_code == 404
