"""The Root cause dashboard's numbers on hand-built facts and reviews, worked out by hand."""

from dataclasses import replace
from datetime import date

from sqlalchemy.orm import Session

from factories import Factories
from goodwill.core.clock import FixedClock
from goodwill.insights.registry import dashboard_table
from goodwill.insights.services.causes import causes_dashboard, dashboard_tables
from goodwill.insights.tables import table_csv
from support.cause_scenario import FEBRUARY, build


def rows_by_label(table_rows: tuple[tuple[object, ...], ...]) -> dict[object, tuple[object, ...]]:
    return {row[0]: row[1:] for row in table_rows}


def test_shares_by_cause_against_the_previous_period_and_reviews(
    make: Factories, session: Session, clock: FixedClock
) -> None:
    build(make)
    board = causes_dashboard(session, FEBRUARY, clock.now())
    current = board.figures.current
    assert current.total == 6
    assert current.by_cause == {"service": 3, "product": 1, "policy": 1, "none": 1}
    assert board.figures.previous.by_cause == {"service": 0, "product": 1, "policy": 0, "none": 0}
    assert board.figures.reviews.by_cause == {"service": 1, "product": 1, "policy": 0, "none": 0}
    summary = rows_by_label(board.tables[0].table.rows)
    assert summary["Service"] == (3, 50.0, 0, 0.0, 1, 50.0)
    assert summary["Product"] == (1, 16.7, 1, 100.0, 1, 50.0)
    assert summary["No cause found"] == (1, 16.7, 0, 0.0, 0, 0.0)
    assert summary["Total"] == (6, 100.0, 1, 100.0, 2, 100.0)
    labels = [row[0] for row in board.tables[0].table.rows]
    links = dict(zip(labels, board.tables[0].links, strict=True))
    assert links["Service"][1] == (
        "/insights/conversations?start=2026-02-01&end=2026-02-28&col=cause&op=eq&val=service"
    )
    assert links["Service"][3] is not None and "start=2026-01-04" in links["Service"][3]
    assert links["No cause found"][1] is not None
    assert links["No cause found"][1].endswith("col=cause&op=eq&val=none")
    assert links["Total"][1] is not None and links["Total"][1].endswith("col=cause&op=notnull")


def test_details_and_their_drill_down(make: Factories, session: Session, clock: FixedClock) -> None:
    build(make)
    board = causes_dashboard(session, FEBRUARY, clock.now())
    details = {row[1]: row[2:] for row in board.tables[1].table.rows}
    assert details["Attitude"] == (1, 16.7, 0, 1)
    assert details["Slow or ignored"] == (1, 16.7, 0, 0)
    assert details["Defect"] == (1, 16.7, 0, 1)
    assert details["Quality"] == (0, 0.0, 1, 0)
    assert details["Policy"] == (1, 16.7, 0, 0)
    link = board.tables[1].links[0][2]
    assert link is not None and link.endswith("col=cause_detail&op=eq&val=attitude")
    assert "<svg" in board.charts["by_detail"] and "<svg" in board.charts["by_month"]


def test_by_month_splits_the_period_and_links_each_month(
    make: Factories, session: Session, clock: FixedClock
) -> None:
    build(make)
    two_months = replace(FEBRUARY, start=date(2026, 1, 15))
    board = causes_dashboard(session, two_months, clock.now())
    months = rows_by_label(board.tables[2].table.rows)
    assert list(months) == ["2026-01", "2026-02"]
    assert months["2026-01"] == (1, 0.0, 100.0, 0.0, 0.0, 0, None, None, None)
    assert months["2026-02"] == (6, 50.0, 16.7, 16.7, 16.7, 2, 50.0, 50.0, 0.0)
    january_service = board.tables[2].links[0][2]
    assert january_service is not None
    assert "start=2026-01-15&end=2026-01-31" in january_service
    assert "<polyline" in board.charts["by_month"]  # one line per cause over two months
    one_month = causes_dashboard(session, FEBRUARY, clock.now()).charts["by_month"]
    assert "<polyline" not in one_month and "2026-02" in one_month  # a single month: bars


def test_slices_narrow_conversations_and_the_product_narrows_reviews(
    make: Factories, session: Session, clock: FixedClock
) -> None:
    scenario = build(make)
    narrowed = replace(FEBRUARY, product_id=scenario.product_a.id)
    board = causes_dashboard(session, narrowed, clock.now())
    assert board.figures.current.by_cause["service"] == 1
    assert board.figures.current.total == 1
    assert board.figures.reviews.by_cause == {"service": 0, "product": 1, "policy": 0, "none": 0}


def test_the_list_shows_the_latest_unhappy_with_evidence(
    make: Factories, session: Session, clock: FixedClock
) -> None:
    scenario = build(make)
    board = causes_dashboard(session, FEBRUARY, clock.now())
    listed = board.figures.unhappy
    assert [row.conversation_id for row in listed] == [
        scenario.facts[key].conversation_id for key in ("c6", "c5", "c4", "c3", "c2", "c1")
    ]
    first = board.tables[3]
    assert first.table.rows[-1][5:] == ("Service", "Attitude", 'comment: "rude"')
    assert first.table.rows[-1][4] == "CSAT 1"
    assert first.links[-1][0] == f"/conversations/{scenario.facts['c1'].conversation_id}"


def test_tables_for_csv_exports(make: Factories, session: Session, clock: FixedClock) -> None:
    build(make)
    tables = dashboard_tables(session, FEBRUARY, clock.now())
    assert [t.key for t in tables] == ["summary", "by_detail", "by_month", "unhappy_conversations"]
    summary = dashboard_table(session, "causes", "summary", FEBRUARY, clock.now())
    assert table_csv(summary).splitlines()[1] == "Service,3,50.0,0,0.0,1,50.0"


def test_an_empty_period_shows_zeros_not_errors(session: Session, clock: FixedClock) -> None:
    board = causes_dashboard(session, FEBRUARY, clock.now())
    summary = rows_by_label(board.tables[0].table.rows)
    assert summary["Total"] == (0, None, 0, None, 0, None)
    assert board.tables[3].table.rows == ()
