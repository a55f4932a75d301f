"""Build conversations with real messages for the quality tests: the customer writes, agents
reply, the clock moves between messages, and the last reply may resolve the conversation."""

from collections.abc import Sequence
from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy.orm import Session

from factories import Factories
from goodwill.agents import passwords
from goodwill.agents.models import Agent, Team
from goodwill.conversations.models import Conversation
from goodwill.conversations.schemas import MessageCreate, MessageKind
from goodwill.conversations.services.messages import add_message
from goodwill.conversations.status import ConversationStatus

Line = tuple[str | Agent, str]  # "customer" | "note" | the agent who replies, and the text

GOOD_THREAD: tuple[Line, ...] = (
    ("customer", "Hello, my kettle leaks from the base when I fill it. Can you help?"),
    (
        "agent",
        "Hi Ada,\n\nI'm sorry to hear your kettle is leaking, that must be frustrating. "
        "Could you tell me the batch number printed under the base?",
    ),
    ("customer", "It says K-2209."),
    (
        "agent",
        "Thank you, Ada. That batch has a known fault, so I've sent you a replacement kettle "
        "today with a prepaid label for the faulty one.\n\nThank you for your patience. "
        "Is there anything else I can help with?",
    ),
)
CURT_THREAD: tuple[Line, ...] = (
    ("customer", "My refund has not arrived and I have been waiting for two weeks."),
    ("agent", "Refund processed."),
)


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 at production cost takes ~0.3 s per agent; these tests are not about hashing.
    Import it into a test module to use it there."""
    monkeypatch.setattr(
        passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    )


def thread(
    make: Factories,
    session: Session,
    *,
    agent: Agent,
    lines: Sequence[Line],
    customer_name: str = "Ada Lovelace",
    team: Team | None = None,
    resolve: bool = True,
    gap: timedelta = timedelta(minutes=10),
) -> Conversation:
    """A conversation opened by the first (customer) line, assigned to `agent`; "agent" in a
    line means `agent`. With `resolve`, the last agent reply resolves it."""
    clock = make.clock
    who, first_text = lines[0]
    assert who == "customer", "a conversation starts with the customer's message"
    customer = make.customer(name=customer_name)
    conversation = make.conversation(customer=customer, body=first_text, team=team, assignee=agent)
    last_reply = max(i for i, (author, _) in enumerate(lines) if author not in ("customer", "note"))
    for index, (author, text) in enumerate(lines[1:], start=1):
        clock.advance(gap)
        if author == "customer":
            data = MessageCreate(kind=MessageKind.CUSTOMER, body_text=text)
            add_message(session, conversation, data=data, actor=None, now=clock.now())
            continue
        replier = agent if author in ("agent", "note") else author
        assert isinstance(replier, Agent)
        if author == "note":
            data = MessageCreate(kind=MessageKind.NOTE, body_text=text)
        else:
            closing = resolve and index == last_reply
            status = ConversationStatus.RESOLVED if closing else ConversationStatus.PENDING
            data = MessageCreate(kind=MessageKind.REPLY, body_text=text, status_after=status)
        add_message(session, conversation, data=data, actor=replier, now=clock.now())
    session.flush()
    return conversation
