"""The Quality dashboard's figures and the tables that show them, every number a link."""

from dataclasses import dataclass, field

from goodwill.insights import satisfaction_rules as rules
from goodwill.insights.filters import InsightFilter
from goodwill.insights.services.satisfaction_quality_view import (
    LinkedTable,
    TableBuilder,
    drill_href,
    sliced,
    within_week,
)
from goodwill.insights.tables import Cell
from goodwill.quality.rubric import FAILURE_MODES, STEPS

STEP_NAMES = {
    "acknowledgement": "Acknowledgement",
    "rapport": "Rapport",
    "needs": "Needs",
    "solution": "Solution",
    "gratitude": "Gratitude",
}
FAILURE_NAMES = {
    "not_listening": "Not listening",
    "ignored": "Ignored",
    "promise_broken": "Promise broken",
    "lacking_knowledge": "Lacking knowledge",
    "no_follow_up": "No follow-up",
}
STEP_STATES = ("done", "missed", "na")


@dataclass(frozen=True, slots=True)
class QualityFigures:
    """Counts of one set of conversations (SQL adds them up; this only divides)."""

    conversations: int = 0
    scored: int = 0  # with a quality_total
    quality_sum: int = 0
    steps: dict[str, dict[str, int]] = field(default_factory=dict)  # step -> state -> count
    failures: dict[str, int] = field(default_factory=dict)  # among scored conversations

    def step(self, step: str, state: str) -> int:
        return self.steps.get(step, {}).get(state, 0)

    def done_rate(self, step: str) -> float | None:
        return rules.step_done_rate(self.step(step, "done"), self.step(step, "missed"))

    def failure_rate(self, mode: str) -> float | None:
        return rules.percent(self.failures.get(mode, 0), self.scored)

    def measures(self) -> dict[str, float | int | None]:
        """Every figure by name (the API's keys)."""
        found: dict[str, float | int | None] = {
            "conversations": self.conversations,
            "scored": self.scored,
            "scored_coverage": rules.percent(self.scored, self.conversations),
            "quality_mean": rules.mean(self.quality_sum, self.scored),
        }
        for step in STEPS:
            for state in STEP_STATES:
                found[f"step_{step}_{state}"] = self.step(step, state)
            found[f"step_{step}_done_rate"] = self.done_rate(step)
        for mode in FAILURE_MODES:
            found[f"failure_{mode}"] = self.failures.get(mode, 0)
            found[f"failure_{mode}_rate"] = self.failure_rate(mode)
        return found


@dataclass(frozen=True, slots=True)
class QualityRow:
    key: int | None  # team or agent id (None: without one)
    name: str
    figures: QualityFigures


def _shown(value: float | int | None, digits: int = 1) -> Cell:
    return value if value is None or isinstance(value, int) else rules.rounded(value, digits)


def summary_table(
    insight_filter: InsightFilter, current: QualityFigures, previous: QualityFigures
) -> LinkedTable:
    builder = TableBuilder(
        "summary", "Quality", ("Measure", "This period", "Previous period", "Change")
    )
    rows = (
        ("Conversations", "conversations", None),
        ("Scored", "scored", ("quality_total", "notnull")),
        ("Scored coverage %", "scored_coverage", ("quality_total", "notnull")),
        ("Mean quality (0-100)", "quality_mean", ("quality_total", "notnull")),
    )
    now, before = current.measures(), previous.measures()
    for label, measure, condition in rows:
        links = [
            drill_href(f) if condition is None else drill_href(f, *condition)
            for f in (insight_filter, insight_filter.previous())
        ]
        builder.add(
            (label, None),
            (_shown(now[measure]), links[0]),
            (_shown(before[measure]), links[1]),
            (_shown(rules.change(now[measure], before[measure])), None),
        )
    return builder.build()


def steps_table(
    insight_filter: InsightFilter, current: QualityFigures, previous: QualityFigures
) -> LinkedTable:
    """Each step: done, missed, not applicable; the done rate among applicable, and its change."""
    columns = ("Step", "Done", "Missed", "Not applicable", "Done %", "Previous done %", "Change")
    builder = TableBuilder("steps", "The five steps", columns)
    for step in STEPS:
        col = f"step_{step}"
        rate, before = current.done_rate(step), previous.done_rate(step)
        builder.add(
            (STEP_NAMES[step], None),
            *(
                (current.step(step, state), drill_href(insight_filter, col, "eq", state))
                for state in STEP_STATES
            ),
            (_shown(rate), drill_href(insight_filter, col, "eq", "missed")),
            (_shown(before), drill_href(insight_filter.previous(), col, "eq", "missed")),
            (_shown(rules.change(rate, before)), None),
        )
    return builder.build()


def failures_table(
    insight_filter: InsightFilter, current: QualityFigures, previous: QualityFigures
) -> LinkedTable:
    """Each failure mode: conversations marked, share of scored ones, and its change."""
    columns = ("Failure mode", "Conversations", "% of scored", "Previous %", "Change")
    builder = TableBuilder("failures", "Failure modes", columns)
    for mode in FAILURE_MODES:
        col = f"failure_{mode}"
        rate, before = current.failure_rate(mode), previous.failure_rate(mode)
        link = drill_href(insight_filter, col, "true")
        builder.add(
            (FAILURE_NAMES[mode], None),
            (current.failures.get(mode, 0), link),
            (_shown(rate), link),
            (_shown(before), drill_href(insight_filter.previous(), col, "true")),
            (_shown(rules.change(rate, before)), None),
        )
    return builder.build()


def people_table(
    insight_filter: InsightFilter, dimension: str, label: str, rows: list[QualityRow]
) -> LinkedTable:
    """One row per team or agent: mean quality, each step's done %, each failure's %."""
    columns = (
        label,
        "Conversations",
        "Scored",
        "Mean quality",
        *(f"{STEP_NAMES[s]} done %" for s in STEPS),
        *(f"{FAILURE_NAMES[m]} %" for m in FAILURE_MODES),
    )
    builder = TableBuilder(f"by_{dimension.removesuffix('_id')}", f"By {label.lower()}", columns)
    for row in rows:
        figures = row.figures
        values: list[Cell] = [
            figures.conversations,
            figures.scored,
            _shown(rules.mean(figures.quality_sum, figures.scored)),
            *(_shown(figures.done_rate(s)) for s in STEPS),
            *(_shown(figures.failure_rate(m)) for m in FAILURE_MODES),
        ]
        if row.key is None:  # the drill-down takes one condition: "without a team" is it
            links: list[str | None] = [drill_href(insight_filter, dimension, "null")]
            links += [None] * (len(values) - 1)
        else:
            narrowed = sliced(insight_filter, dimension, row.key)
            links = [
                drill_href(narrowed),
                drill_href(narrowed, "quality_total", "notnull"),
                drill_href(narrowed, "quality_total", "notnull"),
                *(drill_href(narrowed, f"step_{s}", "eq", "missed") for s in STEPS),
                *(drill_href(narrowed, f"failure_{m}", "true") for m in FAILURE_MODES),
            ]
        builder.add((row.name, None), *zip(values, links, strict=True))
    return builder.build()


def weekly_table(insight_filter: InsightFilter, weeks: list[rules.WeekMean]) -> LinkedTable:
    columns = ("Week of", "Scored", "Mean quality")
    builder = TableBuilder("quality_by_week", "Quality by week", columns)
    for week in weeks:
        href = drill_href(within_week(insight_filter, week.week), "quality_total", "notnull")
        builder.add((week.week.isoformat(), None), (week.count, href), (_shown(week.mean), href))
    return builder.build()
