"""What the API and the conversation page show of the satisfaction model and its estimates."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.conversations.access import ConversationScope, ensure_visible
from goodwill.conversations.models import Conversation
from goodwill.core.errors import NotFound
from goodwill.satisfaction import prediction
from goodwill.satisfaction.models import LearnedModel, SatisfactionPrediction
from goodwill.satisfaction.services.prediction import (
    active_model,
    count_ratings,
    unresolved_or_rated,
)


@dataclass(frozen=True, slots=True)
class ModelStatus:
    ratings: int
    min_ratings: int
    model: LearnedModel | None
    metrics: prediction.Metrics | None
    problem: str | None  # None: the estimates may be trusted

    @property
    def trusted(self) -> bool:
        return self.problem is None


@dataclass(frozen=True, slots=True)
class ConversationEstimate:
    conversation_id: int
    estimate: SatisfactionPrediction | None
    why_none: str | None  # said when there is no estimate to show


def model_status(session: Session, *, min_ratings: int) -> ModelStatus:
    ratings = count_ratings(session)
    active = active_model(session)
    metrics = active.model.metrics if active else None
    problem = prediction.trust_problem(metrics, ratings=ratings, min_ratings=min_ratings)
    return ModelStatus(ratings, min_ratings, active.row if active else None, metrics, problem)


def conversation_estimate(
    session: Session, conversation_id: int, *, scope: ConversationScope, min_ratings: int
) -> ConversationEstimate:
    """The estimate of a visible conversation, or in plain words why there is none."""
    conversation = session.get(Conversation, conversation_id)
    if conversation is None:
        raise NotFound(f"conversation {conversation_id} does not exist")
    ensure_visible(conversation, scope)
    status = model_status(session, min_ratings=min_ratings)
    own_reason = unresolved_or_rated(session, conversation_id)
    if own_reason is not None:
        return ConversationEstimate(conversation_id, None, own_reason)
    if status.problem is not None:
        return ConversationEstimate(conversation_id, None, status.problem)
    row = session.scalar(
        select(SatisfactionPrediction).where(
            SatisfactionPrediction.conversation_id == conversation_id
        )
    )
    if row is None:
        return ConversationEstimate(conversation_id, None, "not estimated yet")
    return ConversationEstimate(conversation_id, row, None)
