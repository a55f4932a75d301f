"""Server-drawn SVG charts and CSV tables: what they draw and write, escaped."""

import csv
import io

from goodwill.insights.charts import bar_chart, line_chart
from goodwill.insights.tables import Table, csv_lines, table_csv


def test_a_bar_chart_draws_one_bar_per_known_value_and_escapes_labels() -> None:
    svg = str(bar_chart(["<email>", "chat", "phone"], [12, None, 3], title="Volume & mix", unit=""))
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count("<rect") == 2
    assert "&lt;email&gt;: 12" in svg and "<email>" not in svg
    assert 'aria-label="Volume &amp; mix"' in svg


def test_a_line_chart_breaks_where_a_value_is_missing() -> None:
    svg = str(line_chart(["d1", "d2", "d3", "d4"], {"CSAT": [4.1, None, 4.3, 4.0]}, title="CSAT"))
    assert svg.count("<polyline") == 2  # [d1] and [d3, d4]
    assert "CSAT" in svg


def test_an_empty_chart_still_draws_its_axis() -> None:
    svg = str(bar_chart([], [], title="Nothing yet"))
    assert "<line" in svg and "<rect" not in svg


def test_tables_become_csv_with_empty_cells_for_missing_values() -> None:
    table = Table(
        "volume", "Volume", ("channel", "count", "share"), (("email", 3, 0.5), ("chat", None, None))
    )
    rows = list(csv.reader(io.StringIO(table_csv(table))))
    assert rows == [["channel", "count", "share"], ["email", "3", "0.5"], ["chat", "", ""]]


def test_csv_lines_streams_one_line_at_a_time() -> None:
    lines = list(csv_lines(("a", "b"), iter([(1, "x,y"), (2, None)])))
    assert lines == ["a,b\n", '1,"x,y"\n', "2,\n"]


def test_crowded_axes_keep_the_start_of_a_label_and_the_month_and_day_of_a_date() -> None:
    labels = [f"-factor{n}" for n in range(13)]
    svg = str(bar_chart(labels, [1.0] * 13, title="Effects"))
    assert ">-factor<" in svg  # the sign survives
    days = [f"2026-03-{n:02d}" for n in range(1, 15)]
    assert ">03-14<" in str(bar_chart(days, [1.0] * 14, title="Per day"))
