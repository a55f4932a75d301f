"""Scorecards and coaching: weeks, rates aggregated in SQL in a fixed number of queries, what
to train next, the worst conversations, and who may see whose scores."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from factories import Factories
from goodwill.agents.models import Agent, Team
from goodwill.agents.roles import Role
from goodwill.core.clock import FixedClock
from goodwill.core.errors import Forbidden
from goodwill.quality.coaching_rules import (
    Rates,
    TrainingFocus,
    period_ending,
    training_focus,
)
from goodwill.quality.models import QualityScore
from goodwill.quality.repository import Subject, rates_by_week
from goodwill.quality.rubric import STEPS
from goodwill.quality.services.coaching import (
    agent_scorecard,
    coaching_overview,
    coaching_scope,
    team_scorecard,
    worst_for,
)
from support.quality_threads import cheap_password_hashing  # noqa: F401  (autouse)

ALL_DONE = dict.fromkeys(STEPS, "done")


def add_score(
    session: Session,
    make: Factories,
    *,
    agent: Agent,
    team: Team | None,
    at: datetime,
    total: int = 100,
    steps: dict[str, str] | None = None,
    **failures: bool,
) -> QualityScore:
    conversation = make.conversation(team=team, assignee=agent)
    score = QualityScore(
        conversation_id=conversation.id,
        agent_id=agent.id,
        team_id=team.id if team else None,
        **(ALL_DONE | (steps or {})),
        strengths={},
        evidence={step: f"{step} evidence" for step in STEPS} | {k: f"{k} seen" for k in failures},
        total=total,
        scorer_version="1",
        conversation_updated_at=at,
        scored_at=at,
        **failures,
    )
    session.add(score)
    session.flush()
    return score


@contextmanager
def counting(session: Session) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    engine = session.get_bind().engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_a_period_is_whole_weeks_from_monday_ending_with_this_one() -> None:
    thursday = datetime(2026, 3, 5, 15, 30, tzinfo=UTC)
    period = period_ending(thursday, weeks=3)
    assert period.start == datetime(2026, 2, 16, tzinfo=UTC)
    assert period.end == datetime(2026, 3, 9, tzinfo=UTC)
    assert [s.day for s in period.week_starts()] == [16, 23, 2]
    with pytest.raises(ValueError, match="weeks"):
        period_ending(thursday, weeks=0)


def rates(done: dict[str, int], missed: dict[str, int], n: int, **failures: int) -> Rates:
    result = Rates(conversations=n)
    result.done.update(done)
    result.missed.update(missed)
    result.failures.update(failures)
    return result


def test_train_next_is_where_the_agent_trails_the_team_most() -> None:
    agent = rates({"needs": 3, "gratitude": 8}, {"needs": 7, "gratitude": 2}, 10, ignored=1)
    team = rates({"needs": 80, "gratitude": 85}, {"needs": 20, "gratitude": 15}, 100, ignored=5)
    focus = training_focus(agent, team)
    assert focus == TrainingFocus("needs", "step", 0.3, 0.8)
    assert focus.gap == 50.0

    breaking = rates({"needs": 8}, {"needs": 2}, 10, promise_broken=6)
    focus = training_focus(breaking, rates({"needs": 8}, {"needs": 2}, 100, promise_broken=5))
    assert focus is not None and (focus.item, focus.kind, focus.gap) == (
        "promise_broken",
        "failure_mode",
        55.0,
    )
    few = rates({"needs": 0}, {"needs": 3}, 3)
    assert training_focus(few, team) is None  # three conversations are too few to coach on
    assert training_focus(team, agent) is None or training_focus(team, agent).item != "needs"  # type: ignore[union-attr]


def test_scores_count_in_the_week_of_their_conversations_last_change(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    agent = make.agent()
    now = clock.now()  # Monday 2 March 2026, 09:00
    add_score(session, make, agent=agent, team=None, at=now - timedelta(hours=1))
    add_score(
        session,
        make,
        agent=agent,
        team=None,
        at=now - timedelta(days=8),
        total=40,
        steps={"needs": "missed", "gratitude": "na"},
    )
    add_score(session, make, agent=agent, team=None, at=now - timedelta(days=30))  # outside
    period = period_ending(now, weeks=3)
    weeks = rates_by_week(session, subject=Subject(agent_id=agent.id), period=period)
    assert [week.conversations for week in weeks] == [1, 0, 1]  # 22 Feb is a Sunday
    older, latest = weeks[0], weeks[2]
    assert older.done_rate("needs") == 0.0 and older.done_rate("gratitude") is None
    assert latest.done_rate("needs") == 1.0
    assert older.average_total == 40


def build_teams(make: Factories) -> dict[str, Any]:
    manager = make.agent(role=Role.MANAGER, name="Sarah Manager")
    priya, tom, outsider = (make.agent(name=n) for n in ("Priya", "Tom", "Olivia Outside"))
    orders = make.team(name="Orders", members=(manager, priya, tom))
    billing = make.team(name="Billing", members=(outsider,))
    return {
        "manager": manager,
        "priya": priya,
        "tom": tom,
        "outsider": outsider,
        "orders": orders,
        "billing": billing,
    }


def test_agents_see_their_own_managers_their_teams_admins_everyone(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    people = build_teams(make)
    admin = make.agent(role=Role.ADMIN)
    now = clock.now()

    def card(viewer: Agent, whom: Agent) -> object:
        scope = coaching_scope(session, viewer)
        return agent_scorecard(session, whom.id, scope=scope, now=now, weeks=4)

    assert card(people["tom"], people["tom"])
    with pytest.raises(Forbidden):
        card(people["tom"], people["priya"])
    assert card(people["manager"], people["priya"])
    with pytest.raises(Forbidden):
        card(people["manager"], people["outsider"])
    assert card(admin, people["outsider"])

    manager_scope = coaching_scope(session, people["manager"])
    assert team_scorecard(session, people["orders"].id, scope=manager_scope, now=now, weeks=4)
    with pytest.raises(Forbidden):
        team_scorecard(session, people["billing"].id, scope=manager_scope, now=now, weeks=4)
    with pytest.raises(Forbidden):
        team_scorecard(
            session,
            people["orders"].id,
            scope=coaching_scope(session, people["tom"]),
            now=now,
            weeks=4,
        )
    overview = coaching_overview(session, scope=manager_scope, now=now, weeks=4)
    assert [team.name for team in overview.teams] == ["Orders"]
    assert {a.name for a, _ in overview.agents} == {"Sarah Manager", "Priya", "Tom"}


def test_an_agent_scorecard_compares_with_the_team_and_says_what_to_train(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    people = build_teams(make)
    now = clock.now()
    for day in range(6):
        add_score(
            session,
            make,
            agent=people["priya"],
            team=people["orders"],
            at=now - timedelta(days=day),
        )
        add_score(
            session,
            make,
            agent=people["tom"],
            team=people["orders"],
            total=50 - day,
            at=now - timedelta(days=day),
            steps={"needs": "missed"},
        )
    scope = coaching_scope(session, people["manager"])
    card = agent_scorecard(session, people["tom"].id, scope=scope, now=now, weeks=2)
    assert card.overall.conversations == 6
    assert card.overall.done_rate("needs") == 0.0
    assert card.team.done_rate("needs") == 0.5
    assert card.train_next is not None
    assert card.train_next.focus.item == "needs"
    assert len(card.train_next.examples) == 3
    assert all(row.missed_steps == ["needs"] for row in card.train_next.examples)
    assert [row.total for row in card.worst][:3] == [45, 46, 47]

    priya = agent_scorecard(session, people["priya"].id, scope=scope, now=now, weeks=2)
    assert priya.train_next is None  # ahead of the team everywhere


def test_worst_conversations_for_an_agent_see_only_their_own(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    people = build_teams(make)
    now = clock.now()
    add_score(session, make, agent=people["priya"], team=people["orders"], at=now, total=10)
    mine = add_score(session, make, agent=people["tom"], team=people["orders"], at=now, total=30)
    scope = coaching_scope(session, people["tom"])
    rows = worst_for(session, scope=scope, now=now, weeks=4, agent_id=None, team_id=None, limit=10)
    assert [row.conversation_id for row in rows] == [mine.conversation_id]
    manager = coaching_scope(session, people["manager"])
    rows = worst_for(
        session, scope=manager, now=now, weeks=4, agent_id=None, team_id=None, limit=10
    )
    assert [row.total for row in rows] == [10, 30]


def test_scorecards_cost_the_same_queries_for_6_or_60_scores(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    people = build_teams(make)
    admin = make.agent(role=Role.ADMIN)
    now = clock.now()

    def add(count: int) -> None:
        for index in range(count):
            add_score(
                session,
                make,
                agent=people["tom"],
                team=people["orders"],
                at=now - timedelta(days=index % 20),
                total=index,
                steps={"rapport": "missed"},
                ignored=index % 2 == 0,
            )

    def statements() -> tuple[int, int, int]:
        scope = coaching_scope(session, admin)
        with counting(session) as agent_view:
            agent_scorecard(session, people["tom"].id, scope=scope, now=now, weeks=12)
        with counting(session) as team_view:
            team_scorecard(session, people["orders"].id, scope=scope, now=now, weeks=12)
        with counting(session) as overview:
            coaching_overview(session, scope=scope, now=now, weeks=12)
        return len(agent_view), len(team_view), len(overview)

    add(6)
    few = statements()
    add(54)
    assert statements() == few
    assert max(few) <= 8
