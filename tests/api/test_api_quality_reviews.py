"""JSON API: rubrics, reviewer scores of a conversation, and calibration per step."""

from datetime import timedelta
from typing import Any

import pytest
from api_support import Caller, CallerFactory, count_rows
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from factories import Factories
from goodwill.agents.roles import Role
from goodwill.core.clock import FixedClock
from goodwill.quality.models import STEPS, QualityReview, QualityScore
from goodwill.quality.services import reviews as reviews_service

RUBRICS = "/api/v1/quality/rubrics"
ALL_DONE = dict.fromkeys(STEPS, "done")


def reviews_path(conversation_id: int) -> str:
    return f"/api/v1/conversations/{conversation_id}/reviews"


def put_review(
    client: TestClient, caller: Caller, conversation_id: int, **fields: Any
) -> dict[str, Any]:
    response = client.put(
        f"{reviews_path(conversation_id)}/mine", json=ALL_DONE | fields, headers=caller.headers
    )
    assert response.status_code in (200, 201), response.text
    body: dict[str, Any] = response.json()
    return body


def test_everyone_reads_the_default_rubric_until_a_manager_saves_one(
    client: TestClient, agent: Caller, manager: Caller
) -> None:
    default = client.get(f"{RUBRICS}/active", headers=agent.headers).json()
    assert default["id"] is None
    assert default["weights"]["solution"] == 2.0
    created = client.post(
        RUBRICS,
        json={
            "name": "Care first",
            "weights": {"rapport": 3, "solution": 1},
            "critical": ["rapport"],
            "is_active": True,
        },
        headers=manager.headers,
    )
    assert created.status_code == 201, created.text
    active = client.get(f"{RUBRICS}/active", headers=agent.headers).json()
    assert active == created.json()
    assert active["weights"] == {
        "acknowledgement": 0,
        "rapport": 3,
        "needs": 0,
        "solution": 1,
        "gratitude": 0,
    }
    assert client.get(RUBRICS, headers=agent.headers).status_code == 403
    assert (
        client.post(
            RUBRICS, json={"name": "x", "weights": {"needs": 1}}, headers=agent.headers
        ).status_code
        == 403
    )


def test_rubric_changes_are_validated(client: TestClient, manager: Caller) -> None:
    bad_step = client.post(
        RUBRICS, json={"name": "x", "weights": {"smile": 1}}, headers=manager.headers
    )
    assert bad_step.status_code == 422
    negative = client.post(
        RUBRICS, json={"name": "x", "weights": {"needs": -1}}, headers=manager.headers
    )
    assert negative.status_code == 422
    zero = client.post(
        RUBRICS, json={"name": "x", "weights": {"needs": 0}}, headers=manager.headers
    )
    assert zero.status_code == 422
    assert "above 0" in zero.json()["detail"]
    created = client.post(
        RUBRICS, json={"name": "x", "weights": {"needs": 1}}, headers=manager.headers
    ).json()
    changed = client.patch(
        f"{RUBRICS}/{created['id']}",
        json={"critical": ["needs"], "is_active": True},
        headers=manager.headers,
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["critical"], changed.json()["is_active"]) == (["needs"], True)
    assert (
        client.patch(
            f"{RUBRICS}/{created['id']}", json={"name": None}, headers=manager.headers
        ).status_code
        == 422
    )
    assert (
        client.patch(
            f"{RUBRICS}/999999", json={"is_active": True}, headers=manager.headers
        ).status_code
        == 404
    )


def test_a_manager_scores_a_conversation_and_replaces_the_score(
    client: TestClient, manager: Caller, make: Factories, clock: FixedClock
) -> None:
    worker = make.agent()
    conversation = make.conversation(assignee=worker)
    first = client.put(
        f"{reviews_path(conversation.id)}/mine",
        json=ALL_DONE
        | {
            "rapport": "missed",
            "gratitude": "na",
            "step_comments": {"rapport": "Cold"},
            "comment": "Fix the tone.",
        },
        headers=manager.headers,
    )
    assert first.status_code == 201, first.text
    review = first.json()
    # Default weights 1, 1, 1, 2, 1; gratitude n/a: done 1 + 1 + 2 = 4 of 1 + 1 + 1 + 2 = 5 -> 80.
    assert review["total"] == 80.0
    assert (review["agent_id"], review["reviewer_id"]) == (worker.id, manager.agent.id)
    assert review["reviewer_name"] == manager.agent.name
    assert review["step_comments"] == {"rapport": "Cold"}

    clock.advance(timedelta(minutes=5))
    again = client.put(
        f"{reviews_path(conversation.id)}/mine",
        json=ALL_DONE | {"failure_modes": ["ignored"]},
        headers=manager.headers,
    )
    assert again.status_code == 200, again.text
    assert again.json()["id"] == review["id"]
    assert again.json()["total"] == 85.0  # 100 less the default 15-point penalty for "ignored"
    listed = client.get(reviews_path(conversation.id), headers=manager.headers).json()
    assert [item["id"] for item in listed] == [review["id"]]


