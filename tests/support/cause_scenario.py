"""A hand-built February of facts and reviews for the Root cause dashboard tests.

Unhappy in February (2026-02-01..28): c1 CSAT 1 service/attitude, c2 CSAT 2 service/slow,
c3 NPS 3 product/defect, c4 unrated predicted 2.0 policy, c5 CES 2 with no cause found ("none"),
c6 unrated with a negative ending, service/no_follow_up (product A). Not unhappy: c7 CSAT 5,
c8 CSAT 4 (its stray cause must not count), c9 unrated with a good prediction. Previous
period (2026-01-04..31): p1 CSAT 1 product/quality. Reviews in February: r1 2 of 5
product/defect (product A), r2 3 of 10 service/attitude; not counted: r3 5 of 10, r4 in
January, r5 4 of 5."""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from factories import Factories
from goodwill.commerce.models import Product, Review
from goodwill.insights.filters import InsightFilter
from goodwill.insights.models import ConversationFact
from support.insights_facts_factory import fact, product

FEBRUARY = InsightFilter(start=date(2026, 2, 1), end=date(2026, 2, 28))


@dataclass(frozen=True, slots=True)
class CauseScenario:
    facts: dict[str, ConversationFact]
    product_a: Product


def review(
    make: Factories,
    rating: int,
    scale: int,
    day: date,
    *,
    text: str = "",
    cause: str | None = None,
    detail: str | None = None,
    product_id: int | None = None,
    title: str = "",
) -> Review:
    row = Review(
        rating=rating,
        rating_scale=scale,
        text=text,
        title=title,
        reviewed_at=datetime(day.year, day.month, day.day, 12, tzinfo=UTC),
        cause=cause,
        cause_detail=detail,
        product_id=product_id,
    )
    make.session.add(row)
    make.session.flush()
    return row


def build(make: Factories) -> CauseScenario:
    product_a = product(make.session, "Kettle", make.clock.now())
    feb = date(2026, 2, 1)
    facts = {
        "c1": fact(
            make,
            day=feb.replace(day=3),
            csat=1,
            cause="service",
            cause_detail="attitude",
            cause_evidence='comment: "rude"',
        ),
        "c2": fact(
            make, day=feb.replace(day=5), csat=2, cause="service", cause_detail="slow_or_ignored"
        ),
        "c3": fact(make, day=feb.replace(day=10), nps=3, cause="product", cause_detail="defect"),
        "c4": fact(
            make, day=feb.replace(day=20), predicted_csat=2.0, cause="policy", cause_detail="policy"
        ),
        "c5": fact(make, day=feb.replace(day=21), ces=2, cause="none", cause_detail=""),
        "c6": fact(
            make,
            day=feb.replace(day=25),
            sentiment_end=-0.6,
            cause="service",
            cause_detail="no_follow_up",
            product_id=product_a.id,
        ),
        "c7": fact(make, day=feb.replace(day=22), csat=5),
        "c8": fact(make, day=feb.replace(day=23), csat=4, cause="service", cause_detail="attitude"),
        "c9": fact(make, day=feb.replace(day=24), predicted_csat=4.2, sentiment_end=0.4),
        "p1": fact(make, day=date(2026, 1, 20), csat=1, cause="product", cause_detail="quality"),
    }
    review(
        make, 2, 5, feb.replace(day=8), cause="product", detail="defect", product_id=product_a.id
    )
    review(make, 3, 10, feb.replace(day=9), cause="service", detail="attitude")
    review(make, 5, 10, feb.replace(day=9), cause="service", detail="attitude")
    review(make, 1, 5, date(2026, 1, 9), cause="product", detail="quality")
    review(make, 4, 5, feb.replace(day=9))
    return CauseScenario(facts, product_a)
