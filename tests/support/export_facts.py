"""Facts rows for the export and weekly report tests, inserted directly (those read only this
table, plus names), each for a real conversation."""

from datetime import UTC, date, datetime, time
from typing import Any

from factories import Factories
from goodwill.commerce.models import Product
from goodwill.insights.models import ConversationFact


def add_fact(
    make: Factories,
    *,
    day: date,
    hour: int = 10,
    tags: tuple[str, ...] = (),
    subject: str = "Where is my order?",
    **columns: Any,
) -> ConversationFact:
    """A conversation (with `tags`) and its facts row, opened on `day` at `hour` UTC."""
    conversation = make.conversation(tags=tags, subject=subject)
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
    row = make.session.get(ConversationFact, conversation.id)  # a facts builder may have one
    if row is None:
        row = ConversationFact(conversation_id=conversation.id)
        make.session.add(row)
    for name, value in values.items():
        setattr(row, name, value)
    make.session.flush()
    return row


def add_product(make: Factories, name: str) -> Product:
    row = Product(name=name, slug=name.lower().replace(" ", "-"), created_at=make.clock.now())
    make.session.add(row)
    make.session.flush()
    return row
