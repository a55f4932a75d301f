"""A conversation's score as the workspace and the API show it, to those who may see it."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.agents.models import Agent
from goodwill.conversations.access import scope_for
from goodwill.conversations.services.detail import get_visible_conversation
from goodwill.core.errors import Forbidden, NotFound
from goodwill.quality.models import QualityScore
from goodwill.quality.rubric import FAILURE_MODES, STEPS
from goodwill.quality.scoring import SCORER_VERSION
from goodwill.quality.services.coaching import CoachingScope, teams_of
from goodwill.quality.services.score import ScoredInput, score_now, score_row


@dataclass(frozen=True, slots=True)
class ScoreView:
    """A conversation's score as shown: the saved one when up to date, otherwise computed now
    (not saved: the worker saves it within a minute)."""

    conversation_id: int
    agent_id: int | None
    team_id: int | None
    total: int
    steps: dict[str, str]
    strengths: dict[str, float]
    failure_modes: dict[str, bool]
    evidence: dict[str, str]
    scorer_version: str
    conversation_updated_at: datetime
    scored_at: datetime | None
    saved: bool


def _saved_view(score: QualityScore) -> ScoreView:
    return ScoreView(
        conversation_id=score.conversation_id,
        agent_id=score.agent_id,
        team_id=score.team_id,
        total=score.total,
        steps={step: getattr(score, step) for step in STEPS},
        strengths=dict(score.strengths or {}),
        failure_modes={mode: bool(getattr(score, mode)) for mode in FAILURE_MODES},
        evidence=dict(score.evidence or {}),
        scorer_version=score.scorer_version,
        conversation_updated_at=score.conversation_updated_at,
        scored_at=score.scored_at,
        saved=True,
    )


def _live_view(scored: ScoredInput) -> ScoreView:
    row = score_row(scored, now=scored.source.updated_at)
    return ScoreView(
        conversation_id=scored.source.conversation_id,
        agent_id=scored.source.agent_id,
        team_id=scored.source.team_id,
        total=row["total"],
        steps={step: row[step] for step in STEPS},
        strengths=row["strengths"],
        failure_modes={mode: row[mode] for mode in FAILURE_MODES},
        evidence=row["evidence"],
        scorer_version=SCORER_VERSION,
        conversation_updated_at=scored.source.updated_at,
        scored_at=None,
        saved=False,
    )


def conversation_score(
    session: Session,
    conversation_id: int,
    *,
    viewer: Agent,
    scope: CoachingScope,
    now: datetime,
) -> ScoreView:
    """The score of a conversation the viewer may see, credited to an agent they may coach."""
    conversation = get_visible_conversation(
        session, conversation_id, scope=scope_for(session, viewer)
    )
    if conversation.first_response_at is None:
        raise NotFound(f"conversation {conversation_id} has no agent reply yet, so no score")
    saved = session.scalar(
        select(QualityScore).where(QualityScore.conversation_id == conversation.id)
    )
    fresh = (
        saved is not None
        and saved.scorer_version == SCORER_VERSION
        and saved.conversation_updated_at == conversation.updated_at
    )
    if saved is not None and fresh:
        view = _saved_view(saved)
    else:
        live = score_now(session, conversation.id, now=now)
        if live is None:
            raise NotFound(f"conversation {conversation_id} does not exist")
        view = _live_view(live)
    _check_may_see_score(session, view, conversation_team_id=conversation.team_id, scope=scope)
    return view


def _check_may_see_score(
    session: Session, view: ScoreView, *, conversation_team_id: int | None, scope: CoachingScope
) -> None:
    if view.agent_id is not None and view.agent_id == scope.viewer_id:
        return
    if scope.sees_all:
        return
    if scope.is_manager:
        if conversation_team_id is not None and conversation_team_id in scope.team_ids:
            return
        if view.agent_id is not None and teams_of(session, view.agent_id) & scope.team_ids:
            return
    raise Forbidden(
        "quality scores are shown to the agent they belong to, their managers and admins"
    )
