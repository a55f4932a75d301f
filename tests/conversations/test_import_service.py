"""Importing history: live facts and events, customers found or created, re-imports skipped."""

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from factories import Factories
from goodwill.conversations.enums import EventKind
from goodwill.conversations.import_schemas import ConversationImportRequest
from goodwill.conversations.models import Conversation, ConversationEvent, Message
from goodwill.conversations.services.import_history import import_conversations
from goodwill.conversations.status import ConversationStatus
from goodwill.core.clock import FixedClock
from goodwill.core.errors import Conflict, Invalid
from goodwill.core.jobs.models import Job


def thread(
    clock: FixedClock,
    n: int,
    *,
    email: str = "ada@example.com",
    status: str | None = "resolved",
    reply_after_hours: int = 1,
) -> dict[str, Any]:
    start = clock.now() - timedelta(days=2)
    return {
        "subject": f"Refund {n}",
        "customer": {"kind": "email", "value": email, "name": "Ada Lovelace"},
        "status": status,
        "tags": ["refund"],
        "messages": [
            {
                "kind": "customer",
                "body_text": "I want a refund",
                "created_at": start.isoformat(),
                "external_id": f"<{n}-1@example.com>",
            },
            {
                "kind": "reply",
                "body_text": "Done, Ada.",
                "external_id": f"<{n}-2@example.com>",
                "created_at": (start + timedelta(hours=reply_after_hours)).isoformat(),
            },
        ],
    }


def test_import_sets_facts_events_and_sends_nothing(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    agent = make.agent()
    request = ConversationImportRequest.model_validate(
        {"conversations": [thread(clock, 1), thread(clock, 2, email="ADA@example.com")]}
    )
    result = import_conversations(session, request=request, actor=agent, now=clock.now())
    assert result.imported_conversations == 2
    assert result.imported_messages == 4
    first = session.get(Conversation, result.conversation_ids[0])
    second = session.get(Conversation, result.conversation_ids[1])
    assert first is not None and second is not None
    assert first.customer_id == second.customer_id  # one customer, found by normalised email
    assert first.status == ConversationStatus.RESOLVED
    assert first.first_response_at == clock.now() - timedelta(days=2) + timedelta(hours=1)
    kinds = list(
        session.scalars(
            select(ConversationEvent.kind)
            .where(ConversationEvent.conversation_id == first.id)
            .order_by(ConversationEvent.id)
        )
    )
    assert kinds[:4] == [
        EventKind.CREATED,
        EventKind.MESSAGE_ADDED,
        EventKind.MESSAGE_ADDED,
        EventKind.FIRST_RESPONSE,
    ]
    assert session.scalar(select(func.count()).select_from(Job)) == 0


def test_reimport_is_skipped(session: Session, make: Factories, clock: FixedClock) -> None:
    agent = make.agent()
    request = ConversationImportRequest.model_validate({"conversations": [thread(clock, 3)]})
    import_conversations(session, request=request, actor=agent, now=clock.now())
    again = import_conversations(session, request=request, actor=agent, now=clock.now())
    assert again.skipped_conversations == 1
    assert again.imported_messages == 0
    assert session.scalar(select(func.count()).select_from(Message)) == 2


def test_partly_known_thread_is_a_conflict(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    agent = make.agent()
    import_conversations(
        session,
        actor=agent,
        now=clock.now(),
        request=ConversationImportRequest.model_validate({"conversations": [thread(clock, 4)]}),
    )
    mixed = thread(clock, 4)
    mixed["messages"][1]["external_id"] = "<new@example.com>"
    with pytest.raises(Conflict, match="mixes already imported"):
        import_conversations(
            session,
            actor=agent,
            now=clock.now(),
            request=ConversationImportRequest.model_validate({"conversations": [mixed]}),
        )


def test_late_first_response_is_recorded_as_breach(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    agent = make.agent()
    make.sla_policy(first_response=timedelta(hours=4))
    request = ConversationImportRequest.model_validate(
        {"conversations": [thread(clock, 5, reply_after_hours=6)]}
    )
    result = import_conversations(session, request=request, actor=agent, now=clock.now())
    conversation = session.get(Conversation, result.conversation_ids[0])
    assert conversation is not None
    assert conversation.first_response_breached_at == conversation.first_response_due_at
    assert conversation.sla_due_at is None


def test_unknown_team_is_invalid_and_nothing_is_written(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    agent = make.agent()
    item = thread(clock, 6) | {"team_id": 999_999}
    with pytest.raises(Invalid, match="team_id 999999"):
        import_conversations(
            session,
            actor=agent,
            now=clock.now(),
            request=ConversationImportRequest.model_validate({"conversations": [item]}),
        )
    assert session.scalar(select(func.count()).select_from(Conversation)) == 0
