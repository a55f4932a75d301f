"""JSON API: business hours with their weekly intervals and holidays."""

import pytest
from api_support import Caller, business_hours_body, count_rows
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from goodwill.agents.models import BusinessHours, BusinessHoursInterval, Holiday

PATH = "/api/v1/business-hours"
CHRISTMAS = {"day": "2026-12-25", "name": "Christmas Day"}
BOXING_DAY = {"day": "2026-12-26", "name": "Boxing Day"}


def interval(weekday: int, start: str, end: str) -> dict[str, object]:
    return {"weekday": weekday, "start": start, "end": end}


def test_admin_creates_business_hours_that_every_agent_can_read(
    client: TestClient, admin: Caller, agent: Caller
) -> None:
    body = business_hours_body(
        intervals=[interval(1, "13:00", "17:30"), interval(1, "09:00", "12:00")],
        holidays=[BOXING_DAY, CHRISTMAS],
    )
    response = client.post(PATH, json=body, headers=admin.headers)
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["name"] == "London office"
    assert created["timezone"] == "Europe/London"
    assert created["intervals"] == [interval(1, "09:00", "12:00"), interval(1, "13:00", "17:30")]
    assert created["holidays"] == [CHRISTMAS, BOXING_DAY]
    assert client.get(PATH, headers=agent.headers).json() == [created]
    one = client.get(f"{PATH}/{created['id']}", headers=agent.headers)
    assert one.status_code == 200
    assert one.json() == created


def test_a_day_can_run_to_midnight(client: TestClient, admin: Caller) -> None:
    body = business_hours_body(intervals=[interval(5, "00:00", "24:00")])
    response = client.post(PATH, json=body, headers=admin.headers)
    assert response.status_code == 201, response.text
    assert response.json()["intervals"] == [interval(5, "00:00", "24:00")]


@pytest.mark.parametrize(
    ("_case", "changes", "message"),
    [
        (
            "unknown timezone",
            {"timezone": "Mars/Olympus"},
            "Unknown time zone 'Mars/Olympus'; use an IANA name such as 'Europe/London'.",
        ),
        ("the server's own zone", {"timezone": "localtime"}, "not a place; use an IANA name"),
        (
            "overlapping intervals",
            {"intervals": [interval(0, "09:00", "12:00"), interval(0, "11:00", "17:00")]},
            "Intervals on Monday overlap at 11:00; "
            "make each interval end before the next one starts.",
        ),
        (
            "end before start",
            {"intervals": [interval(2, "17:00", "09:00")]},
            "The interval 17:00-09:00 on Wednesday must end after it starts",
        ),
        (
            "empty interval",
            {"intervals": [interval(0, "09:00", "09:00")]},
            "The interval 09:00-09:00 on Monday must end after it starts",
        ),
        ("not a time", {"intervals": [interval(0, "9am", "17:00")]}, "is not a time of day"),
        ("past midnight", {"intervals": [interval(0, "09:00", "24:30")]}, "00:00 and 24:00"),
        ("weekday 7", {"intervals": [interval(7, "09:00", "17:00")]}, "intervals.0.weekday"),
        ("no intervals", {"intervals": []}, "intervals"),
        ("holiday twice", {"holidays": [CHRISTMAS, CHRISTMAS]}, "2026-12-25 is listed twice"),
        ("blank name", {"name": "  "}, "name"),
    ],
)
def test_invalid_business_hours_are_422_saying_what_to_fix(
    client: TestClient,
    admin: Caller,
    session: Session,
    _case: str,
    changes: dict[str, object],
    message: str,
) -> None:
    response = client.post(PATH, json=business_hours_body(**changes), headers=admin.headers)
    assert response.status_code == 422
    assert message in response.json()["detail"]
    assert count_rows(session, BusinessHours) == 0


def test_duplicate_name_is_a_conflict(client: TestClient, admin: Caller) -> None:
    assert client.post(PATH, json=business_hours_body(), headers=admin.headers).status_code == 201
    response = client.post(
        PATH, json=business_hours_body(name="LONDON OFFICE"), headers=admin.headers
    )
    assert response.status_code == 409
    assert "already exist" in response.json()["detail"]


