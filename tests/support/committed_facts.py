"""A real conversation (through the services) with a facts row written directly and the daily
rollup kept, for tests that commit data a live server then reads (browser, real HTTP)."""

import uuid
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy.orm import Session

from goodwill.conversations.schemas import ConversationCreate, CustomerRef, MessageCreate
from goodwill.conversations.services.open import open_conversation
from goodwill.customers.models import IdentityKind
from goodwill.customers.schemas import CustomerCreate, IdentityIn
from goodwill.customers.service import create_customer
from goodwill.insights.models import ConversationFact
from goodwill.insights.services.rollup import refresh_rollup_days


def conversation_with_facts(
    session: Session, *, day: date, now: datetime, subject: str = "Kettle", **values: Any
) -> ConversationFact:
    """Opened on `day` at 10:00 UTC, resolved, by email, from a new customer; `values` set or
    override any fact column."""
    customer = create_customer(
        session,
        now=now,
        data=CustomerCreate(
            name="Ada Lovelace",
            identities=[
                IdentityIn(kind=IdentityKind.EMAIL, value=f"{uuid.uuid4().hex}@example.com")
            ],
        ),
    )
    conversation = open_conversation(
        session,
        actor=None,
        now=now,
        data=ConversationCreate(
            subject=subject,
            customer=CustomerRef(id=customer.id),
            message=MessageCreate(body_text="My kettle will not boil."),
        ),
    )
    session.flush()
    opened = datetime.combine(day, time(10), tzinfo=UTC)
    row = session.get(ConversationFact, conversation.id)  # a facts builder may have made one
    if row is None:
        row = ConversationFact(conversation_id=conversation.id)
        session.add(row)
    facts = {
        "customer_id": customer.id,
        "opened_at": opened,
        "opened_on": day,
        "channel": "email",
        "priority": "normal",
        "status": "resolved",
        "segment": "new",
        "refreshed_at": now,
    } | values
    for name, value in facts.items():
        setattr(row, name, value)
    session.flush()
    refresh_rollup_days(session, [day])  # as the facts refresh does
    return row
