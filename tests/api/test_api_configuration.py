"""End to end through the API: configured hours, SLA policies and availability shape new work."""

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from api_support import Caller, CallerFactory, business_hours_body, conversation_body
from fastapi.testclient import TestClient

from goodwill.core.clock import FixedClock

LONDON = ZoneInfo("Europe/London")
FOUR_HOURS = {"name": "Four business hours", "first_response_minutes": 240}


def london(year: int, month: int, day: int, hour: int) -> datetime:
    return datetime(year, month, day, hour, tzinfo=LONDON)


def post(client: TestClient, caller: Caller, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post(f"/api/v1{path}", json=body, headers=caller.headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def open_at(
    client: TestClient, caller: Caller, clock: FixedClock, moment: datetime, team_id: int
) -> dict[str, Any]:
    """POST /conversations for the team with the clock at `moment`."""
    clock.current = moment.astimezone(UTC)
    return post(client, caller, "/conversations", conversation_body(team_id=team_id))


def due_in_london(conversation: dict[str, Any]) -> datetime | None:
    due = conversation["first_response_due_at"]
    return None if due is None else datetime.fromisoformat(due).astimezone(LONDON)


def london_team(client: TestClient, admin: Caller, holidays: list[date]) -> int:
    """A team working Monday to Friday 09:00-17:00 London time, with these holidays."""
    listed = [{"day": day.isoformat(), "name": "Bank holiday"} for day in holidays]
    hours = post(client, admin, "/business-hours", business_hours_body(holidays=listed))
    team = post(client, admin, "/teams", {"name": "London", "business_hours_id": hours["id"]})
    return int(team["id"])


@pytest.mark.parametrize(
    ("_case", "created", "holidays", "expected"),
    [
        ("Friday 16:00 to Monday 12:00", london(2026, 3, 6, 16), [], london(2026, 3, 9, 12)),
        (
            "the clocks go forward over the weekend",
            london(2026, 3, 27, 16),
            [],
            london(2026, 3, 30, 12),
        ),
        (
            "Monday is a bank holiday",
            london(2026, 5, 1, 16),
            [date(2026, 5, 4)],
            london(2026, 5, 5, 12),
        ),
        (
            "created on a holiday, before opening",
            london(2026, 12, 25, 8),
            [date(2026, 12, 25)],
            london(2026, 12, 28, 13),
        ),
    ],
)
def test_first_response_is_due_after_four_business_hours_in_london(
    client: TestClient,
    admin: Caller,
    clock: FixedClock,
    _case: str,
    created: datetime,
    holidays: list[date],
    expected: datetime,
) -> None:
    team_id = london_team(client, admin, holidays)
    post(client, admin, "/sla-policies", FOUR_HOURS)
    conversation = open_at(client, admin, clock, created, team_id)
    assert due_in_london(conversation) == expected  # the wall clock in London
    due_at = datetime.fromisoformat(conversation["first_response_due_at"])
    assert due_at == expected.astimezone(UTC)  # the instant, across the DST change


def test_a_changed_policy_applies_to_new_conversations_only(
    client: TestClient, admin: Caller, clock: FixedClock
) -> None:
    team_id = london_team(client, admin, [])
    policy = post(client, admin, "/sla-policies", FOUR_HOURS)
    monday_nine = london(2026, 3, 9, 9)
    before = open_at(client, admin, clock, monday_nine, team_id)
    path = f"/api/v1/sla-policies/{policy['id']}"
    client.patch(path, json={"first_response_minutes": 60}, headers=admin.headers)
    after = open_at(client, admin, clock, monday_nine, team_id)
    client.patch(path, json={"is_active": False}, headers=admin.headers)
    without_policy = open_at(client, admin, clock, monday_nine, team_id)

    kept = client.get(f"/api/v1/conversations/{before['id']}", headers=admin.headers).json()
    assert due_in_london(kept) == london(2026, 3, 9, 13)
    assert due_in_london(after) == london(2026, 3, 9, 10)
    assert due_in_london(without_policy) is None


def test_new_business_hours_count_for_conversations_opened_afterwards(
    client: TestClient, admin: Caller, clock: FixedClock
) -> None:
    team = post(client, admin, "/teams", {"name": "Night shift"})
    post(client, admin, "/sla-policies", FOUR_HOURS)
    always_open = open_at(client, admin, clock, london(2026, 3, 9, 8), team["id"])
    assert due_in_london(always_open) == london(2026, 3, 9, 12)

    hours = post(client, admin, "/business-hours", business_hours_body())
    client.patch(
        f"/api/v1/teams/{team['id']}",
        json={"business_hours_id": hours["id"]},
        headers=admin.headers,
    )
    nine_to_five = open_at(client, admin, clock, london(2026, 3, 9, 8), team["id"])
    assert due_in_london(nine_to_five) == london(2026, 3, 9, 13)

    later_start = business_hours_body(
        intervals=[{"weekday": day, "start": "10:00", "end": "18:00"} for day in range(5)]
    )
    client.put(f"/api/v1/business-hours/{hours['id']}", json=later_start, headers=admin.headers)
    ten_to_six = open_at(client, admin, clock, london(2026, 3, 9, 8), team["id"])
    assert due_in_london(ten_to_six) == london(2026, 3, 9, 14)


def test_round_robin_skips_an_agent_who_is_away(
    client: TestClient, admin: Caller, caller: CallerFactory, clock: FixedClock
) -> None:
    first, second = caller(), caller()
    team = post(
        client,
        admin,
        "/teams",
        {
            "name": "Round robin",
            "assignment_strategy": "round_robin",
            "member_ids": [first.agent.id, second.agent.id],
        },
    )
    away = client.patch("/api/v1/me", json={"is_available": False}, headers=first.headers)
    assert away.status_code == 200

    monday = london(2026, 3, 9, 10)
    assignees = [open_at(client, admin, clock, monday, team["id"])["assignee_id"] for _ in "ab"]
    assert assignees == [second.agent.id, second.agent.id]

    client.patch("/api/v1/me", json={"is_available": True}, headers=first.headers)
    assert open_at(client, admin, clock, monday, team["id"])["assignee_id"] == first.agent.id


def test_nobody_is_assigned_when_every_member_is_away_or_full(
    client: TestClient, admin: Caller, caller: CallerFactory, clock: FixedClock
) -> None:
    away, full = caller(), caller()
    body = {
        "name": "Least loaded",
        "assignment_strategy": "least_loaded",
        "member_ids": [away.agent.id, full.agent.id],
    }
    team = post(client, admin, "/teams", body)
    client.patch("/api/v1/me", json={"is_available": False}, headers=away.headers)
    client.patch(f"/api/v1/agents/{full.agent.id}", json={"capacity": 0}, headers=admin.headers)
    conversation = open_at(client, admin, clock, london(2026, 3, 9, 10), team["id"])
    assert conversation["assignee_id"] is None