def test_a_missed_critical_step_makes_the_total_zero(
    client: TestClient, manager: Caller, make: Factories
) -> None:
    client.post(
        RUBRICS,
        json={
            "name": "Greet",
            "weights": dict.fromkeys(STEPS, 1),
            "critical": ["acknowledgement"],
            "is_active": True,
        },
        headers=manager.headers,
    )
    conversation = make.conversation()
    review = put_review(client, manager, conversation.id, acknowledgement="missed")
    assert review["total"] == 0.0
    assert review["rubric_id"] is not None


def test_reviews_need_a_manager_and_a_valid_body(
    client: TestClient, agent: Caller, manager: Caller, make: Factories
) -> None:
    conversation = make.conversation()
    path = f"{reviews_path(conversation.id)}/mine"
    assert client.put(path, json=ALL_DONE, headers=agent.headers).status_code == 403
    assert client.get(reviews_path(conversation.id), headers=agent.headers).status_code == 403
    assert (
        client.put(path, json=ALL_DONE | {"needs": "maybe"}, headers=manager.headers).status_code
        == 422
    )
    assert client.put(path, json={"needs": "done"}, headers=manager.headers).status_code == 422
    bad_mode = client.put(
        path, json=ALL_DONE | {"failure_modes": ["rude"]}, headers=manager.headers
    )
    assert bad_mode.status_code == 422
    missing = client.put(f"{reviews_path(999999)}/mine", json=ALL_DONE, headers=manager.headers)
    assert missing.status_code == 404


def test_calibration_reports_kappa_per_step(
    client: TestClient, caller: CallerFactory, make: Factories, clock: FixedClock, session: Session
) -> None:
    ann, bob = caller(Role.MANAGER, name="Ann"), caller(Role.ADMIN, name="Bob")
    # needs: Ann done, done, missed, missed; Bob done, missed, missed, missed; automatic done x4.
    # Between reviewers: p_o = 3/4; p_e = (2*1 + 2*3) / 16 = 0.5; kappa = (0.75 - 0.5) / 0.5 = 0.5
    for ann_needs, bob_needs in (
        ("done", "done"),
        ("done", "missed"),
        ("missed", "missed"),
        ("missed", "missed"),
    ):
        conversation = make.conversation()
        put_review(client, ann, conversation.id, needs=ann_needs)
        put_review(client, bob, conversation.id, needs=bob_needs)
        session.add(
            QualityScore(
                conversation_id=conversation.id,
                **ALL_DONE,
                strengths={},
                evidence={},
                total=100,
                scorer_version="t",
                conversation_updated_at=clock.now(),
                scored_at=clock.now(),
            )
        )
    session.flush()
    clock.advance(timedelta(hours=1))
    response = client.get("/api/v1/quality/calibration", headers=ann.headers)
    assert response.status_code == 200, response.text
    report = response.json()
    assert [row["step"] for row in report["between_reviewers"]] == list(STEPS)
    needs = next(row for row in report["between_reviewers"] if row["step"] == "needs")
    assert (needs["n"], needs["agreed"], needs["percent_agreement"]) == (4, 3, 75.0)
    assert needs["kappa"] == 0.5
    assert needs["guidance"] == "kappa 0.50: moderate agreement"
    assert {"a": "done", "b": "missed", "n": 1} in needs["confusion"]
    automatic = next(row for row in report["against_automatic"] if row["step"] == "needs")
    # 8 reviews vs automatic "done": 3 agree; the automatic side used one label -> kappa 0.
    assert (automatic["n"], automatic["agreed"], automatic["kappa"]) == (8, 3, 0.0)
    assert count_rows(session, QualityReview) == 8

    later = client.get(
        "/api/v1/quality/calibration",
        params={"start": (clock.now() - timedelta(minutes=30)).isoformat()},
        headers=ann.headers,
    )
    assert later.json()["between_reviewers"][0]["n"] == 0
    reversed_period = client.get(
        "/api/v1/quality/calibration",
        params={
            "start": clock.now().isoformat(),
            "end": (clock.now() - timedelta(days=1)).isoformat(),
        },
        headers=ann.headers,
    )
    assert reversed_period.status_code == 422


def test_calibration_is_for_managers(client: TestClient, agent: Caller) -> None:
    assert client.get("/api/v1/quality/calibration", headers=agent.headers).status_code == 403


def test_two_first_saves_at_once_answer_conflict(
    client: TestClient, manager: Caller, make: Factories, monkeypatch: pytest.MonkeyPatch
) -> None:
    conversation = make.conversation()
    put_review(client, manager, conversation.id)
    # The other request's insert lands between this one's lookup and its insert.
    monkeypatch.setattr(reviews_service, "find_review", lambda *_args, **_kwargs: None)
    response = client.put(
        f"{reviews_path(conversation.id)}/mine", json=ALL_DONE, headers=manager.headers
    )
    assert response.status_code == 409
    assert "send it again" in response.json()["detail"]
