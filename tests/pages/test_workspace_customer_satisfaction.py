"""A customer's page: satisfaction history beside service history, in a fixed number of queries."""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.orm import Session

from factories import Factories
from goodwill.commerce.models import Review
from goodwill.core.clock import FixedClock
from goodwill.core.db import Database
from goodwill.customers.models import Customer
from goodwill.surveys.models import SurveyKind
from support.commerce_data import answer, at, order, prediction


@contextmanager
def counting(database: Database) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(database.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(database.engine, "before_cursor_execute", count)


def history(session: Session, make: Factories, customer: Customer, size: int) -> None:
    for n in range(size):
        order(session, customer, at(1, 1 + n), f"{customer.id}-{n}", cents=1250)
        answer(session, customer, SurveyKind.CSAT, 5, at(1, 2 + n), comment=f"thanks {n}")
        rated = make.conversation(customer=customer, subject=f"Rated {n}")
        rated.sentiment_start, rated.sentiment_end = -0.5, 0.25
        unrated = make.conversation(customer=customer, subject=f"Unrated {n}")
        prediction(session, unrated.id, 3.6, at(2, 1))
        session.add(
            Review(
                customer_id=customer.id,
                rating=4,
                rating_scale=5,
                text=f"Nice {n}",
                title="",
                source="import",
                reviewed_at=at(1, 3),
                external_id=f"r{customer.id}-{n}",
            )
        )
    session.flush()


def test_customer_page_shows_ratings_reviews_orders_and_churn(
    client: TestClient, make: Factories, session: Session, clock: FixedClock, csrf: str
) -> None:
    ada = make.customer(name="Ada Lovelace", email="ada@example.com")
    order(session, ada, clock.now() - timedelta(days=70), "A-1", cents=4999)
    order(session, ada, clock.now() - timedelta(days=40), "A-2")
    answer(
        session, ada, SurveyKind.CSAT, 5, clock.now() - timedelta(days=60), comment="Quick and kind"
    )
    answer(session, ada, SurveyKind.NPS, 3, clock.now() - timedelta(days=5), comment="Too pricey")
    conversation = make.conversation(customer=ada, subject="Where is my parcel")
    conversation.sentiment_start, conversation.sentiment_end = -0.6, 0.4
    prediction(session, conversation.id, 2.4, clock.now() - timedelta(days=10))
    session.add(
        Review(
            customer_id=ada.id,
            rating=8,
            rating_scale=10,
            text="Good value",
            title="Happy",
            source="import",
            reviewed_at=clock.now() - timedelta(days=3),
            external_id="r1",
        )
    )
    session.flush()

    page = client.get(f"/customers/{ada.id}").text

    assert "Where is my parcel" in page
    assert '<dd class="nps-group">detractor</dd>' in page
    assert "Quick and kind" in page and "Too pricey" in page
    assert re.search(r"<td>NPS</td>\s*<td>3</td>", page)
    assert "-0.60" in page and "+0.40" in page and "+1.00" in page
    assert "2.4 / 5" in page
    assert "<strong>Happy</strong> Good value" in page and "8 / 10" in page
    assert "49.99 EUR" in page and "A-2" in page
    assert "2 (repeat customer)" in page
    churn = re.search(r'<dd class="churn-risk">(.*?)</dd>', page, re.S)
    assert churn is not None
    assert ">high</span> last order 40 days ago, 1.3x their usual 30-day gap" in churn.group(1)
    assert "latest NPS 3 is unhappy" in churn.group(1)
    assert '<dd class="segment">loyal</dd>' in page  # CSAT 5 sixty days ago, bought again after


def test_a_rated_conversation_shows_no_prediction_and_empty_sections_say_so(
    client: TestClient, make: Factories, session: Session, clock: FixedClock, csrf: str
) -> None:
    bo = make.customer(name="Bo", email="bo@example.com")
    rated = make.conversation(customer=bo, subject="Rated one")
    answer(session, bo, SurveyKind.CSAT, 4, clock.now(), conversation_id=rated.id)
    prediction(session, rated.id, 4.4, clock.now())

    page = client.get(f"/customers/{bo.id}").text

    assert "4.4 / 5" not in page
    assert "No predictions." in page
    assert "No orders." in page and "no orders yet" in page
    assert '<dd class="segment">satisfied</dd>' in page


def test_customer_page_costs_the_same_queries_for_a_short_or_long_history(
    client: TestClient, make: Factories, session: Session, database: Database, csrf: str
) -> None:
    few, many = make.customer(name="Few"), make.customer(name="Many")
    history(session, make, few, 1)
    history(session, make, many, 6)

    def statements(customer: Customer) -> int:
        with counting(database) as seen:
            response = client.get(f"/customers/{customer.id}")
        assert response.status_code == 200
        assert "Nice 0" in response.text
        return len(seen)

    assert statements(few) == statements(many)
