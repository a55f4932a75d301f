"""The drivers service over conversation_facts: one query per outcome, the planted effects of a
small sample recovered, a polite refusal, the CSV tables, the cache."""

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from drivers_facts import EFFECTS, START, add_rated_facts
from sqlalchemy import event
from sqlalchemy.orm import Session

from factories import Factories
from goodwill.insights.filters import InsightFilter
from goodwill.insights.models import ConversationFact
from goodwill.insights.services import drivers as drivers_service
from goodwill.insights.services.drivers import (
    clear_cache,
    dashboard_tables,
    drivers,
    load_outcomes,
)

PERIOD = InsightFilter(start=START, end=date(2026, 2, 15))
NOW = PERIOD.end


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    clear_cache()


@pytest.fixture
def rated(make: Factories) -> list[ConversationFact]:
    return add_rated_facts(make, 400, seed=3)


def test_csat_drivers_from_the_facts_table(session: Session, rated: list[ConversationFact]) -> None:
    result = drivers(session, PERIOD, ("csat",)).result("csat")
    assert (result.n, result.refusal) == (400, None)
    effects = {effect.key: effect for effect in result.effects}
    slow = effects["slow_first_reply"].coefficient
    assert slow.estimate < 0
    assert slow.low <= EFFECTS.slow_first_reply <= slow.high
    broken = effects["broken_promise"].coefficient
    assert broken.low <= EFFECTS.broken_promise <= broken.high
    assert effects["channel:chat"].kind == "channel"
    assert any("five steps" in note for note in result.notes)


def test_the_factors_are_read_as_numbers_in_one_query(
    session: Session, rated: list[ConversationFact]
) -> None:
    rated[0].first_response_business_seconds = 4 * 3600 + 1
    rated[1].first_response_business_seconds = 4 * 3600
    rated[2].greeted_by_name = None
    session.flush()
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(session.get_bind(), "before_cursor_execute", listener)
    try:
        columns = load_outcomes(session, PERIOD)[0]["csat"]
    finally:
        event.remove(session.get_bind(), "before_cursor_execute", listener)
    assert len(statements) == 1
    assert len(columns["outcome"]) == len(rated)
    slow = sum((row.first_response_business_seconds or 0) > 4 * 3600 for row in rated)
    assert columns["slow_first_reply"].sum() == slow  # 14,401 s is slow, 14,400 s is not
    assert columns["transferred"].sum() == sum(row.transfers > 0 for row in rated)
    assert columns["greeted_by_name"].sum() == sum(bool(row.greeted_by_name) for row in rated)
    assert set(columns["missed_rapport"]) == {-1.0}  # not scored
    assert sorted(columns["outcome"]) == sorted(float(row.csat or 0) for row in rated)


def test_too_few_answers_is_refused_with_a_reason(session: Session, make: Factories) -> None:
    add_rated_facts(make, 30, seed=4)
    result = drivers(session, PERIOD).result("nps")
    assert result.effects == ()
    assert result.refusal is not None
    assert "Only 30 conversations with NPS answers" in result.refusal


def test_dashboard_tables_one_per_outcome(session: Session, rated: list[ConversationFact]) -> None:
    tables = dashboard_tables(session, PERIOD, NOW)  # type: ignore[arg-type]
    assert [table.key for table in tables] == ["csat", "nps", "repeat"]
    csat = tables[0]
    assert csat.columns[:4] == ("factor", "effect_points", "ci_low", "ci_high")
    first = dict(zip(csat.columns, csat.rows[0], strict=True))
    assert first["factor"] == "A first reply after more than 4 business hours"
    assert str(first["sentence"]).startswith(first["factor"])
    repeat = dict(zip(tables[2].columns, tables[2].rows[0], strict=True))
    assert float(repeat["odds_ratio"]) < 1  # type: ignore[arg-type]
    assert "percentage points" in str(repeat["sentence"])


def test_a_second_fit_comes_from_the_cache_until_the_facts_change(
    session: Session, rated: list[ConversationFact]
) -> None:
    first = drivers(session, PERIOD, ("csat",)).result("csat")
    assert drivers(session, PERIOD, ("csat",)).result("csat") is first
    rated[0].csat = 1 if rated[0].csat != 1 else 5
    session.flush()
    assert drivers(session, PERIOD, ("csat",)).result("csat") is not first


def statements_of(session: Session, call: Callable[[], Any]) -> tuple[int, Any]:
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(session.get_bind(), "before_cursor_execute", listener)
    try:
        value = call()
    finally:
        event.remove(session.get_bind(), "before_cursor_execute", listener)
    return len(statements), value


def test_a_first_fit_is_two_queries_and_so_is_a_check(
    session: Session, rated: list[ConversationFact]
) -> None:
    count, first = statements_of(session, lambda: drivers(session, PERIOD))
    assert count == 2  # the count of facts (index only), the answered facts with their version
    count, again = statements_of(session, lambda: drivers(session, PERIOD))
    assert count == 2  # the count and the version
    assert again.results == first.results


def test_a_large_selection_is_trusted_for_a_while(
    session: Session, rated: list[ConversationFact], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(drivers_service, "LARGE_SELECTION", 400)
    first = drivers(session, PERIOD, ("csat",)).result("csat")
    rated[0].csat = 1 if rated[0].csat != 1 else 5
    session.flush()
    count, again = statements_of(session, lambda: drivers(session, PERIOD, ("csat",)))
    assert (count, again.result("csat")) == (0, first)
    monkeypatch.setattr(drivers_service, "FRESH_SECONDS", 0.0)
    count, later = statements_of(session, lambda: drivers(session, PERIOD, ("csat",)))
    assert count == 3  # the count, the version (changed), the answered facts again
    assert later.result("csat") != first


def test_repeat_business_is_fitted_on_a_sample_of_a_large_selection(
    session: Session, rated: list[ConversationFact], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(drivers_service, "REPEAT_SAMPLE", 100)
    fitted = drivers(session, PERIOD)
    repeat, csat = fitted.result("repeat"), fitted.result("csat")
    expected = sum(1 for row in rated if row.conversation_id % 4 == 0)
    assert (csat.n, repeat.n) == (400, expected)
    assert any("one conversation in 4 (by id)" in note for note in repeat.notes)
    assert not any("one conversation in" in note for note in csat.notes)
