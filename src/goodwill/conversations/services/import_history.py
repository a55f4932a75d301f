"""Importing conversation history in bulk: the facts and events of live, in a few flushes."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from goodwill.agents.models import Agent, Team
from goodwill.channels.html import sanitise_html
from goodwill.commerce.models import Product
from goodwill.conversations.enums import AuthorKind, EventKind, MessageDirection
from goodwill.conversations.import_schemas import (
    ConversationImport,
    ConversationImportRequest,
    ConversationImportResult,
)
from goodwill.conversations.models import Conversation, ConversationEvent, ConversationTag, Message
from goodwill.conversations.references import new_reference
from goodwill.conversations.replay import ReplayedFacts, TimelineMessage, replay_timeline
from goodwill.conversations.schemas import MessageKind
from goodwill.conversations.services.open import resolve_customer
from goodwill.conversations.services.sla import apply_sla_policy, record_sla_breaches_as_of
from goodwill.core.errors import Conflict, Invalid
from goodwill.customers.bulk import find_or_create_customers, identity_key
from goodwill.tags.service import ensure_tags

_DIRECTIONS = {
    MessageKind.CUSTOMER: MessageDirection.INBOUND,
    MessageKind.REPLY: MessageDirection.OUTBOUND,
    MessageKind.NOTE: MessageDirection.NOTE,
}


@dataclass(slots=True)
class _Planned:
    item: ConversationImport
    conversation: Conversation
    facts: ReplayedFacts
    messages: list[Message]


def _check_ids(session: Session, model: type, ids: set[int], field: str) -> None:
    if not ids:
        return
    found = set(session.scalars(select(model.id).where(model.id.in_(ids))))  # type: ignore[attr-defined]
    missing = sorted(ids - found)
    if missing:
        raise Invalid(f"{field} {missing[0]} does not exist")


def _check_references(session: Session, items: list[ConversationImport]) -> None:
    _check_ids(session, Team, {i.team_id for i in items if i.team_id}, "team_id")
    _check_ids(session, Product, {i.product_id for i in items if i.product_id}, "product_id")
    agents = {i.assignee_id for i in items if i.assignee_id}
    agents |= {m.author_agent_id for i in items for m in i.messages if m.author_agent_id}
    _check_ids(session, Agent, agents, "agent id")


def _known_external_ids(session: Session, items: list[ConversationImport]) -> set[tuple[str, str]]:
    keys = {(i.channel.value, m.external_id) for i in items for m in i.messages if m.external_id}
    if not keys:
        return set()
    rows = session.execute(
        select(Message.channel, Message.external_id).where(
            tuple_(Message.channel, Message.external_id).in_(sorted(keys))
        )
    )
    return {(str(channel), str(external_id)) for channel, external_id in rows}


def _already_imported(item: ConversationImport, known: set[tuple[str, str]]) -> bool:
    """True when every message is known; a partly known thread is a conflict, not a guess."""
    keys = [(item.channel.value, m.external_id) for m in item.messages if m.external_id]
    seen = [key in known for key in keys]
    if keys and all(seen):
        return True
    if any(seen):
        raise Conflict(
            f"conversation {item.subject!r} mixes already imported and new messages; add the new "
            "ones with POST /api/v1/conversations/{id}/messages"
        )
    return False


def _replay(item: ConversationImport, actor: Agent) -> ReplayedFacts:
    timeline = [
        TimelineMessage(
            _DIRECTIONS[m.kind],
            m.created_at,
            None if m.kind == MessageKind.CUSTOMER else (m.author_agent_id or actor.id),
        )
        for m in item.messages
    ]
    try:
        return replay_timeline(timeline, status=item.status, resolved_at=item.resolved_at)
    except ValueError as error:
        raise Invalid(f"conversation {item.subject!r}: {error}") from error


def _customer_ids(session: Session, items: list[ConversationImport], *, now: datetime) -> list[int]:
    """Each item's customer id: by id, or by identity (found or created in bulk)."""
    wanted = [
        (i.customer.kind, i.customer.value or "", i.customer.name)
        for i in items
        if i.customer.id is None
    ]
    by_identity = find_or_create_customers(session, wanted, now=now)
    ids: list[int] = []
    for item in items:
        if item.customer.id is not None:
            ids.append(resolve_customer(session, item.customer, now=now).id)
        else:
            ids.append(by_identity[identity_key(item.customer.kind, item.customer.value or "")])
    return ids