def test_retry_with_the_same_key_creates_one_schedule(
    client: TestClient, admin: Caller, session: Session
) -> None:
    first = client.post(PATH, json=business_hours_body(), headers=admin.with_key("hours-1"))
    again = client.post(PATH, json=business_hours_body(), headers=admin.with_key("hours-1"))
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    other = client.post(
        PATH, json=business_hours_body(name="Other"), headers=admin.with_key("hours-1")
    )
    assert other.status_code == 409
    assert count_rows(session, BusinessHours) == 1
    assert count_rows(session, BusinessHoursInterval) == 5


def test_put_replaces_name_timezone_intervals_and_holidays(
    client: TestClient, admin: Caller, session: Session
) -> None:
    created = client.post(
        PATH, json=business_hours_body(holidays=[CHRISTMAS]), headers=admin.headers
    ).json()
    replacement = business_hours_body(
        name="New York office",
        timezone="America/New_York",
        intervals=[interval(0, "08:00", "12:00"), interval(0, "12:30", "16:00")],
        holidays=[{"day": "2026-12-25", "name": "Xmas"}, BOXING_DAY],
    )
    response = client.put(f"{PATH}/{created['id']}", json=replacement, headers=admin.headers)
    assert response.status_code == 200, response.text
    replaced = response.json()
    assert replaced | {"intervals": None, "holidays": None} == created | {
        "name": "New York office",
        "timezone": "America/New_York",
        "intervals": None,
        "holidays": None,
    }
    assert replaced["intervals"] == replacement["intervals"]
    assert replaced["holidays"] == [{"day": "2026-12-25", "name": "Xmas"}, BOXING_DAY]
    assert client.get(f"{PATH}/{created['id']}", headers=admin.headers).json() == replaced
    assert count_rows(session, BusinessHoursInterval) == 2
    assert count_rows(session, Holiday) == 2


def test_invalid_put_changes_nothing(client: TestClient, admin: Caller) -> None:
    created = client.post(PATH, json=business_hours_body(), headers=admin.headers).json()
    overlapping = business_hours_body(
        intervals=[interval(4, "09:00", "17:00"), interval(4, "16:00", "18:00")]
    )
    response = client.put(f"{PATH}/{created['id']}", json=overlapping, headers=admin.headers)
    assert response.status_code == 422
    assert "Intervals on Friday overlap at 16:00" in response.json()["detail"]
    assert client.get(f"{PATH}/{created['id']}", headers=admin.headers).json() == created


def test_put_to_a_name_another_schedule_has_is_a_conflict(
    client: TestClient, admin: Caller
) -> None:
    client.post(PATH, json=business_hours_body(name="Taken"), headers=admin.headers)
    mine = client.post(PATH, json=business_hours_body(), headers=admin.headers).json()
    response = client.put(
        f"{PATH}/{mine['id']}", json=business_hours_body(name="taken"), headers=admin.headers
    )
    assert response.status_code == 409


def test_unknown_business_hours_are_404(client: TestClient, admin: Caller) -> None:
    assert client.get(f"{PATH}/999999", headers=admin.headers).status_code == 404
    response = client.put(f"{PATH}/999999", json=business_hours_body(), headers=admin.headers)
    assert response.status_code == 404
    assert response.json()["detail"] == "business hours 999999 do not exist"


def test_agents_cannot_create_or_replace_business_hours(
    client: TestClient, admin: Caller, agent: Caller, session: Session
) -> None:
    created = client.post(PATH, json=business_hours_body(), headers=admin.headers).json()
    attempts = [
        client.post(PATH, json=business_hours_body(name="Mine"), headers=agent.headers),
        client.put(f"{PATH}/{created['id']}", json=business_hours_body(), headers=agent.headers),
    ]
    for response in attempts:
        assert response.status_code == 403
        assert response.json()["detail"] == "this needs the admin role; you are agent"
    assert count_rows(session, BusinessHours) == 1
