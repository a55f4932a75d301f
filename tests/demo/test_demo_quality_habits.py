"""The demo's planted agent habits show up in the automatic scores and the scorecards: agents
who ask, thank and keep promises more often score better on those steps and failure modes."""

from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from goodwill.agents.models import Agent
from goodwill.conversations.models import Conversation
from goodwill.core.db import Database
from goodwill.demo.habits import DEMO_DOMAIN, ROSTER, Habits
from goodwill.demo.loader import seed_database
from goodwill.quality.coaching_rules import Period, Rates
from goodwill.quality.models import QualityScore
from goodwill.quality.repository import Subject, rates_by_agent
from goodwill.quality.services.score import score_conversations
from goodwill.schema import upgrade_to_head

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
CONVERSATIONS = 2500
HABITS = {spec.key: spec.habits for spec in ROSTER}


@pytest.fixture(scope="module")
def scored_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """A small demo year, every replied conversation scored as the worker would."""
    url = f"sqlite:///{tmp_path_factory.mktemp('habits') / 'demo.db'}"
    upgrade_to_head(url)
    database = Database(url)
    seed_database(database, conversations=CONVERSATIONS, seed=7, now=NOW, progress=False)
    with database.transaction() as session:
        replied = session.scalars(
            select(Conversation.id).where(Conversation.first_response_at.is_not(None))
        ).all()
        score_conversations(session, replied, now=NOW)
    yield database
    database.dispose()


def agent_key(agent: Agent) -> str:
    local, _, domain = agent.email.partition("@")
    return local if domain == DEMO_DOMAIN else "alex.morgan"  # the admin's address is chosen


@pytest.fixture(scope="module")
def per_agent(scored_demo: Database) -> dict[str, Rates]:
    """The scorecard's own aggregation (SQL), per demo agent, over the whole demo year."""
    period = Period(start=NOW - timedelta(weeks=60), weeks=61)
    with scored_demo.reader() as session:
        agents = {agent.id: agent_key(agent) for agent in session.scalars(select(Agent))}
        rates = rates_by_agent(session, subject=Subject(), period=period)
    return {agents[agent_id]: value for agent_id, value in rates.items() if value.conversations}


def spearman(pairs: list[tuple[float, float]]) -> float:
    def ranks(values: list[float]) -> list[float]:
        order = sorted(range(len(values)), key=lambda i: values[i])
        result = [0.0] * len(values)
        position = 0
        while position < len(order):
            end = position
            while end + 1 < len(order) and values[order[end + 1]] == values[order[position]]:
                end += 1
            for k in range(position, end + 1):
                result[order[k]] = (position + end) / 2
            position = end + 1
        return result

    xs, ys = ranks([p[0] for p in pairs]), ranks([p[1] for p in pairs])
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    cov = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    var_x = sum((x - mean_x) ** 2 for x in xs)
    var_y = sum((y - mean_y) ** 2 for y in ys)
    return cov / (var_x * var_y) ** 0.5


def extremes(
    per_agent: dict[str, Rates], habit: Callable[[Habits], float]
) -> tuple[list[str], list[str]]:
    """The agents with the highest and with the lowest value of a habit (ties kept)."""
    values = {key: habit(HABITS[key]) for key in per_agent}
    top, bottom = max(values.values()), min(values.values())
    return (
        [key for key, value in values.items() if value == top],
        [key for key, value in values.items() if value == bottom],
    )


def test_enough_agents_have_scores(per_agent: dict[str, Rates]) -> None:
    assert len(per_agent) >= 10
    assert all(rates.conversations >= 50 for rates in per_agent.values())


@pytest.mark.parametrize(
    ("habit", "step"),
    [
        (lambda h: h.greets_by_name, "acknowledgement"),
        (lambda h: h.asks_needs, "needs"),
        (lambda h: h.thanks, "gratitude"),
    ],
    ids=["greets_by_name", "asks_needs", "thanks"],
)
def test_the_most_habitual_agent_does_the_step_more_than_the_least(
    per_agent: dict[str, Rates], habit: Callable[[Habits], float], step: str
) -> None:
    most, least = extremes(per_agent, habit)
    lowest_of_most = min(per_agent[key].done_rate(step) or 0 for key in most)
    highest_of_least = max(per_agent[key].done_rate(step) or 0 for key in least)
    assert lowest_of_most > highest_of_least, (most, least)


@pytest.mark.parametrize(
    ("habit", "step"),
    [(lambda h: h.asks_needs, "needs"), (lambda h: h.thanks, "gratitude")],
    ids=["asks_needs", "thanks"],
)
def test_step_done_rates_follow_the_habit_across_all_agents(
    per_agent: dict[str, Rates], habit: Callable[[Habits], float], step: str
) -> None:
    pairs = [(habit(HABITS[key]), rates.done_rate(step) or 0) for key, rates in per_agent.items()]
    assert spearman(pairs) >= 0.8


def test_agents_who_break_promises_show_the_failure_mode(per_agent: dict[str, Rates]) -> None:
    keepers, breakers = extremes(per_agent, lambda h: h.keeps_promises)
    assert min(per_agent[k].failure_rate("promise_broken") or 0 for k in breakers) > max(
        per_agent[k].failure_rate("promise_broken") or 0 for k in keepers
    )
    pairs = [
        (HABITS[key].keeps_promises, rates.failure_rate("promise_broken") or 0)
        for key, rates in per_agent.items()
    ]
    assert spearman(pairs) <= -0.7


def test_greeting_by_name_shows_in_the_acknowledgement_strength(scored_demo: Database) -> None:
    """A generic greeting still counts as done (strength 0.7); by name it is 1.0. So the
    greets_by_name habit shows in how often a done acknowledgement is by name."""
    by_name: dict[str, list[bool]] = defaultdict(list)
    with scored_demo.reader() as session:
        agents = {agent.id: agent_key(agent) for agent in session.scalars(select(Agent))}
        rows = session.execute(
            select(QualityScore.agent_id, QualityScore.strengths).where(
                QualityScore.acknowledgement == "done"
            )
        )
        for agent_id, strengths in rows:
            by_name[agents[agent_id]].append(strengths.get("acknowledgement") == 1.0)
    pairs = [
        (HABITS[key].greets_by_name, sum(flags) / len(flags))
        for key, flags in by_name.items()
        if len(flags) >= 30
    ]
    assert len(pairs) >= 10
    assert spearman(pairs) >= 0.8
