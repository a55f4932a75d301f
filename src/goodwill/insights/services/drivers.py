"""Drivers: what each service factor does to CSAT, NPS and repeat business, from the facts.

An index-only count, then one query reads the conversations of the filter with any outcome (a
CSAT, an NPS, a decided repurchase; repeat business sampled in large selections, see
repeat_step) as plain numbers (the factors are computed in SQL), and `insights.drivers_rules`
fits each outcome's model. The fits are cached in the process per filter with the version of
the answered facts they came from (count, newest refreshed_at, sums of ids and answers). Shown
again, a page costs the count and one aggregate query that checks the version, or none within
FRESH_SECONDS of the last check when the selection is large (LARGE_SELECTION answered
conversations or more: its check scans as many rows as a fit, and new answers hardly move it)."""

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import ColumnElement, String, case, cast, extract, func, or_, select, true
from sqlalchemy.orm import Session
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

from goodwill.insights import drivers_rules as rules
from goodwill.insights import drivers_words as words
from goodwill.insights.filters import InsightFilter
from goodwill.insights.models import ConversationFact as F
from goodwill.insights.query import fact_conditions
from goodwill.insights.tables import Cell, Table

CACHE_SIZE = 64  # filters
REPEAT_SAMPLE = 20_000  # facts; see repeat_step
FRESH_SECONDS = 30.0
LARGE_SELECTION = 5_000  # answered conversations: checking their version costs a scan
# The newest refreshed_at is compared as stored text (ISO, so ordered): no datetime per row.
VERSION_COLUMNS = (F.conversation_id, cast(F.refreshed_at, String))
# BLAS_THREADS: the fits multiply matrices of a few thousand rows by a few dozen columns, which
# one thread does in milliseconds; OpenBLAS's thread pool on a busy server made them 8x slower.


@dataclass(slots=True)
class _Entry:
    """The fits of one filter, and the version of the answered facts they were made from."""

    version: tuple[object, ...]
    checked: float  # time.monotonic() of the last version check
    rows: int
    step: int  # repeat business on every step-th conversation
    results: dict[str, rules.DriverResult]


_cache: OrderedDict[tuple[object, ...], _Entry] = OrderedDict()
_cache_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class Drivers:
    """The fitted drivers of every outcome asked for, in order."""

    insight_filter: InsightFilter
    results: tuple[rules.DriverResult, ...]

    def result(self, outcome: str) -> rules.DriverResult:
        return next(result for result in self.results if result.outcome == outcome)


def drivers(
    session: Session,
    insight_filter: InsightFilter,
    outcomes: tuple[str, ...] = rules.OUTCOMES,
    *,
    min_rows: int = rules.MIN_ROWS,
) -> Drivers:
    """Fit the drivers of each outcome, or take them from the cache (see the module doc)."""
    key = (str(session.get_bind().engine.url), insight_filter, min_rows)
    entry = _lookup(key)
    step = entry.step if entry is not None else 0
    if entry is not None and not _trusted(entry):
        step = repeat_step(session, insight_filter)
        if step == entry.step and _facts_version(session, insight_filter, step) == entry.version:
            entry.checked = time.monotonic()
        else:
            entry = None
    missing = [outcome for outcome in outcomes if entry is None or outcome not in entry.results]
    if entry is None or missing:
        step = step or repeat_step(session, insight_filter)
        split, version = load_outcomes(session, insight_filter, step)
        if entry is None or entry.version != version:
            rows = version[0] if isinstance(version[0], int) else 0
            entry = _Entry(version, time.monotonic(), rows, step, {})
        with threadpool_limits(limits=1, user_api="blas"):  # see BLAS_THREADS
            for outcome in missing:
                result = rules.fit_drivers(split[outcome], outcome, min_rows=min_rows)
                entry.results[outcome] = _with_sample_note(result, step)
        _store(key, entry)
    return Drivers(insight_filter, tuple(entry.results[outcome] for outcome in outcomes))


