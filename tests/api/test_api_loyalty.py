"""JSON API: the managers' loyalty overview."""

from api_support import Caller
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from factories import Factories
from goodwill.surveys.models import SurveyKind
from support.commerce_data import answer, at, order


def test_loyalty_overview(
    client: TestClient, manager: Caller, session: Session, make: Factories
) -> None:
    ada = make.customer(name="Ada", email="ada@example.com")
    bo = make.customer(name="Bo", email="bo@example.com")
    cy = make.customer(name="Cy", email="cy@example.com")
    order(session, ada, at(1, 5), "a1")
    order(session, ada, at(1, 25), "a2")
    order(session, ada, at(2, 14), "a3")
    order(session, bo, at(1, 10), "b1")
    order(session, cy, at(12, 1, 2025), "c1")
    answer(session, ada, SurveyKind.NPS, 10, at(1, 20))  # then bought again: loyal
    answer(session, bo, SurveyKind.NPS, 8, at(2, 1))  # satisfied, not back yet
    answer(session, cy, SurveyKind.CSAT, 2, at(1, 2))  # not satisfied

    response = client.get(
        "/api/v1/loyalty",
        params={"start": "2026-01-01T00:00:00Z", "end": "2026-03-01T00:00:00Z"},
        headers=manager.headers,
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["buyers"], body["repeat_buyers"]) == (2, 1)
    assert body["repeat_purchase_rate"] == 0.5
    assert body["median_days_to_next_purchase"] == 20.0
    assert [(c["month"], c["size"]) for c in body["cohorts"]] == [("2025-12", 1), ("2026-01", 2)]
    assert body["cohorts"][1]["shares"][:3] == [1.0, 0.5, None]
    assert body["nps_groups"] == {"promoter": 1, "passive": 1, "detractor": 0}
    assert body["segments"] == {"loyal": 1, "satisfied": 1, "not satisfied": 1, "unrated": 0}


def test_loyalty_is_for_managers(client: TestClient, agent: Caller) -> None:
    assert client.get("/api/v1/loyalty", headers=agent.headers).status_code == 403


def test_loyalty_period_must_make_sense(client: TestClient, manager: Caller) -> None:
    response = client.get(
        "/api/v1/loyalty",
        params={"start": "2026-03-01T00:00:00Z", "end": "2026-01-01T00:00:00Z"},
        headers=manager.headers,
    )
    assert response.status_code == 422
    assert response.json()["detail"] == "start must be before end"
    default = client.get("/api/v1/loyalty", headers=manager.headers)
    assert default.status_code == 200
    assert default.json()["buyers"] == 0


def test_a_period_ending_at_the_dawn_of_time_is_refused(
    client: TestClient, manager: Caller
) -> None:
    response = client.get(
        "/api/v1/loyalty", params={"end": "0001-01-02T00:00:00Z"}, headers=manager.headers
    )
    assert response.status_code == 422
    assert "end is too early" in response.json()["detail"]
