"""The Drivers tab: per outcome, each factor's effect with its interval, in numbers, words and a
chart. Managers and admins only."""

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from goodwill.insights import drivers_rules as rules
from goodwill.insights import drivers_words as words
from goodwill.insights.charts import bar_chart
from goodwill.insights.filters import InsightFilter
from goodwill.insights.pages import PageFilter
from goodwill.insights.services.drivers import drivers
from goodwill.insights.web import PageManager, tab_layout
from goodwill.web.deps import DatabaseDep
from goodwill.web.templating import render

router = APIRouter()
PATH = "/insights/drivers"


@dataclass(frozen=True, slots=True)
class EffectRow:
    label: str
    kind: str
    effect: str
    interval: str
    p_value: str
    n_with: int
    sentence: str


@dataclass(frozen=True, slots=True)
class OutcomeView:
    key: str
    title: str
    unit: str
    method: str
    summary: str
    refusal: str | None
    notes: tuple[str, ...]
    rows: tuple[EffectRow, ...]
    chart: Markup | None
    csv: str


@router.get(PATH, response_class=HTMLResponse)
def drivers_page(
    request: Request, agent: PageManager, insight_filter: PageFilter, database: DatabaseDep
) -> HTMLResponse:
    with database.reader() as session:
        fitted = drivers(session, insight_filter)
        layout = tab_layout(session, "drivers", insight_filter)
    return render(
        request,
        "insights/drivers.html",
        agent=agent,
        **layout,
        outcomes=[outcome_view(insight_filter, result) for result in fitted.results],
        caveat=words.CAVEAT,
    )


def outcome_view(insight_filter: InsightFilter, result: rules.DriverResult) -> OutcomeView:
    return OutcomeView(
        key=result.outcome,
        title=words.OUTCOME_TITLES[result.outcome],
        unit=words.UNITS.get(result.outcome, "percentage points"),
        method=words.METHOD[result.outcome],
        summary=words.summary(result),
        refusal=result.refusal,
        notes=result.notes,
        rows=tuple(_row(result.outcome, effect) for effect in result.effects),
        chart=_chart(result) if result.effects else None,
        csv=f"/insights/tables/drivers/{result.outcome}.csv?{insight_filter.query_string()}",
    )


def _row(outcome: str, effect: rules.Effect) -> EffectRow:
    value = effect.marginal if outcome == "repeat" and effect.marginal else effect.coefficient
    scale = 100.0 if outcome == "repeat" else 1.0
    p_value = effect.coefficient.p_value
    return EffectRow(
        label=words.factor_label(effect.key),
        kind=effect.kind,
        effect=f"{scale * value.estimate:+.2f}",
        interval=f"{scale * value.low:+.2f} to {scale * value.high:+.2f}",
        p_value="-" if p_value != p_value else ("< 0.001" if p_value < 0.001 else f"{p_value:.3f}"),
        n_with=effect.n_with,
        sentence=words.effect_sentence(outcome, effect),
    )


def _chart(result: rules.DriverResult) -> Markup:
    """Bars as long as each effect; the label's sign says which way it goes."""
    repeat = result.outcome == "repeat"
    labels, values = [], []
    for effect in result.effects:
        value = effect.marginal if repeat and effect.marginal else effect.coefficient
        size = 100 * value.estimate if repeat else value.estimate
        labels.append(("+" if size >= 0 else "-") + words.short_label(effect.key))
        values.append(round(abs(size), 3))
    unit = " pp" if repeat else ""
    title = f"Size of each effect on {words.OUTCOME_TITLES[result.outcome]} (+ raises, - lowers)"
    return bar_chart(labels, values, title=title, unit=unit)
