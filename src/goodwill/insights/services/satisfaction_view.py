"""The Satisfaction dashboard's figures and the tables that show them, every number a link."""

from dataclasses import dataclass

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
from goodwill.surveys import rules as survey_rules

Link = tuple[str, str, str | int | None] | None  # (col, op, val), or no condition


@dataclass(frozen=True, slots=True)
class SatisfactionFigures:
    """Counts and sums of one set of conversations (SQL adds them up; this only divides)."""

    conversations: int = 0
    csat_answers: int = 0
    csat_sum: int = 0
    csat_satisfied: int = 0  # 4-5
    csat_unhappy: int = 0  # 1-2
    nps_answers: int = 0
    promoters: int = 0  # 9-10
    detractors: int = 0  # 0-6
    ces_answers: int = 0
    ces_sum: int = 0
    ces_easy: int = 0  # 5-7
    surveys_sent: int = 0
    surveys_answered: int = 0  # of those sent
    resolved: int = 0
    rated: int = 0  # resolved with a CSAT answer
    rated_sum: int = 0
    predicted: int = 0  # resolved, no CSAT answer, with a prediction
    predicted_sum: float = 0.0
    sentiment_pairs: int = 0  # with both a start and an end sentiment
    sentiment_start_sum: float = 0.0
    sentiment_end_sum: float = 0.0
    sentiment_improved: int = 0
    sentiment_worsened: int = 0
    repurchase_decided: int = 0
    repurchased: int = 0
    customers: int = 0  # distinct customers (retention; headline figures only)
    retained: int = 0

    def measures(self) -> dict[str, float | int | None]:
        """Every figure by name (the API's keys and the summary table's rows)."""
        pairs = self.sentiment_pairs
        passives = self.nps_answers - self.promoters - self.detractors
        groups = {
            rules.NPS_PROMOTER_MIN: self.promoters,
            rules.NPS_DETRACTOR_MAX: self.detractors,
            rules.NPS_PROMOTER_MIN - 1: passives,
        }
        return {
            "conversations": self.conversations,
            "csat_answers": self.csat_answers,
            "csat_mean": rules.mean(self.csat_sum, self.csat_answers),
            "csat_satisfied_percent": rules.percent(self.csat_satisfied, self.csat_answers),
            "csat_unhappy": self.csat_unhappy,
            "nps_answers": self.nps_answers,
            "nps": survey_rules.nps(groups),
            "promoters": self.promoters,
            "passives": passives,
            "detractors": self.detractors,
            "ces_answers": self.ces_answers,
            "ces_mean": rules.mean(self.ces_sum, self.ces_answers),
            "ces_easy_percent": rules.percent(self.ces_easy, self.ces_answers),
            "surveys_sent": self.surveys_sent,
            "surveys_answered": self.surveys_answered,
            "response_rate": survey_rules.response_rate(self.surveys_answered, self.surveys_sent),
            "resolved": self.resolved,
            "rated": self.rated,
            "coverage": survey_rules.coverage(self.rated, self.resolved),
            "predicted": self.predicted,
            "predicted_csat_mean": rules.mean(self.predicted_sum, self.predicted),
            "estimated_csat": rules.blended_csat(
                self.rated_sum, self.rated, self.predicted_sum, self.predicted
            ),
            "sentiment_pairs": pairs,
            "sentiment_start_mean": rules.mean(self.sentiment_start_sum, pairs),
            "sentiment_end_mean": rules.mean(self.sentiment_end_sum, pairs),
            "sentiment_improved_percent": rules.percent(self.sentiment_improved, pairs),
            "sentiment_worsened_percent": rules.percent(self.sentiment_worsened, pairs),
            "repurchase_decided": self.repurchase_decided,
            "repurchase_rate": rules.percent(self.repurchased, self.repurchase_decided),
            "customers": self.customers,
            "retained": self.retained,
            "retention_rate": rules.percent(self.retained, self.customers),
        }


@dataclass(frozen=True, slots=True)
class BreakdownRow:
    key: str | int | None  # channel name or team/agent/product id (None: without one)
    name: str
    figures: SatisfactionFigures


