"""A hand-built month of facts whose every dashboard figure is worked out by hand in the tests.

February 2026 (the period; the clock says 2026-03-02) holds c1..c6, January (the previous period)
p1 and p2; one more conversation on 1 March and two orders decide who came back."""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from factories import Factories
from goodwill.agents.models import Agent, Team
from goodwill.commerce.models import Product
from goodwill.insights.filters import InsightFilter
from goodwill.insights.models import ConversationFact
from support.insights_facts_factory import fact, order, product

FEBRUARY = InsightFilter(start=date(2026, 2, 1), end=date(2026, 2, 28))
ALL_DONE = {
    f"step_{s}": "done" for s in ("acknowledgement", "rapport", "needs", "solution", "gratitude")
}
ALL_MISSED = dict.fromkeys(ALL_DONE, "missed")


@dataclass
class Scenario:
    team_one: Team
    team_two: Team
    xavier: Agent
    yara: Agent
    kettle: Product
    facts: dict[str, ConversationFact]


def build(make: Factories) -> Scenario:
    now = make.clock.now()
    team_one, team_two = make.team(name="Returns"), make.team(name="Billing")
    xavier, yara = make.agent(name="Xavier"), make.agent(name="Yara")
    kettle = product(make.session, "Kettle", now)
    ann, bob, cat, dan, eve, fay = (
        make.customer(name=n) for n in ("Ann", "Bob", "Cat", "Dan", "Eve", "Fay")
    )
    answered = {"survey_sent": True, "survey_answered": True}
    resolved = {"status": "resolved", "resolved_at": datetime(2026, 2, 27, tzinfo=UTC)}
    facts = {
        "c1": fact(
            make,
            day=date(2026, 2, 2),
            customer=ann,
            **resolved,
            **answered,
            csat=5,
            nps=10,
            ces=7,
            sentiment_start=-0.5,
            sentiment_end=0.5,
            repurchased=True,
            team_id=team_one.id,
            agent_id=xavier.id,
            product_id=kettle.id,
            **ALL_DONE,
            quality_total=100,
        ),
        "c2": fact(
            make,
            day=date(2026, 2, 3),
            customer=bob,
            channel="chat",
            **resolved,
            **answered,
            csat=4,
            nps=8,
            ces=5,
            sentiment_start=0.2,
            sentiment_end=0.25,
            repurchased=False,
            team_id=team_one.id,
            agent_id=yara.id,
            **(ALL_DONE | {"step_rapport": "missed", "step_gratitude": "na"}),
            quality_total=80,
            failure_not_listening=True,
        ),
        "c3": fact(
            make,
            day=date(2026, 2, 10),
            customer=cat,
            **resolved,
            **answered,
            csat=2,
            nps=3,
            ces=2,
            sentiment_start=0.5,
            sentiment_end=-0.5,
            repurchased=False,
            team_id=team_two.id,
            agent_id=xavier.id,
            product_id=kettle.id,
            **ALL_MISSED,
            quality_total=0,
            failure_ignored=True,
            failure_promise_broken=True,
        ),
        "c4": fact(
            make,
            day=date(2026, 2, 12),
            customer=ann,
            **resolved,
            survey_sent=True,
            predicted_csat=3.5,
            team_id=team_two.id,
        ),
        "c5": fact(
            make,
            day=date(2026, 2, 20),
            customer=dan,
            channel="chat",
            **resolved,
            predicted_csat=4.5,
            **(ALL_DONE | {"step_rapport": "na", "step_needs": "na"}),
            quality_total=90,
        ),
        "c6": fact(
            make,
            day=date(2026, 2, 25),
            customer=eve,
            team_id=team_one.id,
            agent_id=xavier.id,
            failure_no_follow_up=True,
        ),
        "p1": fact(
            make,
            day=date(2026, 1, 10),
            customer=fay,
            **resolved,
            **answered,
            csat=1,
            nps=0,
            ces=1,
            repurchased=True,
            team_id=team_one.id,
            agent_id=xavier.id,
            **(ALL_MISSED | {"step_acknowledgement": "done"}),
            quality_total=40,
            failure_lacking_knowledge=True,
        ),
        "p2": fact(
            make, day=date(2026, 1, 20), customer=fay, **resolved, **answered, csat=3, nps=9
        ),
        "later": fact(make, day=date(2026, 3, 1), customer=cat),
    }
    order(make.session, dan, datetime(2026, 2, 21, tzinfo=UTC))  # Dan came back by buying
    order(make.session, bob, datetime(2026, 2, 1, tzinfo=UTC))  # before Bob's conversation
    return Scenario(team_one, team_two, xavier, yara, kettle, facts)
