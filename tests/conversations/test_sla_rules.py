"""SLA policy selection, due times counted in business hours, pauses and SLA states."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from goodwill.agents.business_hours import WorkingCalendar
from goodwill.conversations.sla import (
    SlaPolicyRule,
    SlaState,
    SlaTargets,
    extend_for_pause,
    first_response_due,
    is_breached,
    next_response_due,
    resolution_due,
    select_sla_policy,
    sla_state,
)

LONDON = ZoneInfo("Europe/London")
NINE_TO_FIVE = WorkingCalendar("Europe/London", dict.fromkeys(range(5), ((540, 1020),)))
H = timedelta(hours=1)
M = timedelta(minutes=1)
# Distinct values, so using the wrong target for a metric shows up.
TARGETS = SlaTargets(first_response=4 * H, next_response=2 * H, resolution=16 * H)
NO_TARGETS = SlaTargets(first_response=None, next_response=None, resolution=None)
DueFunction = Callable[[datetime, SlaTargets, WorkingCalendar], datetime | None]


def london(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def rule(
    policy_id: int, priority: str | None, channel: str | None, position: int = 0
) -> SlaPolicyRule:
    return SlaPolicyRule(policy_id, priority, channel, TARGETS, position)


RULES = [
    rule(1, None, None),
    rule(2, None, "email"),
    rule(3, "urgent", None),
    rule(4, "urgent", "email"),
    rule(5, "high", None, position=2),
    rule(6, "high", None, position=1),
    rule(8, None, "chat"),
    rule(7, None, "chat"),
]


@pytest.mark.parametrize(
    ("_case", "rules", "priority", "channel", "expected"),
    [
        ("priority and channel beat everything", RULES, "urgent", "email", 4),
        ("priority only beats channel only", RULES, "urgent", "chat", 3),
        ("channel only beats the catch-all", RULES, "normal", "email", 2),
        ("catch-all when nothing specific matches", RULES, "normal", "phone", 1),
        ("lowest position breaks a tie", RULES, "high", "phone", 6),
        ("lowest policy id breaks a tie on position", RULES, "low", "chat", 7),
        ("no rules", [], "urgent", "email", None),
        ("nothing matches and no catch-all", RULES[1:], "normal", "phone", None),
        ("a rule for another priority never matches", [rule(9, "low", "email")], "high", "email",
         None),
        ("specificity beats position", [rule(1, None, None, position=0),
                                         rule(2, "low", None, position=9)], "low", "chat", 2),
    ],
)  # fmt: skip
def test_select_sla_policy(
    _case: str, rules: list[SlaPolicyRule], priority: str, channel: str, expected: int | None
) -> None:
    chosen = select_sla_policy(rules, priority=priority, channel=channel)

    assert (chosen.policy_id if chosen else None) == expected


@pytest.mark.parametrize(
    ("_case", "created_at", "expected"),
    [
        ("request at 17:30 Friday: 4 business hours run Monday 9:00-13:00",
         london(2024, 1, 12, 17, 30), utc(2024, 1, 15, 13)),
        ("request at 16:30 Friday: half an hour Friday, 3.5 hours Monday",
         london(2024, 1, 12, 16, 30), utc(2024, 1, 15, 12, 30)),
        ("request at 10:00 Tuesday is due the same afternoon", london(2024, 1, 9, 10),
         utc(2024, 1, 9, 14)),
        ("request on Saturday is due Monday 13:00", london(2024, 1, 13, 11), utc(2024, 1, 15, 13)),
        ("request before the London clocks go forward", london(2024, 3, 29, 16, 30),
         utc(2024, 4, 1, 11, 30)),
    ],
)  # fmt: skip
def test_first_response_due(_case: str, created_at: datetime, expected: datetime) -> None:
    assert first_response_due(created_at, TARGETS, NINE_TO_FIVE) == expected


def test_next_response_due_uses_the_next_response_target() -> None:
    due = next_response_due(london(2024, 1, 12, 16), TARGETS, NINE_TO_FIVE)

    assert due == utc(2024, 1, 15, 10)


def test_resolution_due_uses_the_resolution_target() -> None:
    due = resolution_due(london(2024, 1, 12, 16), TARGETS, NINE_TO_FIVE)

    assert due == utc(2024, 1, 16, 16)


@pytest.mark.parametrize("due", [first_response_due, next_response_due, resolution_due])
def test_no_target_means_no_due_time(due: DueFunction) -> None:
    assert due(london(2024, 1, 9, 10), NO_TARGETS, NINE_TO_FIVE) is None


@pytest.mark.parametrize(
    ("_case", "due_at", "paused_at", "resumed_at", "expected"),
    [
        ("two working hours of waiting push the target two hours",
         london(2024, 1, 9, 15), london(2024, 1, 9, 10), london(2024, 1, 9, 12),
         utc(2024, 1, 9, 17)),
        ("waiting over a weekend counts only its working hours",
         london(2024, 1, 16, 16), london(2024, 1, 12, 16), london(2024, 1, 15, 10),
         utc(2024, 1, 17, 10)),
        ("waiting outside business hours changes nothing",
         london(2024, 1, 15, 12), london(2024, 1, 13, 10), london(2024, 1, 14, 18),
         utc(2024, 1, 15, 12)),
        ("an instant pause changes nothing",
         london(2024, 1, 9, 15), london(2024, 1, 9, 10), london(2024, 1, 9, 10),
         utc(2024, 1, 9, 15)),
        ("a pause after the target was breached does not rescue it",
         london(2024, 1, 9, 11), london(2024, 1, 9, 12), london(2024, 1, 9, 16),
         utc(2024, 1, 9, 11)),
        ("a pause straddling the target still counts in full",
         london(2024, 1, 9, 11), london(2024, 1, 9, 10), london(2024, 1, 9, 16),
         utc(2024, 1, 9, 17)),
    ],
)  # fmt: skip
def test_extend_for_pause(
    _case: str, due_at: datetime, paused_at: datetime, resumed_at: datetime, expected: datetime
) -> None:
    result = extend_for_pause(
        due_at, paused_at=paused_at, resumed_at=resumed_at, calendar=NINE_TO_FIVE
    )

    assert result == expected
    assert result.tzinfo is UTC


def test_extend_for_pause_rejects_resuming_before_pausing() -> None:
    with pytest.raises(ValueError, match="before it paused"):
        extend_for_pause(
            utc(2024, 1, 9, 15),
            paused_at=utc(2024, 1, 9, 12),
            resumed_at=utc(2024, 1, 9, 11),
            calendar=NINE_TO_FIVE,
        )


DUE = utc(2024, 1, 9, 15)
WARNING = 30 * M


@pytest.mark.parametrize(
    ("_case", "due_at", "met_at", "now", "expected"),
    [
        ("no target", None, None, DUE, None),
        ("no target even when met", None, DUE, DUE, None),
        ("met early", DUE, DUE - H, DUE + H, SlaState.MET),
        ("met exactly on time", DUE, DUE, DUE + H, SlaState.MET),
        ("met late", DUE, DUE + M, DUE + H, SlaState.MISSED),
        ("met before now but judged by met time", DUE, DUE - M, DUE + 9 * H, SlaState.MET),
        ("unmet and past due", DUE, None, DUE + M, SlaState.BREACHED),
        ("unmet at the due moment is not yet breached", DUE, None, DUE, SlaState.BREACHING_SOON),
        ("unmet within the warning window", DUE, None, DUE - 10 * M, SlaState.BREACHING_SOON),
        ("unmet exactly at the warning edge", DUE, None, DUE - WARNING, SlaState.BREACHING_SOON),
        ("unmet just outside the warning window", DUE, None, DUE - WARNING - M, SlaState.ON_TRACK),
        ("unmet with plenty of time", DUE, None, DUE - 3 * H, SlaState.ON_TRACK),
        ("other time zones compare as instants", DUE.astimezone(ZoneInfo("America/New_York")),
         None, DUE.astimezone(LONDON) - H, SlaState.ON_TRACK),
    ],
)  # fmt: skip
def test_sla_state(
    _case: str,
    due_at: datetime | None,
    met_at: datetime | None,
    now: datetime,
    expected: SlaState | None,
) -> None:
    assert sla_state(due_at, met_at=met_at, now=now, warning=WARNING) == expected


def test_sla_state_rejects_naive_now() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        sla_state(DUE, met_at=None, now=datetime(2024, 1, 9, 12), warning=WARNING)  # noqa: DTZ001


@pytest.mark.parametrize(
    ("_case", "due_at", "met_at", "now", "expected"),
    [
        ("no target is never breached", None, None, DUE + 99 * H, False),
        ("unmet and past due", DUE, None, DUE + M, True),
        ("unmet at the due moment", DUE, None, DUE, False),
        ("unmet before due", DUE, None, DUE - H, False),
        ("met on time stays unbreached", DUE, DUE, DUE + 9 * H, False),
        ("met late is breached", DUE, DUE + M, DUE + 9 * H, True),
    ],
)
def test_is_breached(
    _case: str, due_at: datetime | None, met_at: datetime | None, now: datetime, expected: bool
) -> None:
    assert is_breached(due_at, met_at=met_at, now=now) is expected
