"""The planted effects show in the generated data, and a regression recovers their sizes."""

import statistics
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from goodwill.demo.arrivals import defect_window
from goodwill.demo.catalog import DEFECT_PRODUCT
from goodwill.demo.effects import PlantedEffects, is_slow
from goodwill.demo.generator import DemoGenerator
from goodwill.demo.rows import COLUMNS, Batch
from goodwill.demo.world import standalone_world

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
WORLD = standalone_world(NOW.year)
CONVERSATIONS = 20000


@pytest.fixture(scope="module")
def year_rows() -> tuple[DemoGenerator, Batch]:
    """A year of rows, with the ground truth of each resolved conversation."""
    generator = DemoGenerator(
        WORLD, conversations=CONVERSATIONS, seed=11, now=int(NOW.timestamp()), keep_truth=True
    )
    total = Batch()
    for batch in generator.batches():
        for table, rows in batch.rows.items():
            total.rows[table].extend(rows)
    return generator, total


@pytest.fixture(scope="module")
def year(year_rows: tuple[DemoGenerator, Batch]) -> DemoGenerator:
    return year_rows[0]


def mean_csat(generator: DemoGenerator, condition: Any) -> float:
    return statistics.mean(t.csat for t in generator.truth if condition(t.facts))


@pytest.mark.parametrize(
    ("_case", "worse", "better"),
    [
        (
            "defect period",
            lambda f: f.defect_period,
            lambda f: f.product == DEFECT_PRODUCT and not f.defect_period,
        ),
        (
            "slow first reply",
            lambda f: is_slow(f, PlantedEffects()),
            lambda f: not is_slow(f, PlantedEffects()),
        ),
        ("broken promise", lambda f: f.promise_broken, lambda f: f.promise_kept),
        ("reopened", lambda f: f.reopens > 0, lambda f: f.reopens == 0),
        ("not greeted", lambda f: not f.greeted_by_name, lambda f: f.greeted_by_name),
        ("needs not asked", lambda f: not f.asked_needs, lambda f: f.asked_needs),
        ("no thanks", lambda f: not f.thanked, lambda f: f.thanked),
        ("transferred", lambda f: f.transferred, lambda f: not f.transferred),
    ],
)
def test_planted_effect_lowers_csat(
    year: DemoGenerator, _case: str, worse: Any, better: Any
) -> None:
    assert mean_csat(year, worse) < mean_csat(year, better)


def test_defect_period_costs_about_a_point_of_csat(year: DemoGenerator) -> None:
    defect = mean_csat(year, lambda f: f.defect_period)
    others = mean_csat(year, lambda f: f.product == DEFECT_PRODUCT and not f.defect_period)
    assert 0.6 < others - defect < 1.4


def test_well_served_customers_buy_again_more_often(year: DemoGenerator) -> None:
    happy = [t.repurchased for t in year.truth if t.csat >= 4]
    unhappy = [t.repurchased for t in year.truth if t.csat <= 2]
    assert statistics.mean(happy) > 2 * statistics.mean(unhappy)


def test_answered_surveys_show_the_defect_and_slow_replies(
    year_rows: tuple[DemoGenerator, Batch],
) -> None:
    """The effects are visible in the stored rows, not only in the generator's ground truth."""
    _, batch = year_rows
    window = defect_window(int((NOW - timedelta(days=365)).timestamp()))
    kettle = next(product.id for product in WORLD.products if product.slug == DEFECT_PRODUCT)
    conversations = {row[0]: row for row in batch.rows["conversations"]}
    created, product = (
        COLUMNS["conversations"].index("created_at"),
        COLUMNS["conversations"].index("product_id"),
    )
    first = {
        e["conversation_id"]: e["data"]["business_seconds"]
        for e in batch.dicts("conversation_events")
        if e["kind"] == "first_response"
    }
    scores: dict[str, list[int]] = defaultdict(list)
    for response in batch.dicts("survey_responses"):
        if response["kind"] == "csat":
            conversation = conversations[response["conversation_id"]]
            scores["slow" if first[conversation[0]] > 4 * 3600 else "fast"].append(
                response["score"]
            )
            if conversation[product] == kettle:
                during = window.contains(conversation[created])
                scores["leaking kettle" if during else "kettle"].append(response["score"])
    assert statistics.mean(scores["slow"]) < statistics.mean(scores["fast"]) - 0.3
    assert statistics.mean(scores["leaking kettle"]) < statistics.mean(scores["kettle"]) - 0.5


def test_a_regression_controlling_for_product_recovers_the_planted_effects(
    year: DemoGenerator,
) -> None:
    effects = PlantedEffects()
    planted = [
        effects.slow_first_reply,
        effects.per_reopen,
        effects.broken_promise,
        effects.kept_promise,
        effects.greeted_by_name,
        effects.asked_needs,
        effects.thanked,
        effects.transferred,
        effects.defect_period_product,
    ]
    rows = [(service_and_controls(truth.facts), truth.satisfaction) for truth in year.truth]
    latent = least_squares(rows)[1 : len(planted) + 1]
    assert latent == pytest.approx(planted, abs=0.1)
    observed = least_squares(
        [(x, float(t.csat)) for (x, _), t in zip(rows, year.truth, strict=True)]
    )
    for estimate, effect in zip(observed[1 : len(planted) + 1], planted, strict=True):
        assert 0.5 * abs(effect) < abs(estimate) < abs(effect) and estimate * effect > 0


def service_and_controls(facts: Any) -> dict[int, float]:
    """Sparse regressors: intercept, the nine service factors, product/topic/channel dummies."""
    values = [
        1.0,
        is_slow(facts, PlantedEffects()),
        facts.reopens,
        facts.promise_broken,
        facts.promise_kept,
        facts.greeted_by_name,
        facts.asked_needs,
        facts.thanked,
        facts.transferred,
        facts.defect_period,
    ]
    row = {index: float(value) for index, value in enumerate(values) if value}
    for offset, (name, levels) in enumerate(CONTROLS):
        level = getattr(facts, name)
        if level in levels[1:]:
            row[10 + offset * 8 + levels.index(level)] = 1.0
    return row


CONTROLS = tuple(
    (name, sorted(getattr(PlantedEffects(), name))) for name in ("product", "topic", "channel")
)


def least_squares(rows: list[tuple[dict[int, float], float]]) -> list[float]:
    """Ordinary least squares through the normal equations (small, sparse, no numpy)."""
    size = 10 + 8 * len(CONTROLS)
    gram = [[0.0] * (size + 1) for _ in range(size)]
    for x, y in rows:
        for i, xi in x.items():
            gram[i][size] += xi * y
            for j, xj in x.items():
                gram[i][j] += xi * xj
    used = [i for i in range(size) if gram[i][i]]
    matrix = [[gram[i][j] for j in used] + [gram[i][size]] for i in used]
    for column in range(len(used)):
        pivot = max(range(column, len(used)), key=lambda r: abs(matrix[r][column]))
        matrix[column], matrix[pivot] = matrix[pivot], matrix[column]
        for r in range(len(used)):
            if r != column and matrix[r][column]:
                factor = matrix[r][column] / matrix[column][column]
                matrix[r] = [a - factor * b for a, b in zip(matrix[r], matrix[column], strict=True)]
    solution = dict(
        zip(used, (matrix[i][-1] / matrix[i][i] for i in range(len(used))), strict=True)
    )
    return [solution.get(i, 0.0) for i in range(size)]
