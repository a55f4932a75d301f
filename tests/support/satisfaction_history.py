"""Rated and unrated resolved conversations for the predicted-satisfaction tests.

Ratings follow a planted rule: each reopen costs 0.9 points, a slow first reply 1.0."""

import random
from datetime import timedelta

from factories import Factories
from goodwill.conversations.enums import EventKind
from goodwill.conversations.models import Conversation, ConversationEvent
from goodwill.core.clock import FixedClock
from goodwill.surveys.models import SurveyKind, SurveyResponse


def resolved(
    make: Factories, clock: FixedClock, *, reopens: int, slow: bool, status: str = "resolved"
) -> Conversation:
    conversation = make.conversation()
    conversation.status = status
    conversation.resolved_at = clock.now() + timedelta(hours=2) if status == "resolved" else None
    conversation.reopened_count = reopens
    conversation.first_response_at = clock.now() + timedelta(hours=6 if slow else 0.5)
    make.session.add(
        ConversationEvent(
            conversation_id=conversation.id,
            kind=EventKind.FIRST_RESPONSE,
            occurred_at=conversation.first_response_at,
            data={"seconds": 1, "business_seconds": 6 * 3600 if slow else 1800},
        )
    )
    return conversation


def rate(make: Factories, clock: FixedClock, conversation: Conversation, score: int) -> None:
    make.session.add(
        SurveyResponse(
            kind=SurveyKind.CSAT,
            conversation_id=conversation.id,
            customer_id=conversation.customer_id,
            score=score,
            answered_at=clock.now() + timedelta(hours=3),
            updated_at=clock.now() + timedelta(hours=3),
        )
    )


def rated_history(make: Factories, clock: FixedClock, count: int) -> None:
    rng = random.Random(4)
    for _ in range(count):
        reopens, slow = rng.choice((0, 0, 1, 2)), rng.random() < 0.4
        conversation = resolved(make, clock, reopens=reopens, slow=slow)
        latent = 4.6 - 0.9 * reopens - 1.0 * slow + rng.gauss(0, 0.4)
        rate(make, clock, conversation, min(5, max(1, round(latent))))
    make.session.flush()
