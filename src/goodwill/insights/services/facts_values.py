"""Compute the facts rows of a batch of conversations (reads only; facts.py writes them)."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row
from sqlalchemy.orm import Session

from goodwill.agents.business_hours import WorkingCalendar
from goodwill.agents.calendars import load_team_calendar
from goodwill.insights import cause_rules
from goodwill.insights import facts_rules as rules
from goodwill.insights.services.facts_load import BatchRows, load_batch, load_bodies
from goodwill.quality.rubric import FAILURE_MODES, STEPS

Replies = tuple[rules.MessageRow | None, rules.MessageRow | None]  # first, resolving


def compute_facts(reader: Session, ids: Sequence[int], now: datetime) -> list[dict[str, Any]]:
    """The facts rows (column -> value) of the non-spam conversations among `ids`."""
    batch = load_batch(reader, ids)
    attributed = _relationship_nps(batch)
    values: list[dict[str, Any]] = []
    replies: list[Replies] = []
    for row in batch.conversations:
        if row.is_spam:
            continue
        calendar = load_team_calendar(reader, team_id=row.team_id)
        values.append(_fact_values(row, batch, calendar, attributed.get(row.id), now))
        messages = batch.messages.get(row.id, [])
        replies.append(
            (rules.first_agent_reply(messages), rules.resolving_reply(messages, row.resolved_at))
        )
    unhappy = [fact for fact in values if cause_rules.is_unhappy(_evidence(fact, batch, ()))]
    bodies = load_bodies(reader, _wanted_bodies(replies, unhappy, batch))
    names = {row.id: row.customer_name for row in batch.conversations}
    for fact, (first, resolving) in zip(values, replies, strict=True):
        _add_text_facts(fact, first, resolving, bodies, names.get(fact["conversation_id"]))
    for fact in unhappy:
        _add_cause(fact, batch, bodies)
    return values


def _wanted_bodies(
    replies: list[Replies], unhappy: list[dict[str, Any]], batch: BatchRows
) -> set[int]:
    """The first and resolving replies, and the last customer messages of unhappy ones."""
    wanted = {message.id for pair in replies for message in pair if message is not None}
    for fact in unhappy:
        wanted.update(message.id for message in _last_customer_messages(fact, batch))
    return wanted


def _last_customer_messages(fact: dict[str, Any], batch: BatchRows) -> list[rules.MessageRow]:
    messages = batch.messages.get(fact["conversation_id"], [])
    written = [message for message in messages if message.from_customer]
    return written[-cause_rules.LAST_CUSTOMER_TEXTS :]


def _add_text_facts(
    fact: dict[str, Any],
    first: rules.MessageRow | None,
    resolving: rules.MessageRow | None,
    bodies: dict[int, str],
    customer_name: str | None,
) -> None:
    """Greeting by name and asking needs (first reply), thanking (resolving reply)."""
    found = rules.text_facts(
        bodies.get(first.id, "") if first else None,
        bodies.get(resolving.id, "") if resolving else None,
        customer_name,
        same_reply=first is not None and first is resolving,
    )
    fact["greeted_by_name"] = found.greeted_by_name
    fact["asked_needs"] = found.asked_needs
    fact["thanked"] = found.thanked


def _evidence(
    fact: dict[str, Any], batch: BatchRows, customer_texts: tuple[str, ...]
) -> cause_rules.ConversationEvidence:
    reasons, comment = rules.survey_words(batch.responses.get(fact["conversation_id"], []))
    return cause_rules.ConversationEvidence(
        csat=fact["csat"],
        nps=fact["nps"],
        ces=fact["ces"],
        reasons=reasons,
        comment=comment,
        customer_texts=customer_texts,
        slow_first_reply=rules.slow_first_reply(fact["first_response_business_seconds"]),
        reopens=fact["reopens"],
        promises_broken=fact["promises_broken"],
        transferred=fact["transfers"] > 0,
        failure_not_listening=fact["failure_not_listening"],
        failure_ignored=fact["failure_ignored"],
        failure_lacking_knowledge=fact["failure_lacking_knowledge"],
        failure_no_follow_up=fact["failure_no_follow_up"],
        sentiment_end=fact["sentiment_end"],
        predicted_csat=fact["predicted_csat"],
        topic=fact["topic"],
    )


def _add_cause(fact: dict[str, Any], batch: BatchRows, bodies: dict[int, str]) -> None:
    """Root cause of an unhappy conversation (cause_rules); "none" when nothing explains it."""
    texts = tuple(bodies.get(m.id, "") for m in _last_customer_messages(fact, batch))
    found = cause_rules.attribute_conversation(_evidence(fact, batch, texts))
    fact["cause"] = found.cause
    fact["cause_detail"] = found.detail or None
    fact["cause_evidence"] = found.evidence or None


def _relationship_nps(batch: BatchRows) -> dict[int, int]:
    """Relationship NPS answers attributed to the customer's latest conversation resolved
    before they were asked (the latest answer wins)."""
    best: dict[int, rules.ResponseRow] = {}
    for answer in batch.relationship:
        history = batch.resolved_history.get(answer.customer_id, [])
        target = rules.attribute_relationship(answer.asked_at, history)
        if target is None:
            continue
        current, response = best.get(target), answer.response
        if current is None or rules.answered_later(response, current):
            best[target] = response
    return {conversation_id: response.score for conversation_id, response in best.items()}


def _fact_values(
    row: Row[Any],
    batch: BatchRows,
    calendar: WorkingCalendar,
    relationship_nps: int | None,
    now: datetime,
) -> dict[str, Any]:
    messages = batch.messages.get(row.id, [])
    events = batch.events.get(row.id, [])
    customer_messages = sum(1 for message in messages if message.from_customer)
    first_seconds, first_business = rules.first_response_times(events)
    resolution, resolution_business = rules.resolution_times(
        row.created_at, row.resolved_at, calendar
    )
    made, kept, broken = rules.promise_counts(batch.promises.get(row.id, []))
    scores = rules.latest_scores(batch.responses.get(row.id, []))
    prediction = batch.predictions.get(row.id)
    breached = rules.breached_metrics(
        events,
        {
            "first_response": row.first_response_breached_at,
            "next_response": row.next_response_breached_at,
            "resolution": row.resolution_breached_at,
        },
    )
    return {
        "conversation_id": row.id,
        "customer_id": row.customer_id,
        "opened_at": row.created_at,
        "opened_on": row.created_at.date(),
        "channel": str(row.channel),
        "priority": str(row.priority),
        "status": str(row.status),
        "team_id": row.team_id,
        "agent_id": row.assignee_id,
        "product_id": row.product_id,
        "topic": row.topic,
        "segment": rules.segment(row.created_at, batch.first_opened.get(row.customer_id)),
        "customer_messages": customer_messages,
        "agent_messages": sum(1 for message in messages if message.agent_reply),
        "first_response_at": row.first_response_at,
        "first_response_seconds": first_seconds,
        "first_response_business_seconds": first_business,
        "next_response_business_seconds": rules.next_response_business_seconds(messages, calendar),
        "resolved_at": row.resolved_at,
        "resolution_seconds": resolution,
        "resolution_business_seconds": resolution_business,
        "closed_at": row.closed_at,
        "reopens": row.reopened_count or 0,
        "transfers": rules.count_transfers(events),
        "first_contact_resolution": rules.first_contact_resolution(
            row.resolved_at is not None, row.reopened_count or 0, customer_messages
        ),
        "sla_applies": row.sla_policy_id is not None,
        "sla_breached": bool(breached),
        "first_response_breached": "first_response" in breached,
        "resolution_breached": "resolution" in breached,
        "promises_made": made,
        "promises_kept": kept,
        "promises_broken": broken,
        **_quality_values(batch.quality.get(row.id)),
        "survey_sent": row.id in batch.surveys_sent,
        "survey_answered": bool(scores),
        "csat": scores.get("csat"),
        "ces": scores.get("ces"),
        "nps": scores.get("nps", relationship_nps),
        "predicted_csat": prediction.predicted_csat if prediction else None,
        "prediction_confidence": prediction.confidence if prediction else None,
        "sentiment_start": row.sentiment_start,
        "sentiment_end": row.sentiment_end,
        "repurchased": rules.repurchased(
            row.resolved_at, batch.orders.get(row.customer_id, []), now
        ),
        "cause": None,
        "cause_detail": None,
        "cause_evidence": None,
        "refreshed_at": now,
    }


def _quality_values(score: Any) -> dict[str, Any]:
    """Steps, total and failure flags of the automatic score; null/false when unscored."""
    values: dict[str, Any] = {f"step_{step}": None for step in STEPS}
    values["quality_total"] = None
    values.update({f"failure_{mode}": False for mode in FAILURE_MODES})
    if score is None:
        return values
    for step in STEPS:
        values[f"step_{step}"] = getattr(score, step)
    values["quality_total"] = score.total
    for mode in FAILURE_MODES:
        values[f"failure_{mode}"] = bool(getattr(score, mode))
    return values
