"""A small factory of conversation_facts rows for the Satisfaction and Quality dashboard tests
(inserted directly: the dashboards read only this table)."""

from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy.orm import Session

from factories import Factories
from goodwill.commerce.models import Order, Product
from goodwill.customers.models import Customer
from goodwill.insights.models import ConversationFact
from goodwill.insights.services.rollup import refresh_rollup_days


def fact(
    make: Factories,
    *,
    day: date,
    customer: Customer | None = None,
    hour: int = 10,
    **columns: Any,
) -> ConversationFact:
    """A real conversation (facts reference it) and its facts row, opened on `day` at `hour`."""
    conversation = make.conversation(customer=customer)
    opened_at = datetime.combine(day, time(hour), tzinfo=UTC)
    values: dict[str, Any] = {
        "customer_id": conversation.customer_id,
        "opened_at": opened_at,
        "opened_on": day,
        "channel": "email",
        "priority": "normal",
        "status": "open",
        "segment": "new",
        "refreshed_at": opened_at,
    } | columns
    session = make.session
    row = session.get(ConversationFact, conversation.id)  # a facts builder may have made one
    if row is None:
        row = ConversationFact(conversation_id=conversation.id)
        session.add(row)
    for name, value in values.items():
        setattr(row, name, value)
    session.flush()
    refresh_rollup_days(session, [row.opened_on])  # as the facts refresh does
    return row


def product(session: Session, name: str, now: datetime) -> Product:
    row = Product(name=name, slug=name.lower().replace(" ", "-"), created_at=now)
    session.add(row)
    session.flush()
    return row


def order(session: Session, customer: Customer, at: datetime) -> Order:
    row = Order(customer_id=customer.id, ordered_at=at, amount_cents=1000, currency="USD")
    session.add(row)
    session.flush()
    return row