def repeat_step(session: Session, insight_filter: InsightFilter) -> int:
    """Repeat business is fitted on every k-th conversation (by id) when the filter holds more
    than REPEAT_SAMPLE facts, so that at most about that many decided ones are read (an index-only
    count); their intervals stay narrow, and a month of a million-a-year desk stays fast."""
    total = session.execute(select(func.count()).where(*fact_conditions(insight_filter))).one()[0]
    return max(1, -(-int(total) // REPEAT_SAMPLE))


def load_outcomes(
    session: Session, insight_filter: InsightFilter, step: int = 1
) -> tuple[dict[str, rules.Columns], tuple[object, ...]]:
    """Every conversation of the filter with a CSAT, an NPS or a decided repurchase (of every
    `step`-th id), read in one query with the factors computed in SQL: each outcome's columns,
    and their version."""
    statement = select(*_outcome_columns(step), *_factor_expressions(), *VERSION_COLUMNS).where(
        *fact_conditions(insight_filter), _any_outcome(step)
    )
    rows = session.connection().execute(statement).all()  # Core rows: no ORM bookkeeping
    width = len(rules.OUTCOMES) + len(rules.FIELDS) - 1 + len(VERSION_COLUMNS)
    transposed = list(zip(*rows, strict=True)) if rows else [() for _ in range(width)]
    ids, refreshed = transposed[-2], transposed[-1]
    csat, nps, repeat = transposed[:3]
    version: tuple[object, ...] = (
        (0, None, None, None, None)
        if not rows
        else (
            len(rows),
            max(refreshed),
            sum(ids),
            sum((c or 0) + (n or 0) for c, n in zip(csat, nps, strict=True)),
            sum(1 for value in repeat if value == 1),
        )
    )
    return rules.split_outcomes(transposed[: -len(VERSION_COLUMNS)]), version


def load_columns(session: Session, insight_filter: InsightFilter, outcome: str) -> rules.Columns:
    """The conversations with an answer to `outcome` as arrays, in FIELDS order."""
    return load_outcomes(session, insight_filter, repeat_step(session, insight_filter))[0][outcome]


def dashboard_tables(
    session: Session,
    insight_filter: InsightFilter,
    now: datetime,  # noqa: ARG001  (the registry's signature; drivers do not depend on now)
) -> tuple[Table, ...]:
    """One table per outcome (factor, effect, interval, p, n, the sentence) for CSV export."""
    return tuple(effects_table(result) for result in drivers(session, insight_filter).results)


def effects_table(result: rules.DriverResult) -> Table:
    title = f"Drivers of {words.OUTCOME_TITLES[result.outcome]}"
    columns: tuple[str, ...]
    if result.outcome == "repeat":
        columns = (
            "factor",
            "log_odds",
            "odds_ratio",
            "odds_ratio_low",
            "odds_ratio_high",
            "percentage_points",
            "pp_ci_low",
            "pp_ci_high",
            "p_value",
            "conversations_with",
            "conversations",
            "sentence",
        )
    else:
        columns = (
            "factor",
            "effect_points",
            "ci_low",
            "ci_high",
            "p_value",
            "conversations_with",
            "conversations",
            "sentence",
        )
    rows = tuple(_row(result, effect) for effect in result.effects)
    return Table(result.outcome, title, columns, rows)


def _row(result: rules.DriverResult, effect: rules.Effect) -> tuple[Cell, ...]:
    label = words.factor_label(effect.key)
    sentence = words.effect_sentence(result.outcome, effect)
    value = effect.coefficient
    p_value = round(value.p_value, 4)
    if result.outcome != "repeat":
        numbers = (round(value.estimate, 3), round(value.low, 3), round(value.high, 3))
        return (label, *numbers, p_value, effect.n_with, result.n, sentence)
    odds = tuple(round(number, 3) for number in words.odds_ratio(value))
    marginal = effect.marginal or value
    points = tuple(round(100 * v, 2) for v in (marginal.estimate, marginal.low, marginal.high))
    log_odds = round(value.estimate, 3)
    return (label, log_odds, *odds, *points, p_value, effect.n_with, result.n, sentence)


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()


def _facts_version(
    session: Session, insight_filter: InsightFilter, step: int
) -> tuple[object, ...]:
    """What changes when the answered facts of the filter change: their count, newest
    refreshed_at, and sums of ids and answers (so data with the same clock is not mistaken)."""
    statement = select(
        func.count(),
        func.max(cast(F.refreshed_at, String)),
        func.sum(F.conversation_id),
        func.sum(func.coalesce(F.csat, 0) + func.coalesce(F.nps, 0)),
        func.sum(case((_sampled(step) & F.repurchased.is_(True), 1), else_=0)),
    ).where(*fact_conditions(insight_filter), _any_outcome(step))
    count, *rest = session.execute(statement).one()
    return (0, None, None, None, None) if not count else (int(count), *rest)


def _outcome_columns(step: int) -> list[ColumnElement[int | None]]:
    sampled = _sampled(step)
    repeat = case(
        (sampled & F.repurchased.is_(True), 1),
        (sampled & F.repurchased.is_(False), 0),
        else_=None,
    )
    return [F.csat.expression, F.nps.expression, repeat]


def _any_outcome(step: int) -> ColumnElement[bool]:
    decided = _sampled(step) & F.repurchased.is_not(None)
    return or_(F.csat.is_not(None), F.nps.is_not(None), decided)


def _sampled(step: int) -> ColumnElement[bool]:
    return true() if step == 1 else (F.conversation_id % step == 0)


def _with_sample_note(result: rules.DriverResult, step: int) -> rules.DriverResult:
    if result.outcome != "repeat" or step == 1 or result.refusal is not None:
        return result
    note = (
        f"Repeat business is estimated on one conversation in {step} (by id) of this "
        "selection, which keeps it fast; its intervals are those of that sample."
    )
    return replace(result, notes=(*result.notes, note))


def _factor_expressions() -> list[ColumnElement[object]]:
    """The factors as numbers, in FIELDS order after the outcome (nulls become 0 or -1)."""
    slow = F.first_response_business_seconds > rules.SLOW_FIRST_REPLY_SECONDS
    flags = [
        case((slow, 1), else_=0),
        F.reopens,
        case((F.transfers > 0, 1), else_=0),
        case((F.promises_broken > 0, 1), else_=0),
        case((F.promises_kept > 0, 1), else_=0),
        *(case((column.is_(True), 1), else_=0) for column in _behaviours()),
    ]
    steps = [case((column.is_(None), -1), (column == "missed", 1), else_=0) for column in _steps()]
    month = extract("year", F.opened_on) * 100 + extract("month", F.opened_on)
    texts = [
        F.channel,
        func.coalesce(F.topic, "(none)"),
        func.coalesce(cast(F.product_id, String), "(none)"),
    ]
    return [*flags, *steps, month, *texts]  # type: ignore[list-item]


def _behaviours() -> tuple[ColumnElement[bool | None], ...]:
    return (F.greeted_by_name, F.asked_needs, F.thanked)  # type: ignore[return-value]


def _steps() -> tuple[ColumnElement[str | None], ...]:
    return (  # type: ignore[return-value]
        F.step_acknowledgement,
        F.step_rapport,
        F.step_needs,
        F.step_solution,
        F.step_gratitude,
    )


def _trusted(entry: "_Entry") -> bool:
    """A fit over a large selection is used without a check for FRESH_SECONDS."""
    return entry.rows >= LARGE_SELECTION and time.monotonic() - entry.checked < FRESH_SECONDS


def _lookup(key: tuple[object, ...]) -> "_Entry | None":
    with _cache_lock:
        entry = _cache.get(key)
        if entry is not None:
            _cache.move_to_end(key)
        return entry


def _store(key: tuple[object, ...], entry: "_Entry") -> None:
    with _cache_lock:
        _cache[key] = entry
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
