"""Saved replies (macros): create, list, and fill their placeholders for one conversation."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.agents.models import Agent, Team
from goodwill.conversations.models import Conversation, SavedReply
from goodwill.conversations.placeholders import fill_placeholders, unknown_placeholders
from goodwill.core.errors import Conflict, Invalid, NotFound
from goodwill.customers.identities import first_name
from goodwill.customers.service import get_customer


def create_saved_reply(
    session: Session,
    *,
    title: str,
    body: str,
    actor: Agent,
    now: datetime,
    team_id: int | None = None,
) -> SavedReply:
    unknown = unknown_placeholders(body)
    if unknown:
        raise Invalid(f"unknown placeholders: {', '.join(unknown)}")
    if team_id is not None and session.get(Team, team_id) is None:
        raise Invalid(f"team_id {team_id} does not exist")
    if session.scalar(select(SavedReply.id).where(SavedReply.title == title.strip())):
        raise Conflict(f"a saved reply titled {title!r} already exists")
    reply = SavedReply(
        title=title.strip(),
        body=body,
        team_id=team_id,
        created_by_id=actor.id,
        usage_count=0,
        created_at=now,
    )
    session.add(reply)
    session.flush()
    return reply


def list_saved_replies(session: Session) -> list[SavedReply]:
    return list(session.scalars(select(SavedReply).order_by(SavedReply.title)))


def render_saved_reply(
    session: Session, *, saved_reply_id: int, conversation: Conversation, agent: Agent
) -> str:
    reply = session.get(SavedReply, saved_reply_id)
    if reply is None:
        raise NotFound(f"saved reply {saved_reply_id} does not exist")
    customer = get_customer(session, conversation.customer_id)
    reply.usage_count += 1
    return fill_placeholders(
        reply.body,
        {
            "customer.first_name": first_name(customer.name),
            "customer.name": customer.name,
            "agent.first_name": first_name(agent.name),
            "agent.name": agent.name,
            "conversation.reference": conversation.reference,
            "conversation.subject": conversation.subject,
        },
    )