def _plan(item: ConversationImport, customer_id: int, actor: Agent) -> _Planned:
    facts = _replay(item, actor)
    conversation = Conversation(
        reference=new_reference(),
        subject=item.subject.strip(),
        customer_id=customer_id,
        channel=item.channel,
        status=facts.status,
        priority=item.priority,
        team_id=item.team_id,
        assignee_id=item.assignee_id,
        product_id=item.product_id,
        topic=item.topic,
        message_count=facts.message_count,
        reopened_count=0,
        assignment_count=1 if item.assignee_id else 0,
        created_at=facts.created_at,
        updated_at=facts.last_activity_at,
        last_activity_at=facts.last_activity_at,
        first_response_at=facts.first_response_at,
        last_customer_message_at=facts.last_customer_message_at,
        last_agent_reply_at=facts.last_agent_reply_at,
        resolved_at=facts.resolved_at,
        closed_at=facts.closed_at,
    )
    messages = [
        Message(
            channel=item.channel,
            direction=_DIRECTIONS[m.kind],
            author_kind=AuthorKind.CUSTOMER if m.kind == MessageKind.CUSTOMER else AuthorKind.AGENT,
            author_agent_id=None
            if m.kind == MessageKind.CUSTOMER
            else (m.author_agent_id or actor.id),
            author_customer_id=customer_id if m.kind == MessageKind.CUSTOMER else None,
            body_text=m.body_text,
            body_html=sanitise_html(m.body_html) if m.body_html else None,
            external_id=m.external_id,
            is_auto_reply=False,
            delivery_status="imported",
            created_at=m.created_at,
        )
        for m in item.messages
    ]
    return _Planned(item, conversation, facts, messages)


def _events(planned: _Planned) -> list[ConversationEvent]:
    return [
        ConversationEvent(
            conversation_id=planned.conversation.id,
            kind=event.kind,
            occurred_at=event.at,
            actor_agent_id=event.actor_agent_id,
            message_id=None
            if event.message_index is None
            else planned.messages[event.message_index].id,
            data=dict(event.data) | ({"imported": True} if event.kind == EventKind.CREATED else {}),
        )
        for event in planned.facts.events
    ]


def import_conversations(
    session: Session, *, request: ConversationImportRequest, actor: Agent, now: datetime
) -> ConversationImportResult:
    """Store whole past conversations. Nothing is sent to customers. Re-imports are skipped."""
    items = request.conversations
    _check_references(session, items)
    known = _known_external_ids(session, items)
    fresh = [item for item in items if not _already_imported(item, known)]
    customer_ids = _customer_ids(session, fresh, now=now)
    plans = [_plan(item, cid, actor) for item, cid in zip(fresh, customer_ids, strict=True)]
    session.add_all([plan.conversation for plan in plans])
    session.flush()
    for plan in plans:
        for message in plan.messages:
            message.conversation_id = plan.conversation.id
        apply_sla_policy(session, plan.conversation)
    session.add_all([message for plan in plans for message in plan.messages])
    session.flush()
    for plan in plans:
        session.add_all(_events(plan))
        for tag in ensure_tags(session, plan.item.tags):
            session.add(ConversationTag(conversation_id=plan.conversation.id, tag_id=tag.id))
        record_sla_breaches_as_of(session, plan.conversation, now=now)
    session.flush()
    return ConversationImportResult(
        conversation_ids=[plan.conversation.id for plan in plans],
        imported_conversations=len(plans),
        imported_messages=sum(len(plan.messages) for plan in plans),
        skipped_conversations=len(items) - len(plans),
    )
