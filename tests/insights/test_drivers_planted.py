"""End to end: the demo generator plants effects, the facts builder rolls them up, the drivers
find them again. CSAT: every planted service effect with the right sign and inside its 95%
interval; NPS and repeat business: the sign of the large effects.

15,000 conversations (seed 7): about 1,300 CSAT answers, 260 NPS answers and 10,700 decided
repurchases. Each interval misses its truth one time in twenty, so a different seed or size can
miss one somewhere; docs/insights.md "Drivers" shows this run's numbers and why it is trusted
(the facts equal the generator's truth, and on every resolved conversation the estimates sit on
the planted values)."""

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from facts_demo_support import own_database

from goodwill.demo.effects import PlantedEffects
from goodwill.demo.loader import seed_database
from goodwill.insights.drivers_rules import Coefficient, DriverResult
from goodwill.insights.filters import InsightFilter
from goodwill.insights.services.drivers import Drivers, clear_cache, drivers
from goodwill.insights.services.facts import rebuild_all_facts

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)
CONVERSATIONS = 15_000
SEED = 7
EFFECTS = PlantedEffects()
PLANTED = {
    "slow_first_reply": EFFECTS.slow_first_reply,
    "reopens": EFFECTS.per_reopen,
    "transferred": EFFECTS.transferred,
    "broken_promise": EFFECTS.broken_promise,
    "kept_promise": EFFECTS.kept_promise,
    "greeted_by_name": EFFECTS.greeted_by_name,
    "asked_needs": EFFECTS.asked_needs,
    "thanked": EFFECTS.thanked,
}
LARGE = ("slow_first_reply", "reopens", "broken_promise")  # half a CSAT point or more
MEDIUM = ("transferred", "asked_needs")  # 0.3 points


@pytest.fixture(scope="module")
def fitted(
    database_url: str, db_kind: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Drivers]:
    folder: Path = tmp_path_factory.mktemp("drivers")
    with own_database(database_url, db_kind, folder, "drivers_planted") as database:
        seed_database(database, conversations=CONVERSATIONS, seed=SEED, now=NOW, progress=False)
        rebuild_all_facts(database, NOW)
        clear_cache()
        year = InsightFilter(start=date(2025, 1, 1), end=NOW.date())
        with database.reader() as session:
            yield drivers(session, year)


def found(result: DriverResult) -> dict[str, Coefficient]:
    assert result.refusal is None, result.refusal
    return {effect.key: effect.coefficient for effect in result.effects}


def test_every_planted_csat_effect_is_recovered(fitted: Drivers) -> None:
    csat = fitted.result("csat")
    assert csat.n > 1000
    estimates = found(csat)
    for key, truth in PLANTED.items():
        value = estimates[key]
        assert value.low <= truth <= value.high, (key, truth, value)
        if key != "kept_promise":  # +0.1: too small for its sign to be certain
            assert value.estimate * truth > 0, (key, value)
            assert value.p_value < 0.01, (key, value)
    assert csat.sigma is not None
    assert abs(csat.sigma - EFFECTS.csat_noise_sd) < 0.1


def test_nps_moves_with_the_large_csat_effects(fitted: Drivers) -> None:
    estimates = found(fitted.result("nps"))
    for key in LARGE:
        assert estimates[key].estimate * PLANTED[key] > 0, (key, estimates[key])
    reopens = estimates["reopens"]
    assert reopens.low <= EFFECTS.nps_per_satisfaction * EFFECTS.per_reopen <= reopens.high


def test_repeat_business_moves_with_the_service_effects(fitted: Drivers) -> None:
    result = fitted.result("repeat")
    assert result.n > 5000
    effects = {effect.key: effect for effect in result.effects}
    for key in (*LARGE, *MEDIUM):
        effect = effects[key]
        assert effect.coefficient.estimate * PLANTED[key] > 0, (key, effect)
        assert effect.coefficient.high < 0 or effect.coefficient.low > 0, (key, effect)
        assert effect.marginal is not None
        assert effect.marginal.estimate * PLANTED[key] > 0
