"""Scoring conversations: read a batch's transcripts and facts in a fixed number of queries,
run the pure scorer, and replace each conversation's score row."""

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

import goodwill.agents.models  # noqa: F401  (quality_scores refers to agents and teams)
from goodwill.conversations.enums import EventKind, MessageDirection
from goodwill.conversations.models import Conversation, ConversationEvent, Message
from goodwill.customers.models import Customer
from goodwill.proactive.models import Promise
from goodwill.quality.models import QualityScore
from goodwill.quality.rubric import FAILURE_MODES, STEPS, Rubric
from goodwill.quality.scoring import SCORER_VERSION, ConversationQuality, score_conversation
from goodwill.quality.services.rubrics import load_active_rubric
from goodwill.quality.transcript import ConversationFacts, TranscriptMessage

WAITING_ON_US = frozenset({"new", "open", "on_hold"})


@dataclass(frozen=True, slots=True)
class ScoringInput:
    """One conversation as the scorer reads it, and whom its score belongs to."""

    conversation_id: int
    agent_id: int | None
    team_id: int | None
    updated_at: datetime
    messages: list[TranscriptMessage]
    facts: ConversationFacts


@dataclass(frozen=True, slots=True)
class ScoredInput:
    source: ScoringInput
    quality: ConversationQuality


def _chunks(ids: Sequence[int], size: int = 900) -> list[list[int]]:
    return [list(ids[start : start + size]) for start in range(0, len(ids), size)]


def _messages_by_conversation(
    session: Session, ids: list[int]
) -> dict[int, list[TranscriptMessage]]:
    """Public messages (no internal notes), oldest first."""
    query = (
        select(
            Message.conversation_id,
            Message.author_kind,
            Message.author_agent_id,
            Message.body_text,
            Message.created_at,
        )
        .where(Message.conversation_id.in_(ids), Message.direction != MessageDirection.NOTE)
        .order_by(Message.conversation_id, Message.created_at, Message.id)
    )
    grouped: dict[int, list[TranscriptMessage]] = defaultdict(list)
    for conversation_id, author, agent_id, text, at in session.execute(query):
        grouped[conversation_id].append(
            TranscriptMessage(author=str(author), text=text or "", at=at, agent_id=agent_id)  # type: ignore[arg-type]
        )
    return grouped


def _team_changes(session: Session, ids: list[int]) -> dict[int, int]:
    query = (
        select(ConversationEvent.conversation_id, func.count(ConversationEvent.id))
        .where(
            ConversationEvent.conversation_id.in_(ids),
            ConversationEvent.kind == EventKind.TEAM_CHANGED,
        )
        .group_by(ConversationEvent.conversation_id)
    )
    return {int(cid): int(count) for cid, count in session.execute(query)}


def _promise_counts(session: Session, ids: list[int]) -> dict[int, tuple[int, int, int]]:
    """conversation id -> (promises, kept, broken)."""
    query = (
        select(
            Promise.conversation_id,
            func.count(Promise.id),
            func.sum(case((Promise.kept_at.is_not(None), 1), else_=0)),
            func.sum(case((Promise.broken_at.is_not(None), 1), else_=0)),
        )
        .where(Promise.conversation_id.in_(ids))
        .group_by(Promise.conversation_id)
    )
    return {
        int(cid): (int(total), int(kept or 0), int(broken or 0))
        for cid, total, kept, broken in session.execute(query)
    }


def _first_name(name: str | None) -> str | None:
    parts = (name or "").split()
    return parts[0] if parts else None


def _waiting_on_us_since(conversation: Conversation) -> datetime | None:
    """Since the last message either way, while the next move is ours."""
    if conversation.status not in WAITING_ON_US:
        return None
    moments = [
        moment
        for moment in (conversation.last_customer_message_at, conversation.last_agent_reply_at)
        if moment is not None
    ]
    return max(moments) if moments else conversation.created_at


def conversation_facts(
    conversation: Conversation,
    *,
    customer_name: str | None,
    team_changes: int,
    promises: tuple[int, int, int],
) -> ConversationFacts:
    total, kept, broken = promises
    breached = conversation.first_response_breached_at is not None
    has_target = conversation.first_response_due_at is not None or breached
    return ConversationFacts(
        created_at=conversation.created_at,
        first_response_at=conversation.first_response_at,
        resolved_at=conversation.resolved_at,
        status=str(conversation.status),
        reopened_count=conversation.reopened_count,
        assignment_count=conversation.assignment_count,
        team_changes=team_changes,
        sla_breached=breached
        or conversation.next_response_breached_at is not None
        or conversation.resolution_breached_at is not None,
        customer_first_name=_first_name(customer_name),
        promises_broken=broken,
        promises_kept=kept,
        promises_tracked=total > 0,
        waiting_on_us_since=_waiting_on_us_since(conversation),
        first_response_breached=breached if has_target else None,
    )


def credited_agent(messages: list[TranscriptMessage], fallback: int | None) -> int | None:
    """The agent who wrote the most replies (on a tie, the one who wrote last)."""
    counts = Counter(m.agent_id for m in messages if m.author == "agent" and m.agent_id)
    if not counts:
        return fallback
    last_seen = {m.agent_id: index for index, m in enumerate(messages) if m.agent_id}
    return max(counts, key=lambda agent_id: (counts[agent_id], last_seen[agent_id]))


