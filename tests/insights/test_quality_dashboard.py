"""The Quality dashboard's figures on a hand-built month of facts, worked out by hand."""

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from factories import Factories
from goodwill.core.clock import FixedClock
from goodwill.insights.services.quality_dashboard import dashboard_tables, quality_dashboard
from support.insights_month_scenario import FEBRUARY, build


def test_steps_failures_mean_and_coverage(
    make: Factories, session: Session, clock: FixedClock
) -> None:
    build(make)
    board = quality_dashboard(session, FEBRUARY, clock.now())
    m = board.current.measures()
    assert (m["conversations"], m["scored"]) == (6, 4)
    assert m["scored_coverage"] == pytest.approx(400 / 6)
    assert m["quality_mean"] == 67.5  # (100 + 80 + 0 + 90) / 4
    rates = {step: m[f"step_{step}_done_rate"] for step in ("acknowledgement", "solution")}
    assert rates == {"acknowledgement": 75.0, "solution": 75.0}
    assert m["step_rapport_done_rate"] == pytest.approx(100 / 3)  # c5's "na" is not applicable
    assert m["step_needs_done_rate"] == pytest.approx(200 / 3)
    assert m["step_gratitude_done_rate"] == pytest.approx(200 / 3)
    assert (m["step_rapport_done"], m["step_rapport_missed"], m["step_rapport_na"]) == (1, 2, 1)
    assert (m["failure_not_listening"], m["failure_not_listening_rate"]) == (1, 25.0)
    assert (m["failure_ignored_rate"], m["failure_promise_broken_rate"]) == (25.0, 25.0)
    assert m["failure_lacking_knowledge_rate"] == 0.0
    assert m["failure_no_follow_up"] == 0  # c6 is flagged but not scored


def test_previous_period_and_change(make: Factories, session: Session, clock: FixedClock) -> None:
    build(make)
    board = quality_dashboard(session, FEBRUARY, clock.now())
    before = board.previous.measures()
    assert (before["scored"], before["quality_mean"], before["scored_coverage"]) == (1, 40.0, 50.0)
    assert (before["step_acknowledgement_done_rate"], before["step_needs_done_rate"]) == (100, 0)
    assert before["failure_lacking_knowledge_rate"] == 100.0
    steps = {row[0]: row[1:] for row in board.tables[1].table.rows}
    assert steps["Acknowledgement"] == (3, 1, 0, 75.0, 100.0, -25.0)
    assert steps["Needs"] == (2, 1, 1, 66.7, 0.0, 66.7)
    failures = {row[0]: row[1:] for row in board.tables[2].table.rows}
    assert failures["Lacking knowledge"] == (0, 0.0, 100.0, -100.0)
    summary = {row[0]: row[1:] for row in board.tables[0].table.rows}
    assert summary["Mean quality (0-100)"] == (67.5, 40.0, 27.5)


def test_per_team_and_per_agent(make: Factories, session: Session, clock: FixedClock) -> None:
    scenario = build(make)
    board = quality_dashboard(session, FEBRUARY, clock.now())
    teams = {row.name: row.figures for row in board.by_team}
    assert list(teams) == ["Returns", "Billing", "(no team)"]
    returns = teams["Returns"]
    assert (returns.conversations, returns.scored, returns.quality_sum) == (3, 2, 180)
    assert (returns.done_rate("rapport"), returns.failure_rate("not_listening")) == (50.0, 50.0)
    assert (teams["Billing"].done_rate("solution"), teams["Billing"].failure_rate("ignored")) == (
        0.0,
        100.0,
    )
    agents = [(row.name, row.figures.conversations, row.figures.scored) for row in board.by_agent]
    assert agents == [("Xavier", 3, 2), ("(unassigned)", 2, 1), ("Yara", 1, 1)]
    by_agent = board.tables[4]
    assert by_agent.table.columns[3:5] == ("Mean quality", "Acknowledgement done %")
    assert by_agent.table.rows[0][:5] == ("Xavier", 3, 2, 50.0, 50.0)
    needs_link = by_agent.links[0][6]
    assert needs_link == (
        f"/insights/conversations?start=2026-02-01&end=2026-02-28&agent_id={scenario.xavier.id}"
        "&col=step_needs&op=eq&val=missed"
    )


def test_step_and_failure_links(make: Factories, session: Session, clock: FixedClock) -> None:
    build(make)
    board = quality_dashboard(session, FEBRUARY, clock.now())
    base = "/insights/conversations?start=2026-02-01&end=2026-02-28"
    steps = board.tables[1]
    assert steps.links[2][2] == f"{base}&col=step_needs&op=eq&val=missed"
    assert steps.links[2][3] == f"{base}&col=step_needs&op=eq&val=na"
    failures = board.tables[2]
    assert failures.links[1][1] == f"{base}&col=failure_ignored&op=true"


def test_filters_and_weeks(make: Factories, session: Session, clock: FixedClock) -> None:
    scenario = build(make)
    yara = quality_dashboard(session, replace(FEBRUARY, agent_id=scenario.yara.id), clock.now())
    assert (yara.current.scored, yara.current.quality_sum) == (1, 80)
    chat = quality_dashboard(session, replace(FEBRUARY, channel="chat"), clock.now())
    assert (chat.current.conversations, chat.current.quality_sum) == (2, 170)
    weeks = [(w.week, w.count, w.mean) for w in chat.weeks]
    assert weeks[1] == (date(2026, 2, 2), 1, 80.0)
    assert weeks[3] == (date(2026, 2, 16), 1, 90.0)


def test_dashboard_tables_keys(make: Factories, session: Session, clock: FixedClock) -> None:
    build(make)
    tables = dashboard_tables(session, FEBRUARY, clock.now())
    assert [t.key for t in tables] == [
        "summary",
        "steps",
        "failures",
        "by_team",
        "by_agent",
        "quality_by_week",
    ]


def test_four_queries_whatever_the_volume(
    make: Factories, session: Session, clock: FixedClock
) -> None:
    statements: list[str] = []

    def count(*_args: object) -> None:
        statements.append("")

    build(make)
    connection = session.connection()
    event.listen(connection, "before_cursor_execute", count)
    try:
        quality_dashboard(session, FEBRUARY, clock.now())
    finally:
        event.remove(connection, "before_cursor_execute", count)
    assert len(statements) == 4
