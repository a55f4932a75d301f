"""The dashboards' pure arithmetic: blended CSAT, done rates, retention window, weekly means."""

from datetime import date

import pytest

from goodwill.insights import satisfaction_rules as rules
from goodwill.insights.filters import InsightFilter
from goodwill.insights.services.satisfaction_quality_view import TableBuilder, csv_href, drill_href


def test_blended_csat_weighs_answers_and_predictions_alike() -> None:
    assert rules.blended_csat(11, 3, 8.0, 2) == 3.8
    assert rules.blended_csat(0, 0, 7.0, 2) == 3.5
    assert rules.blended_csat(0, 0, 0.0, 0) is None


def test_percent_change_and_done_rate() -> None:
    assert rules.percent(1, 4) == 25.0
    assert rules.percent(3, 0) is None
    assert rules.change(60.0, 100.0) == -40.0
    assert rules.change(None, 1.0) is None
    assert rules.step_done_rate(done=2, missed=1) == pytest.approx(200 / 3)
    assert rules.step_done_rate(done=0, missed=0) is None  # nothing applicable


def test_retention_is_complete_only_after_thirty_days() -> None:
    end = date(2026, 1, 31)
    assert rules.retention_complete(end, date(2026, 3, 2)) is False  # 30 days end 2 March
    assert rules.retention_complete(end, date(2026, 3, 3)) is True


def test_weekly_means_fold_days_into_monday_weeks_with_gaps() -> None:
    daily = [(date(2026, 2, 2), 9.0, 2), (date(2026, 2, 8), 1.0, 1), (date(2026, 2, 18), 4.0, 1)]
    weeks = rules.weekly_means(daily, date(2026, 2, 1), date(2026, 2, 20))
    assert [(w.week, w.count, w.mean) for w in weeks] == [
        (date(2026, 1, 26), 0, None),
        (date(2026, 2, 2), 3, 10 / 3),
        (date(2026, 2, 9), 0, None),
        (date(2026, 2, 16), 1, 4.0),
    ]


def test_links_follow_the_drill_down_grammar() -> None:
    month = InsightFilter(start=date(2026, 2, 1), end=date(2026, 2, 28), channel="chat")
    base = "/insights/conversations?start=2026-02-01&end=2026-02-28&channel=chat"
    assert drill_href(month) == base
    assert drill_href(month, "csat", "le", 2) == f"{base}&col=csat&op=le&val=2"
    assert drill_href(month, "repurchased", "true") == f"{base}&col=repurchased&op=true"
    with pytest.raises(ValueError, match="needs a value"):
        drill_href(month, "csat", "ge")
    with pytest.raises(ValueError, match="unknown drill-down operator"):
        drill_href(month, "csat", "between")
    assert csv_href("quality", "steps", month) == (
        "/insights/tables/quality/steps.csv?start=2026-02-01&end=2026-02-28&channel=chat"
    )


def test_a_table_row_needs_one_cell_per_column() -> None:
    builder = TableBuilder("t", "T", ("A", "B"))
    builder.add(("x", None), (1, "/link"))
    with pytest.raises(ValueError, match="1 cells for 2 columns"):
        builder.add(("y", None))
    linked = builder.build()
    assert linked.table.rows == (("x", 1),)
    assert linked.cells() == [[("x", None), (1, "/link")]]
