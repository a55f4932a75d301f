"""Reviewer scores of a conversation on the rubric in use: one per reviewer, changed in place."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.agents.models import Agent
from goodwill.conversations.access import ConversationScope
from goodwill.conversations.models import Conversation
from goodwill.conversations.services.detail import get_visible_conversation
from goodwill.core.errors import NotFound
from goodwill.quality.models import QualityReview
from goodwill.quality.review_schemas import ReviewIn
from goodwill.quality.rubric import FAILURE_MODES, STEPS, Rubric
from goodwill.quality.scoring import compute_total
from goodwill.quality.services.rubrics import rubric_in_use
from goodwill.quality.services.score import load_inputs
from goodwill.quality.steps import StepResult

CONCURRENT_SAVE = "your review of this conversation was saved twice at once; send it again"


def save_review(
    session: Session,
    conversation_id: int,
    *,
    data: ReviewIn,
    reviewer: Agent,
    scope: ConversationScope,
    now: datetime,
) -> tuple[QualityReview, bool]:
    """Create the reviewer's review of the conversation, or replace it; True when created.

    The total uses the rubric in use now (weights, critical steps, failure-mode penalties)."""
    conversation = get_visible_conversation(session, conversation_id, scope=scope)
    rubric = rubric_in_use(session)
    review = find_review(session, conversation.id, reviewer_id=reviewer.id)
    created = review is None
    if review is None:
        review = QualityReview(
            conversation_id=conversation.id,
            reviewer_id=reviewer.id,
            agent_id=reviewed_agent_id(session, conversation),
            created_at=now,
        )
    for step in STEPS:
        setattr(review, step, getattr(data, step))
    review.failure_modes = list(data.failure_modes)
    review.step_comments = {step: text for step, text in data.step_comments.items() if text}
    review.comment = data.comment.strip()
    review.rubric_id = rubric.id
    review.total = review_total(data, rubric=rubric.rules)
    review.updated_at = now
    session.add(review)
    session.flush()
    return review, created


def review_total(data: ReviewIn, *, rubric: Rubric) -> float:
    """The automatic scores' rule on the reviewer's labels: weighted share of the applicable
    steps done (x100), 0 if a critical step was missed, less the failure-mode penalties."""
    steps = {step: StepResult(getattr(data, step)) for step in STEPS}
    flags = {mode: mode in data.failure_modes for mode in FAILURE_MODES}
    return float(compute_total(steps, flags, rubric))


def find_review(
    session: Session, conversation_id: int, *, reviewer_id: int
) -> QualityReview | None:
    return session.scalar(
        select(QualityReview).where(
            QualityReview.conversation_id == conversation_id,
            QualityReview.reviewer_id == reviewer_id,
        )
    )


def list_reviews(
    session: Session, conversation_id: int, *, scope: ConversationScope
) -> list[tuple[QualityReview, str]]:
    """The conversation's reviews with their reviewers' names, oldest first."""
    conversation = get_visible_conversation(session, conversation_id, scope=scope)
    rows = session.execute(
        select(QualityReview, Agent.name)
        .join(Agent, Agent.id == QualityReview.reviewer_id)
        .where(QualityReview.conversation_id == conversation.id)
        .order_by(QualityReview.created_at, QualityReview.id)
    ).all()
    return [(review, name) for review, name in rows]


def get_review(session: Session, review_id: int) -> QualityReview:
    review = session.get(QualityReview, review_id)
    if review is None:
        raise NotFound(f"review {review_id} does not exist")
    return review


def reviewed_agent_id(session: Session, conversation: Conversation) -> int | None:
    """Whose work is reviewed: the agent the automatic score credits (most replies, else the
    assignee), so reviews and automatic scores of a conversation belong to the same agent."""
    inputs = load_inputs(session, [conversation.id])
    return inputs[0].agent_id if inputs else conversation.assignee_id
