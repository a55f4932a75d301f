"""The drill-down request: one optional condition on a whitelisted fact column, and a page. Pure.

`/insights/conversations?<filter>&col=<column>&op=<op>&val=<value>&page=<n>&page_size=<n>`
lists the conversations behind a dashboard number; `backlog=1` (with an optional `age`) lists
the conversations open now instead. Every mistake raises Invalid with what to fix.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from goodwill.core.errors import DomainError, Invalid

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
MAX_PAGE = 10_000
LARGEST_NUMBER = 2**53  # beyond this an integer is not a measurement, and databases disagree


class BadQuery(DomainError):
    """A drill-down or filter query that cannot be answered as written: 400."""

    status_code = 400


class Kind(StrEnum):
    INT = "int"
    FLOAT = "float"
    BOOL = "bool"
    TEXT = "text"


_INTS = (
    "team_id agent_id product_id customer_messages agent_messages first_response_seconds "
    "first_response_business_seconds next_response_business_seconds resolution_seconds "
    "resolution_business_seconds reopens transfers promises_made promises_kept promises_broken "
    "quality_total csat ces nps"
)
_FLOATS = "predicted_csat prediction_confidence sentiment_start sentiment_end"
_BOOLS = (
    "first_contact_resolution sla_applies sla_breached first_response_breached "
    "resolution_breached greeted_by_name asked_needs thanked failure_not_listening "
    "failure_ignored failure_promise_broken failure_lacking_knowledge failure_no_follow_up "
    "survey_sent survey_answered repurchased"
)
_TEXTS = (
    "channel priority status topic segment step_acknowledgement step_rapport step_needs "
    "step_solution step_gratitude cause cause_detail"
)
# Columns of conversation_facts a drill-down may test, with how their value is read.
DRILL_COLUMNS: dict[str, Kind] = {
    **dict.fromkeys(_INTS.split(), Kind.INT),
    **dict.fromkeys(_FLOATS.split(), Kind.FLOAT),
    **dict.fromkeys(_BOOLS.split(), Kind.BOOL),
    **dict.fromkeys(_TEXTS.split(), Kind.TEXT),
}


class Op(StrEnum):
    EQ = "eq"
    NE = "ne"
    LT = "lt"
    LE = "le"
    GT = "gt"
    GE = "ge"
    TRUE = "true"
    FALSE = "false"
    NULL = "null"
    NOTNULL = "notnull"


COMPARISONS = frozenset({Op.EQ, Op.NE, Op.LT, Op.LE, Op.GT, Op.GE})
ORDERINGS = frozenset({Op.LT, Op.LE, Op.GT, Op.GE})
Value = bool | int | float | str | None


@dataclass(frozen=True, slots=True)
class DrillCondition:
    """`column op value`; value is None for true/false/null/notnull."""

    column: str
    op: Op
    value: Value = None

    def params(self) -> dict[str, str]:
        params = {"col": self.column, "op": self.op.value}
        if isinstance(self.value, bool):
            params["val"] = "true" if self.value else "false"
        elif self.value is not None:
            params["val"] = str(self.value)
        return params


@dataclass(frozen=True, slots=True)
class DrillRequest:
    """What to list: a condition (or none), the open-now backlog (optionally one age), a page."""

    condition: DrillCondition | None = None
    backlog: bool = False
    age: str | None = None
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size

    def params(self, **extra: str) -> dict[str, str]:
        """The request as query parameters (without the filter), for links to other pages."""
        params: dict[str, str] = {}
        if self.condition is not None:
            params.update(self.condition.params())
        if self.backlog:
            params["backlog"] = "1"
        if self.age is not None:
            params["age"] = self.age
        params["page_size"] = str(self.page_size)
        params.update(extra)
        return params


def parse_condition(params: Mapping[str, str]) -> DrillCondition | None:
    """`col`, `op` and `val` from query parameters; None when `col` is absent. Raises Invalid."""
    column = (params.get("col") or "").strip()
    if not column:
        if (params.get("op") or "").strip() or (params.get("val") or "").strip():
            raise Invalid("op and val need col: the fact column to test")
        return None
    kind = DRILL_COLUMNS.get(column)
    if kind is None:
        raise Invalid(
            f"col {column[:40]!r} is not a column you can drill on; use one of " + _names()
        )
    op = _parse_op(params.get("op") or "")
    _check_op(column, kind, op)
    if op in COMPARISONS:
        return DrillCondition(column, op, _parse_value(column, kind, params.get("val")))
    if (params.get("val") or "").strip():
        raise Invalid(f"op {op.value} takes no val; remove it")
    return DrillCondition(column, op)


def parse_drill(params: Mapping[str, str], age_keys: tuple[str, ...]) -> DrillRequest:
    """The whole drill-down request; `age_keys` are the backlog age buckets. Raises Invalid."""
    backlog = _parse_flag(params.get("backlog"))
    age = (params.get("age") or "").strip() or None
    if age is not None and not backlog:
        raise Invalid("age needs backlog=1 (ages are of the conversations open now)")
    if age is not None and age not in age_keys:
        raise Invalid(f"age must be one of {', '.join(age_keys)}")
    condition = parse_condition(params)
    if backlog and condition is not None:
        raise Invalid("backlog=1 lists the conversations open now; it takes no col/op/val")
    return DrillRequest(
        condition=condition,
        backlog=backlog,
        age=age,
        page=_parse_count(params, "page", 1, MAX_PAGE),
        page_size=_parse_count(params, "page_size", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE),
    )


def _names() -> str:
    return ", ".join(sorted(DRILL_COLUMNS))


def _parse_op(raw: str) -> Op:
    text = raw.strip()
    try:
        return Op(text)
    except ValueError:
        choices = ", ".join(op.value for op in Op)
        raise Invalid(f"op must be one of {choices}, not {text[:20]!r}") from None


def _check_op(column: str, kind: Kind, op: Op) -> None:
    if op in (Op.TRUE, Op.FALSE) and kind is not Kind.BOOL:
        raise Invalid(f"op {op.value} is for yes/no columns; {column} is {kind.value}")
    if op in ORDERINGS and kind in (Kind.BOOL, Kind.TEXT):
        raise Invalid(f"op {op.value} compares numbers; {column} is {kind.value} (use eq or ne)")


def _parse_value(column: str, kind: Kind, raw: str | None) -> Value:
    text = (raw or "").strip()
    if not text:
        raise Invalid(f"val is needed to compare {column}")
    if kind is Kind.TEXT:
        if len(text) > 80:
            raise Invalid("val is too long (at most 80 characters)")
        return text
    if kind is Kind.BOOL:
        if text not in ("true", "false"):
            raise Invalid(f"val for {column} must be true or false (or use op=true/false)")
        return text == "true"
    try:
        number: int | float = int(text) if kind is Kind.INT else float(text)
    except ValueError:
        raise Invalid(
            f"val for {column} must be a {kind.value} number, not {text[:20]!r}"
        ) from None
    if not abs(number) <= LARGEST_NUMBER:  # also refuses nan
        raise Invalid(f"val for {column} is out of range")
    return number


def _parse_flag(raw: str | None) -> bool:
    text = (raw or "").strip().lower()
    if text in ("", "0", "false"):
        return False
    if text in ("1", "true"):
        return True
    raise Invalid("backlog must be 1 or 0")


def _parse_count(params: Mapping[str, str], name: str, default: int, largest: int) -> int:
    text = (params.get(name) or "").strip()
    if not text:
        return default
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= largest:
        raise Invalid(f"{name} must be a whole number from 1 to {largest}")
    return int(text)