def load_inputs(session: Session, conversation_ids: Sequence[int]) -> list[ScoringInput]:
    """Transcripts and facts of these conversations: five queries per 900 ids."""
    inputs: list[ScoringInput] = []
    for ids in _chunks(list(dict.fromkeys(conversation_ids))):
        rows = session.execute(
            select(Conversation, Customer.name)
            .join(Customer, Customer.id == Conversation.customer_id)
            .where(Conversation.id.in_(ids))
            .order_by(Conversation.id)
        ).all()
        messages = _messages_by_conversation(session, ids)
        team_changes = _team_changes(session, ids)
        promises = _promise_counts(session, ids)
        for conversation, customer_name in rows:
            transcript = messages.get(conversation.id, [])
            facts = conversation_facts(
                conversation,
                customer_name=customer_name,
                team_changes=team_changes.get(conversation.id, 0),
                promises=promises.get(conversation.id, (0, 0, 0)),
            )
            inputs.append(
                ScoringInput(
                    conversation_id=conversation.id,
                    agent_id=credited_agent(transcript, conversation.assignee_id),
                    team_id=conversation.team_id,
                    updated_at=conversation.updated_at,
                    messages=transcript,
                    facts=facts,
                )
            )
    return inputs


def score_inputs(
    inputs: Sequence[ScoringInput], *, now: datetime, rubric: Rubric | None
) -> list[ScoredInput]:
    return [
        ScoredInput(item, score_conversation(item.messages, item.facts, now=now, rubric=rubric))
        for item in inputs
    ]


def score_row(scored: ScoredInput, *, now: datetime) -> dict[str, Any]:
    """The quality_scores columns of one result."""
    quality, source = scored.quality, scored.source
    row: dict[str, Any] = {
        "conversation_id": source.conversation_id,
        "agent_id": source.agent_id,
        "team_id": source.team_id,
        "strengths": {step: float(value) for step, value in quality.strengths.items()},
        "evidence": {key: str(value) for key, value in quality.evidence.items()},
        "total": int(quality.total),
        "scorer_version": SCORER_VERSION,
        "conversation_updated_at": source.updated_at,
        "scored_at": now,
    }
    for step in STEPS:
        row[step] = str(quality.steps[step])
    for mode in FAILURE_MODES:
        row[mode] = bool(quality.failure_modes[mode])
    return row


def save_scores(session: Session, rows: list[dict[str, Any]]) -> None:
    """Replace the score rows of these conversations (update existing, insert the rest)."""
    if not rows:
        return
    ids = [row["conversation_id"] for row in rows]
    query = select(QualityScore.conversation_id, QualityScore.id).where(
        QualityScore.conversation_id.in_(ids)
    )
    existing = {row[0]: row[1] for row in session.execute(query)}
    updates = [
        row | {"id": existing[row["conversation_id"]]}
        for row in rows
        if row["conversation_id"] in existing
    ]
    inserts = [row for row in rows if row["conversation_id"] not in existing]
    if updates:
        session.execute(update(QualityScore), updates)
    if inserts:
        insert_or_replace(session, inserts)


def insert_or_replace(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert new scores; if another worker scored some of them meanwhile, replace theirs."""
    try:
        with session.begin_nested():
            session.execute(insert(QualityScore), rows)
    except IntegrityError:
        for row in rows:
            current = session.scalar(
                select(QualityScore.id).where(
                    QualityScore.conversation_id == row["conversation_id"]
                )
            )
            if current is None:
                session.execute(insert(QualityScore), [row])
            else:
                session.execute(update(QualityScore), [row | {"id": current}])


def prepare_scores(
    session: Session,
    conversation_ids: Sequence[int],
    *,
    now: datetime,
    rubric: Rubric | None = None,
) -> list[dict[str, Any]]:
    """Read and score these conversations (no writes): the rows `save_scores` saves.

    Queries: five per 900 conversations, and the rubric in use unless one is given."""
    if not conversation_ids:
        return []
    inputs = load_inputs(session, conversation_ids)
    chosen = rubric if rubric is not None else load_active_rubric(session)
    return [score_row(item, now=now) for item in score_inputs(inputs, now=now, rubric=chosen)]


def score_conversations(
    session: Session,
    conversation_ids: Sequence[int],
    *,
    now: datetime,
    rubric: Rubric | None = None,
) -> int:
    """Score these conversations with the rubric in use and save the results; returns how many.

    Queries: five per 900 conversations to read, the rubric, and three to write."""
    rows = prepare_scores(session, conversation_ids, now=now, rubric=rubric)
    save_scores(session, rows)
    session.flush()
    return len(rows)


def score_now(session: Session, conversation_id: int, *, now: datetime) -> ScoredInput | None:
    """Score one conversation without saving (None when it does not exist)."""
    inputs = load_inputs(session, [conversation_id])
    if not inputs:
        return None
    return score_inputs(inputs, now=now, rubric=load_active_rubric(session))[0]
