"""The weekly report's numbers, its HTML (inline SVG charts) and its PDF (the same numbers)."""

import re
import zlib
from datetime import UTC, date, datetime

import pytest
from sqlalchemy.orm import Session

from factories import Factories
from goodwill.insights.report_rules import ReportWeek
from goodwill.insights.services.report_pdf import report_pdf
from goodwill.insights.services.weekly_report import (
    Headline,
    ReportContent,
    build_report,
    report_html,
)
from support.export_facts import add_fact

WEEK = ReportWeek(date(2026, 2, 23))  # Monday 23 February to Sunday 1 March 2026
NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)


def pdf_text(pdf: bytes) -> str:
    """Every content stream of the PDF, inflated, as Latin-1 text (enough to find the words)."""
    texts = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL):
        raw = match.group(1)
        try:
            texts.append(zlib.decompress(raw).decode("latin-1"))
        except zlib.error:
            texts.append(raw.decode("latin-1"))
    return "\n".join(texts)


@pytest.fixture
def content(session: Session, make: Factories) -> ReportContent:
    team = make.team(name="Returns")
    for day, csat, seconds in ((23, 5, 600), (24, 4, 1200), (24, 2, 3600), (28, None, None)):
        add_fact(
            make,
            day=date(2026, 2, day),
            team_id=team.id,
            csat=csat,
            first_response_business_seconds=seconds,
            resolved_at=datetime(2026, 2, day, 12, tzinfo=UTC) if csat else None,
            sla_applies=True,
            sla_breached=csat == 2,
            cause="service" if csat == 2 else None,
            cause_detail="slow" if csat == 2 else None,
        )
    for day in (17, 18):
        add_fact(make, day=date(2026, 2, day), csat=4, sla_applies=True)
    add_fact(make, day=date(2026, 3, 2), csat=1)  # after the week: not counted
    return build_report(session, WEEK, now=NOW)


def headline(content: ReportContent, label: str) -> Headline:
    return next(h for h in content.headlines if h.label.startswith(label))


def test_headlines_compare_the_week_with_the_week_before(content: ReportContent) -> None:
    conversations = headline(content, "Conversations")
    assert (conversations.current, conversations.previous) == (4, 2)
    assert conversations.change_text == "+100%"
    csat = headline(content, "Average CSAT")
    assert csat.current == pytest.approx(11 / 3) and csat.previous == 4
    assert (csat.text(csat.current), csat.verdict) == ("3.67", "worse")
    sla = headline(content, "SLA breached")
    assert sla.current == pytest.approx(25.0) and sla.previous == 0
    assert sla.text(sla.current) == "25.0%"
    first_response = headline(content, "Median first response")
    assert first_response.current == pytest.approx(1200 / 3600)
    assert first_response.previous is None and first_response.change_text == "n/a"
    assert headline(content, "Resolved").current == 3


def test_tables_hold_the_days_the_teams_and_the_causes(content: ReportContent) -> None:
    tables = {table.key: table for table in content.tables}
    assert [row[1] for row in tables["daily"].rows] == [1, 2, 0, 0, 0, 1, 0]
    assert tables["teams"].rows[0][:3] == ("Returns", 4, 3)
    assert tables["causes"].rows == (("service", "slow", 1),)


def test_the_html_has_the_numbers_and_the_svg_charts(content: ReportContent) -> None:
    html = report_html(content, base_url="https://help.example/")
    assert html.startswith("<!DOCTYPE html>")
    assert html.count("<svg") == 3
    assert "Weekly report: 2026-02-23 to 2026-03-01" in html
    assert "3.67" in html and "+100%" in html
    assert "https://help.example/insights/service?start=2026-02-23&amp;end=2026-03-01" in html


def test_the_pdf_shows_the_same_numbers_and_draws_the_charts(content: ReportContent) -> None:
    pdf = report_pdf(content)
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    for words in (
        "Weekly report: 2026-02-23 to 2026-03-01",
        "Conversations",
        "3.67",
        "+100%",
        "25.0%",
        "Returns",
    ):
        assert f"({words})" in text or words in text, words
    # the SVG bars come out as rectangles filled in the chart blue (#2563eb): 3 days and 1 cause
    bars = re.findall(r"0\.1451 0\.3882 0\.9216 rg 0 0 m [\d.]+ [\d.]+ [\d.]+ ([\d.]+) re f", text)
    assert len([height for height in bars if float(height) > 10]) == 4  # not the legend swatch
