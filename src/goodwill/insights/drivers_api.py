"""GET /api/v1/insights/drivers: the effect of each service factor on CSAT, NPS or repeat
business, with intervals and sentences. Managers and admins only."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from goodwill.insights import drivers_rules as rules
from goodwill.insights import drivers_words as words
from goodwill.insights.api import BAD_QUERY, ServiceFilter
from goodwill.insights.drill import BadQuery
from goodwill.insights.filters import InsightFilter
from goodwill.insights.services.drivers import drivers
from goodwill.web.deps import ApiManager, DatabaseDep
from goodwill.web.schemas import error_responses
from goodwill.web.text_guard import reject_nul_characters

router = APIRouter(
    prefix="/insights", tags=["insights"], dependencies=[Depends(reject_nul_characters)]
)


class DriverEffectOut(BaseModel):
    factor: str  # slow_first_reply, reopens, ..., missed_rapport, channel:chat
    label: str
    kind: str  # service | behaviour | step | channel
    effect: float  # outcome points (csat, nps) or log-odds (repeat)
    ci_low: float
    ci_high: float
    p_value: float | None
    conversations_with: int
    odds_ratio: float | None = None
    odds_ratio_low: float | None = None
    odds_ratio_high: float | None = None
    percentage_points: float | None = None  # average marginal effect (repeat)
    pp_ci_low: float | None = None
    pp_ci_high: float | None = None
    sentence: str

    @classmethod
    def of(cls, outcome: str, effect: rules.Effect) -> "DriverEffectOut":
        value = effect.coefficient
        extra: dict[str, float] = {}
        if outcome == "repeat":
            odds = words.odds_ratio(value)
            marginal = effect.marginal or value
            extra = {
                "odds_ratio": odds[0],
                "odds_ratio_low": odds[1],
                "odds_ratio_high": odds[2],
                "percentage_points": 100 * marginal.estimate,
                "pp_ci_low": 100 * marginal.low,
                "pp_ci_high": 100 * marginal.high,
            }
        p_value = value.p_value
        return cls(
            factor=effect.key,
            label=words.factor_label(effect.key),
            kind=effect.kind,
            effect=value.estimate,
            ci_low=value.low,
            ci_high=value.high,
            p_value=None if p_value != p_value else p_value,  # NaN is not JSON
            conversations_with=effect.n_with,
            sentence=words.effect_sentence(outcome, effect),
            **extra,
        )


class DriversOut(BaseModel):
    outcome: str
    start: date
    end: date
    conversations: int  # answered (csat, nps) or decided (repeat) in the filter
    unit: str
    method: str
    caveat: str
    refusal: str | None  # why there is no estimate (too few answers)
    notes: list[str]
    sigma: float | None  # spread of the latent score (csat, nps)
    effects: list[DriverEffectOut]
    csv: str  # the same table as CSV

    @classmethod
    def of(cls, insight_filter: InsightFilter, result: rules.DriverResult) -> "DriversOut":
        outcome = result.outcome
        return cls(
            outcome=outcome,
            start=insight_filter.start,
            end=insight_filter.end,
            conversations=result.n,
            unit=words.UNITS.get(outcome, "log-odds; percentage points"),
            method=words.METHOD[outcome],
            caveat=words.CAVEAT,
            refusal=result.refusal,
            notes=list(result.notes),
            sigma=result.sigma,
            effects=[DriverEffectOut.of(outcome, effect) for effect in result.effects],
            csv=f"/insights/tables/drivers/{outcome}.csv?{insight_filter.query_string()}",
        )


def outcome_param(
    outcome: Annotated[str, Query(max_length=10, description="csat, nps or repeat")] = "csat",
) -> str:
    if outcome not in rules.OUTCOMES:
        raise BadQuery(f"outcome must be one of {', '.join(rules.OUTCOMES)}, not {outcome!r}")
    return outcome


@router.get(
    "/drivers",
    response_model=DriversOut,
    summary="Drivers: the effect of each service factor on CSAT, NPS or repeat business",
    description="For conversations opened in the period with an answer (`csat`, `nps`) or a "
    "decided repurchase (`repeat`): each factor's effect with a 95% interval, controlling for "
    "product by month, topic and channel. Observational, not proof of cause. Fewer than 100 "
    "answers: no effects and a `refusal`. 400 for a bad filter or outcome.",
    responses=error_responses(403) | BAD_QUERY,
)
def get_drivers(
    _manager: ApiManager,
    insight_filter: ServiceFilter,
    database: DatabaseDep,
    outcome: Annotated[str, Depends(outcome_param)],
) -> DriversOut:
    with database.reader() as session:
        result = drivers(session, insight_filter, (outcome,)).result(outcome)
    return DriversOut.of(insight_filter, result)
