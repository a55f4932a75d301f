"""Create survey invitations after resolution or close and on an agent's request (the
relationship NPS is services/relationship.py). Every decision is kept: a refused invitation is
stored with its reason.

Every new invitation carries a unique `dedupe_key` and is inserted under a SAVEPOINT: when two
scheduling runs race past the "not invited yet" check, the database refuses the second row and
that run treats it as already invited (no error, no second mail)."""

import secrets
from datetime import datetime, timedelta

from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from goodwill.conversations.enums import AuthorKind, EventKind, MessageDirection
from goodwill.conversations.models import Conversation, ConversationEvent, Message
from goodwill.core.errors import Conflict
from goodwill.surveys.models import SurveyInvitation, SurveyTemplate
from goodwill.surveys.rules import (
    ALREADY_INVITED,
    ELIGIBLE,
    FIRST_ROUND,
    ConversationFacts,
    Policy,
    conversation_dedupe_key,
    invitation_reason,
)
from goodwill.surveys.services.templates import get_template, list_templates

LOOKBACK = timedelta(days=2)  # resolutions older than this are never surveyed by the job


def conversation_facts(session: Session, conversation: Conversation) -> ConversationFacts:
    """Status, spam flag and the customer's messages (automatic ones counted apart): 1 query."""
    from_customer = and_(
        Message.direction == MessageDirection.INBOUND, Message.author_kind == AuthorKind.CUSTOMER
    )
    total, automatic = session.execute(
        select(
            func.count(Message.id),
            func.coalesce(func.sum(case((Message.is_auto_reply.is_(True), 1), else_=0)), 0),
        ).where(Message.conversation_id == conversation.id, from_customer)
    ).one()
    return ConversationFacts(
        conversation_id=conversation.id,
        status=str(conversation.status),
        is_spam=bool(conversation.is_spam),
        customer_messages=int(total),
        automatic_customer_messages=int(automatic),
    )


def _policy(session: Session, template: SurveyTemplate, conversation: Conversation) -> Policy:
    kind = str(template.kind)
    already = session.scalar(
        select(SurveyInvitation.id)
        .where(SurveyInvitation.conversation_id == conversation.id, SurveyInvitation.kind == kind)
        .limit(1)
    )
    last = session.scalar(
        select(func.max(SurveyInvitation.created_at)).where(
            SurveyInvitation.customer_id == conversation.customer_id,
            SurveyInvitation.kind == kind,
            SurveyInvitation.suppressed_reason.is_(None),
        )
    )
    return Policy(
        kind=kind,
        is_enabled=template.is_enabled,
        sampling_rate=template.sampling_rate,
        cooldown_days=template.cooldown_days,
        already_invited=already is not None,
        last_invited_at=last,
    )


def insert_once(session: Session, invitation: SurveyInvitation) -> bool:
    """Insert `invitation` under a SAVEPOINT; False (and nothing inserted, the session still
    usable) when another run already stored one with the same dedupe_key."""
    try:
        with session.begin_nested():
            session.add(invitation)
    except IntegrityError:
        taken = session.scalar(
            select(SurveyInvitation.id).where(SurveyInvitation.dedupe_key == invitation.dedupe_key)
        )
        if invitation.dedupe_key is None or taken is None:
            raise  # another constraint: a real error
        return False
    return True


def new_invitation(
    template: SurveyTemplate,
    *,
    customer_id: int,
    conversation_id: int | None,
    trigger: str,
    send_at: datetime,
    now: datetime,
    dedupe_key: str,
) -> SurveyInvitation:
    """An unsaved invitation of `template`'s kind, expiring expiry_days after send_at."""
    return SurveyInvitation(
        kind=template.kind,
        conversation_id=conversation_id,
        customer_id=customer_id,
        nonce=secrets.token_hex(16),
        created_at=now,
        send_at=send_at,
        expires_at=send_at + timedelta(days=template.expiry_days),
        trigger=trigger,
        channel="email",
        dedupe_key=dedupe_key,
    )


