"""Reading a drill-down request: whitelisted columns, operators by kind, values, pages."""

import pytest

from goodwill.core.errors import Invalid
from goodwill.insights.drill import (
    DRILL_COLUMNS,
    DrillCondition,
    Kind,
    Op,
    parse_condition,
    parse_drill,
)
from goodwill.insights.models import ConversationFact

AGES = ("lt_1bd", "gt_1w")


def test_every_whitelisted_column_is_a_facts_column_of_its_kind() -> None:
    table = ConversationFact.__table__
    python_types = {Kind.INT: int, Kind.FLOAT: float, Kind.BOOL: bool, Kind.TEXT: str}
    for name, kind in DRILL_COLUMNS.items():
        assert table.c[name].type.python_type is python_types[kind], name


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"col": "sla_breached", "op": "true"}, DrillCondition("sla_breached", Op.TRUE)),
        ({"col": "reopens", "op": "gt", "val": "0"}, DrillCondition("reopens", Op.GT, 0)),
        ({"col": "csat", "op": "le", "val": " 2 "}, DrillCondition("csat", Op.LE, 2)),
        (
            {"col": "sentiment_end", "op": "lt", "val": "-0.5"},
            DrillCondition("sentiment_end", Op.LT, -0.5),
        ),
        ({"col": "cause", "op": "eq", "val": "service"}, DrillCondition("cause", Op.EQ, "service")),
        ({"col": "team_id", "op": "null"}, DrillCondition("team_id", Op.NULL)),
        ({"col": "thanked", "op": "eq", "val": "false"}, DrillCondition("thanked", Op.EQ, False)),
        ({}, None),
    ],
)
def test_conditions_are_read(params: dict[str, str], expected: DrillCondition | None) -> None:
    assert parse_condition(params) == expected


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"col": "password", "op": "eq", "val": "x"}, "not a column you can drill on"),
        ({"col": "opened_at", "op": "notnull"}, "not a column you can drill on"),
        ({"col": "csat", "op": "like", "val": "1"}, "op must be one of"),
        ({"col": "csat"}, "op must be one of"),
        ({"col": "csat", "op": "eq"}, "val is needed"),
        ({"col": "csat", "op": "eq", "val": "five"}, "must be a int number"),
        ({"col": "csat", "op": "eq", "val": "1e400"}, "must be a int number"),
        ({"col": "predicted_csat", "op": "gt", "val": "nan"}, "out of range"),
        ({"col": "csat", "op": "eq", "val": str(2**60)}, "out of range"),
        ({"col": "csat", "op": "true"}, "yes/no columns"),
        ({"col": "channel", "op": "gt", "val": "a"}, "compares numbers"),
        ({"col": "sla_breached", "op": "true", "val": "1"}, "takes no val"),
        ({"col": "sla_breached", "op": "eq", "val": "yes"}, "true or false"),
        ({"op": "eq", "val": "1"}, "need col"),
    ],
)
def test_bad_conditions_say_what_to_fix(params: dict[str, str], message: str) -> None:
    with pytest.raises(Invalid, match=message):
        parse_condition(params)


def test_pages_and_backlog() -> None:
    request = parse_drill({"page": "3", "page_size": "20"}, AGES)
    assert (request.page, request.page_size, request.offset) == (3, 20, 40)
    backlog = parse_drill({"backlog": "1", "age": "gt_1w"}, AGES)
    assert (backlog.backlog, backlog.age, backlog.condition) == (True, "gt_1w", None)
    assert backlog.params(page="2") == {
        "backlog": "1",
        "age": "gt_1w",
        "page_size": "50",
        "page": "2",
    }
    condition = parse_drill({"col": "thanked", "op": "eq", "val": "true"}, AGES)
    assert condition.params()["val"] == "true"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"page": "0"}, "page must be"),
        ({"page_size": "500"}, "page_size must be"),
        ({"page": "²"}, "page must be"),
        ({"backlog": "yes"}, "backlog must be"),
        ({"age": "gt_1w"}, "age needs backlog=1"),
        ({"backlog": "1", "age": "old"}, "age must be one of"),
        ({"backlog": "1", "col": "csat", "op": "null"}, "takes no col"),
    ],
)
def test_bad_requests_say_what_to_fix(params: dict[str, str], message: str) -> None:
    with pytest.raises(Invalid, match=message):
        parse_drill(params, AGES)
