"""The insights filter: defaults, the previous period, slices in links, and clear errors."""

from datetime import date
from urllib.parse import parse_qsl

import pytest

from goodwill.core.errors import Invalid
from goodwill.insights.filters import InsightFilter, default_filter, parse_filter

TODAY = date(2026, 3, 2)


def test_no_parameters_mean_the_last_thirty_days_up_to_today() -> None:
    found = parse_filter({}, TODAY)
    assert (found.start, found.end, found.days) == (date(2026, 2, 1), TODAY, 30)
    assert found == default_filter(TODAY)


def test_the_previous_period_has_the_same_length_just_before() -> None:
    period = InsightFilter(start=date(2026, 2, 16), end=date(2026, 3, 1), channel="chat")
    before = period.previous()
    assert (before.start, before.end, before.channel) == (
        date(2026, 2, 2),
        date(2026, 2, 15),
        "chat",
    )


def test_a_start_alone_runs_to_today_and_blank_slices_are_not_set() -> None:
    found = parse_filter({"start": "2026-01-01", "channel": " ", "team_id": ""}, TODAY)
    assert (found.start, found.end, found.channel, found.team_id) == (
        date(2026, 1, 1),
        TODAY,
        None,
        None,
    )


def test_the_query_string_reads_back_as_the_same_filter() -> None:
    original = InsightFilter(
        start=date(2026, 1, 5),
        end=date(2026, 1, 25),
        channel="email",
        team_id=3,
        agent_id=7,
        product_id=2,
        topic="refund",
        tag_id=9,
        segment="returning",
    )
    assert parse_filter(dict(parse_qsl(original.query_string())), TODAY) == original
    assert "col=csat" in original.query_string(col="csat")


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "2026-13-01"}, "YYYY-MM-DD"),
        ({"start": "2026-03-01", "end": "2026-02-01"}, "before start"),
        ({"start": "2020-01-01", "end": "2026-01-01"}, "at most"),
        ({"team_id": "abc"}, "whole number"),
        ({"team_id": "²"}, "whole number"),
        ({"agent_id": str(2**40)}, "whole number"),
        ({"segment": "vip"}, "segment must be one of"),
        ({"start": "9999-12-01"}, "between"),
        ({"end": "0001-01-01", "start": "0001-01-01"}, "between"),
    ],
)
def test_bad_parameters_say_what_to_fix(params: dict[str, str], message: str) -> None:
    with pytest.raises(Invalid, match=message):
        parse_filter(params, TODAY)