# (label, measure, drill-down condition); None: the drill-down cannot express it (no link).
SUMMARY_ROWS: tuple[tuple[str, str, Link | str], ...] = (
    ("Conversations", "conversations", "all"),
    ("CSAT answers", "csat_answers", ("csat", "notnull", None)),
    ("CSAT mean (1-5)", "csat_mean", ("csat", "notnull", None)),
    ("CSAT % satisfied (4-5)", "csat_satisfied_percent", ("csat", "ge", rules.CSAT_SATISFIED_MIN)),
    ("CSAT unhappy answers (1-2)", "csat_unhappy", ("csat", "le", rules.CSAT_UNHAPPY_MAX)),
    ("NPS answers", "nps_answers", ("nps", "notnull", None)),
    ("NPS (% promoters - % detractors)", "nps", ("nps", "notnull", None)),
    ("Promoters (9-10)", "promoters", ("nps", "ge", rules.NPS_PROMOTER_MIN)),
    ("Passives (7-8)", "passives", None),
    ("Detractors (0-6)", "detractors", ("nps", "le", rules.NPS_DETRACTOR_MAX)),
    ("CES answers", "ces_answers", ("ces", "notnull", None)),
    ("CES mean (1-7)", "ces_mean", ("ces", "notnull", None)),
    ("CES % easy (5-7)", "ces_easy_percent", ("ces", "ge", rules.CES_EASY_MIN)),
    ("Surveys sent", "surveys_sent", ("survey_sent", "true", None)),
    ("Surveys answered", "surveys_answered", ("survey_answered", "true", None)),
    ("Response rate % (answered / sent)", "response_rate", ("survey_answered", "true", None)),
    ("Resolved", "resolved", ("resolution_seconds", "notnull", None)),
    ("Rated (resolved with CSAT)", "rated", ("csat", "notnull", None)),
    ("Coverage % (rated / resolved)", "coverage", ("csat", "notnull", None)),
    ("Predicted (resolved, unrated)", "predicted", ("predicted_csat", "notnull", None)),
    ("Predicted CSAT mean (unrated)", "predicted_csat_mean", ("predicted_csat", "notnull", None)),
    ("Estimated CSAT over all resolved", "estimated_csat", ("resolution_seconds", "notnull", None)),
    (
        "Sentiment at start (mean, -1..1)",
        "sentiment_start_mean",
        ("sentiment_start", "notnull", None),
    ),
    ("Sentiment at end (mean, -1..1)", "sentiment_end_mean", ("sentiment_end", "notnull", None)),
    ("Sentiment improved %", "sentiment_improved_percent", None),
    ("Sentiment worsened %", "sentiment_worsened_percent", None),
    ("Repurchase decided", "repurchase_decided", ("repurchased", "notnull", None)),
    ("Repurchase rate %", "repurchase_rate", ("repurchased", "true", None)),
    ("Customers", "customers", None),
    ("Customers who came back", "retained", None),
    ("Retention %", "retention_rate", None),
)
MEAN_MEASURES = frozenset(
    {
        "csat_mean",
        "ces_mean",
        "predicted_csat_mean",
        "estimated_csat",
        "sentiment_start_mean",
        "sentiment_end_mean",
    }
)


def shown(measure: str, value: float | int | None) -> Cell:
    """A figure as the tables show it: counts whole, means to 2 places, percentages to 1."""
    if value is None or isinstance(value, int):
        return value
    return rules.rounded(value, 2 if measure in MEAN_MEASURES else 1)


def link_for(insight_filter: InsightFilter, link: Link | str) -> str | None:
    if link is None:
        return None
    if isinstance(link, str):
        return drill_href(insight_filter)
    col, op, val = link
    return drill_href(insight_filter, col, op, val)


RETENTION_MEASURES = frozenset({"customers", "retained", "retention_rate"})


def summary_table(
    insight_filter: InsightFilter,
    current: SatisfactionFigures,
    previous: SatisfactionFigures,
    *,
    rows: str = "all",
) -> LinkedTable:
    """The headline table; `rows` "all", "without_retention" (the page, which loads retention
    after) or "retention" (that card alone, key `retention`)."""
    key, title = ("retention", "Retention") if rows == "retention" else ("summary", "Satisfaction")
    builder = TableBuilder(key, title, ("Measure", "This period", "Previous period", "Change"))
    now, before = current.measures(), previous.measures()
    for label, measure, link in SUMMARY_ROWS:
        if rows != "all" and (measure in RETENTION_MEASURES) != (rows == "retention"):
            continue
        difference = rules.change(now[measure], before[measure])
        builder.add(
            (label, None),
            (shown(measure, now[measure]), link_for(insight_filter, link)),
            (shown(measure, before[measure]), link_for(insight_filter.previous(), link)),
            (shown(measure, difference), None),
        )
    return builder.build()


BREAKDOWN_COLUMNS: tuple[tuple[str, str, Link | str], ...] = (
    ("Conversations", "conversations", "all"),
    ("CSAT mean", "csat_mean", ("csat", "notnull", None)),
    ("% satisfied", "csat_satisfied_percent", ("csat", "ge", rules.CSAT_SATISFIED_MIN)),
    ("NPS", "nps", ("nps", "notnull", None)),
    ("CES mean", "ces_mean", ("ces", "notnull", None)),
    ("Response rate %", "response_rate", ("survey_answered", "true", None)),
    ("Coverage %", "coverage", ("csat", "notnull", None)),
    ("Estimated CSAT", "estimated_csat", ("resolution_seconds", "notnull", None)),
    ("Repurchase %", "repurchase_rate", ("repurchased", "true", None)),
)


def breakdown_table(
    insight_filter: InsightFilter, dimension: str, label: str, rows: list[BreakdownRow]
) -> LinkedTable:
    """One row per channel, team, agent or product: its figures, each a link to its slice."""
    key = "by_" + dimension.removesuffix("_id")
    builder = TableBuilder(key, f"By {label.lower()}", (label, *(c[0] for c in BREAKDOWN_COLUMNS)))
    for row in rows:
        measures = row.figures.measures()
        cells: list[tuple[Cell, str | None]] = [(row.name, None)]
        if row.key is None:  # the drill-down takes one condition: "without a team" is it
            cells.append((row.figures.conversations, drill_href(insight_filter, dimension, "null")))
            cells.extend((shown(m, measures[m]), None) for _, m, _ in BREAKDOWN_COLUMNS[1:])
        else:
            narrowed = sliced(insight_filter, dimension, row.key)
            cells.extend(
                (shown(m, measures[m]), link_for(narrowed, link))
                for _, m, link in BREAKDOWN_COLUMNS
            )
        builder.add(*cells)
    return builder.build()


def weekly_table(insight_filter: InsightFilter, weeks: list[rules.WeekMean]) -> LinkedTable:
    builder = TableBuilder("csat_by_week", "CSAT by week", ("Week of", "CSAT answers", "CSAT mean"))
    for week in weeks:
        href = drill_href(within_week(insight_filter, week.week), "csat", "notnull")
        builder.add(
            (week.week.isoformat(), None), (week.count, href), (rules.rounded(week.mean, 2), href)
        )
    return builder.build()