def _conversation_key(template: SurveyTemplate, conversation: Conversation) -> str:
    return conversation_dedupe_key(str(template.kind), conversation.id, FIRST_ROUND)


def invite_after(
    session: Session,
    conversation: Conversation,
    template: SurveyTemplate,
    *,
    trigger: str,
    at: datetime,
    now: datetime,
) -> SurveyInvitation | None:
    """The invitation for a conversation resolved/closed at `at` (None when it already has one
    of this kind, or a concurrent run stored it first); stored suppressed with a reason when the
    rules refuse it."""
    policy = _policy(session, template, conversation)
    if policy.already_invited:
        return None
    reason = invitation_reason(conversation_facts(session, conversation), policy, now=now)
    send_at = at + timedelta(minutes=template.delay_minutes)
    invitation = new_invitation(
        template,
        customer_id=conversation.customer_id,
        conversation_id=conversation.id,
        trigger=trigger,
        send_at=send_at,
        now=now,
        dedupe_key=_conversation_key(template, conversation),
    )
    invitation.suppressed_reason = None if reason == ELIGIBLE else reason
    return invitation if insert_once(session, invitation) else None


def schedule_finished(session: Session, *, now: datetime, limit: int = 500) -> int:
    """Invite for conversations resolved or closed in the last LOOKBACK that have no invitation
    of the template's kind yet; returns how many invitations were created (suppressed too)."""
    created = 0
    for template in list_templates(session, now=now):
        if not template.is_enabled or template.trigger not in ("resolved", "closed"):
            continue
        for conversation, at in _finished_without_invitation(session, template, now, limit):
            if invite_after(
                session, conversation, template, trigger=template.trigger, at=at, now=now
            ):
                created += 1
    return created


def _finished_without_invitation(
    session: Session, template: SurveyTemplate, now: datetime, limit: int
) -> list[tuple[Conversation, datetime]]:
    invited = exists().where(
        SurveyInvitation.conversation_id == ConversationEvent.conversation_id,
        SurveyInvitation.kind == template.kind,
    )
    event_kind = EventKind.RESOLVED if template.trigger == "resolved" else EventKind.CLOSED
    rows = session.execute(
        select(Conversation, func.max(ConversationEvent.occurred_at))
        .join(Conversation, Conversation.id == ConversationEvent.conversation_id)
        .where(
            ConversationEvent.kind == event_kind,
            ConversationEvent.occurred_at > now - LOOKBACK,
            ConversationEvent.occurred_at <= now,
            ~invited,
        )
        .group_by(Conversation.id)
        .order_by(func.max(ConversationEvent.occurred_at))
        .limit(limit)
    ).all()
    return [(conversation, at) for conversation, at in rows]


def request_survey(
    session: Session, conversation: Conversation, kind: str, *, agent_id: int, now: datetime
) -> SurveyInvitation:
    """An agent asks for a survey now; sampling and cool-down do not apply, the rest does."""
    template = get_template(session, kind, now=now)
    policy = _policy(session, template, conversation)
    reason = invitation_reason(
        conversation_facts(session, conversation), policy, now=now, on_demand=True
    )
    if reason != ELIGIBLE:
        raise Conflict(_refusal(reason, kind))
    invitation = new_invitation(
        template,
        customer_id=conversation.customer_id,
        conversation_id=conversation.id,
        trigger="agent",
        send_at=now,
        now=now,
        dedupe_key=_conversation_key(template, conversation),
    )
    invitation.requested_by_agent_id = agent_id
    if not insert_once(session, invitation):  # another request won the race
        raise Conflict(_refusal(ALREADY_INVITED, kind))
    return invitation


REFUSALS = {
    "already_invited": "this conversation already has a {kind} survey",
    "spam": "the conversation is marked as spam",
    "internal_only": "the customer never wrote in this conversation",
    "auto_reply_only": "the customer's only messages are automatic replies",
    "not_finished": "resolve or close the conversation first (surveys are never sent mid-thread)",
}


def _refusal(reason: str, kind: str) -> str:
    text = REFUSALS.get(reason, reason).format(kind=kind.upper())
    return f"No {kind.upper()} survey can be sent: {text}."
