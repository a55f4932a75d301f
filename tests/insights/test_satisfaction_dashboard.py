"""The Satisfaction dashboard's figures on a hand-built month of facts, worked out by hand."""

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from factories import Factories
from goodwill.core.clock import FixedClock
from goodwill.insights.services.satisfaction_dashboard import (
    dashboard_tables,
    satisfaction_dashboard,
)
from support.insights_month_scenario import FEBRUARY, build


def test_the_months_figures_match_the_hand_count(
    make: Factories, session: Session, clock: FixedClock
) -> None:
    build(make)
    board = satisfaction_dashboard(session, FEBRUARY, clock.now())
    m = board.current.measures()
    assert m["conversations"] == 6
    assert (m["csat_answers"], m["csat_unhappy"]) == (3, 1)
    assert m["csat_mean"] == pytest.approx(11 / 3)
    assert m["csat_satisfied_percent"] == pytest.approx(200 / 3)
    assert (m["promoters"], m["passives"], m["detractors"], m["nps"]) == (1, 1, 1, 0.0)
    assert m["ces_mean"] == pytest.approx(14 / 3)
    assert m["ces_easy_percent"] == pytest.approx(200 / 3)
    assert (m["surveys_sent"], m["surveys_answered"], m["response_rate"]) == (4, 3, 75.0)
    assert (m["resolved"], m["rated"], m["coverage"]) == (5, 3, 60.0)
    assert (m["predicted"], m["predicted_csat_mean"]) == (2, 4.0)
    assert m["estimated_csat"] == pytest.approx((5 + 4 + 2 + 3.5 + 4.5) / 5)
    assert m["sentiment_pairs"] == 3
    assert m["sentiment_start_mean"] == pytest.approx(0.2 / 3)
    assert m["sentiment_end_mean"] == pytest.approx(0.25 / 3)
    assert m["sentiment_improved_percent"] == pytest.approx(100 / 3)  # c1; c2 moved only 0.05
    assert m["sentiment_worsened_percent"] == pytest.approx(100 / 3)
    assert (m["repurchase_decided"], m["repurchase_rate"]) == (3, pytest.approx(100 / 3))
    # Ann (c4), Cat (1 March) and Dan (an order) came back; Bob's order was before; Eve did not.
    assert (m["customers"], m["retained"], m["retention_rate"]) == (5, 3, 60.0)
    assert board.retention_complete is False  # 30 days after 28 February have not passed


def test_the_previous_period_and_the_change(
    make: Factories, session: Session, clock: FixedClock
) -> None:
    build(make)
    board = satisfaction_dashboard(session, FEBRUARY, clock.now())
    before = board.previous.measures()
    assert (before["conversations"], before["csat_mean"], before["nps"]) == (2, 2.0, 0.0)
    assert (before["coverage"], before["predicted_csat_mean"], before["estimated_csat"]) == (
        100.0,
        None,
        2.0,
    )
    assert (before["customers"], before["retained"], before["repurchase_rate"]) == (1, 1, 100.0)
    summary = {row[0]: row[1:] for row in board.tables[0].table.rows}
    assert summary["CSAT mean (1-5)"] == (3.67, 2.0, 1.67)
    assert summary["Coverage % (rated / resolved)"] == (60.0, 100.0, -40.0)
    assert summary["Predicted CSAT mean (unrated)"] == (4.0, None, None)


def test_breakdowns_by_channel_team_agent_and_product(
    make: Factories, session: Session, clock: FixedClock
) -> None:
    scenario = build(make)
    board = satisfaction_dashboard(session, FEBRUARY, clock.now())
    channels = {row.key: row.figures.measures() for row in board.breakdowns["channel"]}
    assert (channels["email"]["conversations"], channels["email"]["csat_mean"]) == (4, 3.5)
    assert (channels["chat"]["conversations"], channels["chat"]["csat_mean"]) == (2, 4.0)
    teams = [(row.name, row.figures.conversations) for row in board.breakdowns["team_id"]]
    assert teams == [("Returns", 3), ("Billing", 2), ("(no team)", 1)]
    agents = [(row.name, row.figures.conversations) for row in board.breakdowns["agent_id"]]
    assert agents == [("Xavier", 3), ("(unassigned)", 2), ("Yara", 1)]
    products = [(row.key, row.figures.conversations) for row in board.breakdowns["product_id"]]
    assert products == [(None, 4), (scenario.kettle.id, 2)]
    by_team = board.tables[2]
    assert by_team.table.columns[:3] == ("Team", "Conversations", "CSAT mean")
    assert by_team.table.rows[0][:3] == ("Returns", 3, 4.5)
    link = by_team.links[0][2]
    assert link is not None and f"team_id={scenario.team_one.id}" in link
    assert link.endswith("&col=csat&op=notnull")
    assert by_team.links[2][1] is not None and by_team.links[2][1].endswith("col=team_id&op=null")


