"""The weekly report as a PDF (fpdf2): the same headline numbers, charts and tables as the HTML.

Charts are the report's own SVG drawn by fpdf2; should fpdf2 refuse one, its bars are drawn
again as rectangles. Text uses the core Helvetica font, so characters outside Latin-1 are
replaced."""

import io
import logging
import re
from collections.abc import Sequence
from typing import Any

from goodwill.insights.services.weekly_report import Chart, ReportContent
from goodwill.insights.tables import Table

log = logging.getLogger("goodwill.insights.report_pdf")
_SVG_TITLES = re.compile(r"<title>.*?</title>", re.DOTALL)
PAGE_WIDTH = 180  # mm inside the margins of an A4 page
_GREY = (71, 85, 105)


def latin1(text: str) -> str:
    """Text the core PDF fonts can write (others become '?')."""
    return text.encode("latin-1", "replace").decode("latin-1")


def report_pdf(content: ReportContent) -> bytes:
    """The PDF bytes (they start with %PDF)."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_title(latin1(content.title))
    pdf.set_creator("Goodwill")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", style="B", size=16)
    pdf.cell(text=latin1(content.title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=9)
    pdf.set_text_color(*_GREY)
    pdf.cell(
        text="Conversations opened in these seven days (UTC), compared with the seven days before.",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_text_color(0, 0, 0)
    pdf.ln(3)
    _headlines(pdf, content)
    for chart in content.charts:
        _chart(pdf, chart)
    for table in content.tables:
        _table(pdf, table)
    return bytes(pdf.output())


def _headlines(pdf: Any, content: ReportContent) -> None:
    rows = [
        (h.label, h.text(h.current), h.text(h.previous), h.change_text) for h in content.headlines
    ]
    _grid(pdf, ("Measure", "This week", "Week before", "Change"), rows, widths=(75, 35, 35, 35))


def _chart(pdf: Any, chart: Chart) -> None:
    if pdf.will_page_break(80):
        pdf.add_page()
    pdf.ln(4)
    pdf.set_font("Helvetica", style="B", size=11)
    pdf.cell(text=latin1(chart.title), new_x="LMARGIN", new_y="NEXT")
    svg = _SVG_TITLES.sub("", str(chart.svg)).encode("utf-8")
    try:
        pdf.image(io.BytesIO(svg), w=PAGE_WIDTH)
    except Exception:  # fpdf2's SVG support is partial; draw the bars ourselves
        log.warning("fpdf2 could not draw the %r chart as SVG; drawing bars", chart.title)
        _bars(pdf, chart)


def _bars(pdf: Any, chart: Chart) -> None:
    """The first series as horizontal bars with their values."""
    values = next(iter(chart.series.values()), ())
    top = max((v for v in values if v is not None), default=0) or 1
    pdf.set_font("Helvetica", size=8)
    pdf.set_fill_color(37, 99, 235)
    for label, value in zip(chart.labels, values, strict=False):
        y = pdf.get_y()
        pdf.cell(w=30, h=5, text=latin1(label))
        if value:
            pdf.rect(pdf.get_x(), y + 1, 120 * value / top, 3, style="F")
        pdf.set_x(pdf.l_margin + 155)
        pdf.cell(
            w=25, h=5, text="" if value is None else f"{value:g}", new_x="LMARGIN", new_y="NEXT"
        )


def _table(pdf: Any, table: Table) -> None:
    pdf.ln(4)
    pdf.set_font("Helvetica", style="B", size=11)
    pdf.cell(text=latin1(table.title), new_x="LMARGIN", new_y="NEXT")
    width = PAGE_WIDTH / max(1, len(table.columns))
    header = tuple(column.replace("_", " ") for column in table.columns)
    rows = [tuple("" if cell is None else str(cell) for cell in row) for row in table.rows]
    if not rows:
        rows = [("Nothing this week.", *("" for _ in table.columns[1:]))]
    _grid(pdf, header, rows, widths=tuple(width for _ in table.columns))


def _grid(
    pdf: Any, header: Sequence[str], rows: Sequence[Sequence[str]], *, widths: Sequence[float]
) -> None:
    pdf.set_font("Helvetica", style="B", size=9)
    for text, width in zip(header, widths, strict=True):
        pdf.cell(w=width, h=6, text=latin1(text), border="B")
    pdf.ln(6)
    pdf.set_font("Helvetica", size=9)
    for row in rows:
        for text, width in zip(row, widths, strict=True):
            pdf.cell(w=width, h=5.5, text=latin1(text)[:60])
        pdf.ln(5.5)