def test_csat_by_week_covers_every_week_of_the_period(
    make: Factories, session: Session, clock: FixedClock
) -> None:
    build(make)
    board = satisfaction_dashboard(session, FEBRUARY, clock.now())
    weeks = [(w.week, w.count, w.mean) for w in board.weeks]
    assert weeks == [
        (date(2026, 1, 26), 0, None),
        (date(2026, 2, 2), 2, 4.5),
        (date(2026, 2, 9), 1, 2.0),
        (date(2026, 2, 16), 0, None),
        (date(2026, 2, 23), 0, None),
    ]
    weekly = board.tables[-1]
    assert weekly.table.key == "csat_by_week"
    assert weekly.links[1][1] == (
        "/insights/conversations?start=2026-02-02&end=2026-02-08&col=csat&op=notnull"
    )


def test_filters_narrow_every_figure(make: Factories, session: Session, clock: FixedClock) -> None:
    scenario = build(make)
    chat = satisfaction_dashboard(session, replace(FEBRUARY, channel="chat"), clock.now())
    m = chat.current.measures()
    assert (m["conversations"], m["csat_mean"], m["predicted_csat_mean"]) == (2, 4.0, 4.5)
    assert (m["customers"], m["retained"]) == (2, 1)  # Bob did not come back; Dan bought
    team = replace(FEBRUARY, team_id=scenario.team_two.id)
    m = satisfaction_dashboard(session, team, clock.now()).current.measures()
    assert (m["conversations"], m["csat_mean"], m["coverage"]) == (2, 2.0, 50.0)
    agent = replace(FEBRUARY, agent_id=scenario.xavier.id)
    m = satisfaction_dashboard(session, agent, clock.now()).current.measures()
    assert (m["conversations"], m["resolved"], m["csat_mean"]) == (3, 2, 3.5)
    empty = replace(FEBRUARY, product_id=scenario.kettle.id + 1000)
    m = satisfaction_dashboard(session, empty, clock.now()).current.measures()
    assert (m["conversations"], m["csat_mean"], m["nps"], m["retention_rate"]) == (
        0,
        None,
        None,
        None,
    )


def test_every_linked_number_uses_the_drill_down_grammar(
    make: Factories, session: Session, clock: FixedClock
) -> None:
    build(make)
    summary = satisfaction_dashboard(session, FEBRUARY, clock.now()).tables[0]
    links = {row[0]: link for row, link in zip(summary.table.rows, summary.links, strict=True)}
    base = "/insights/conversations?start=2026-02-01&end=2026-02-28"
    assert links["CSAT unhappy answers (1-2)"][1] == f"{base}&col=csat&op=le&val=2"
    assert links["Promoters (9-10)"][2] == (
        "/insights/conversations?start=2026-01-04&end=2026-01-31&col=nps&op=ge&val=9"
    )
    assert links["Repurchase rate %"][1] == f"{base}&col=repurchased&op=true"
    assert links["Conversations"][1] == base
    assert links["Sentiment improved %"] == (None, None, None, None)  # two columns compared


def test_dashboard_tables_are_the_pages_tables_with_stable_keys(
    make: Factories, session: Session, clock: FixedClock
) -> None:
    build(make)
    tables = dashboard_tables(session, FEBRUARY, clock.now())
    assert [t.key for t in tables] == [
        "summary",
        "by_channel",
        "by_team",
        "by_agent",
        "by_product",
        "csat_by_week",
        "retention",  # the card the page loads after itself
    ]
    assert all(len(row) == len(t.columns) for t in tables for row in t.rows)
    retention = {row[0]: row[1] for row in tables[-1].rows}
    assert set(retention) == {"Customers", "Customers who came back", "Retention %"}


def test_seven_queries_whatever_the_volume(
    make: Factories, session: Session, clock: FixedClock
) -> None:
    statements: list[str] = []

    def count(*_args: object) -> None:
        statements.append("")

    build(make)
    connection = session.connection()
    event.listen(connection, "before_cursor_execute", count)
    try:
        satisfaction_dashboard(session, FEBRUARY, clock.now())
    finally:
        event.remove(connection, "before_cursor_execute", count)
    assert len(statements) == 7
