"""Relationship NPS: every N months, customers active lately are asked how likely they are to
recommend us, by an email of its own (not in a conversation's thread).

Each invitation is stored with the dedupe key `nps:r<customer>:<N>m<cycle>` under a SAVEPOINT and,
when it may be sent, the job that mails it is queued in the same transaction (the invitation row
is the outbox): a crash before the commit leaves neither, after it the job sends it."""

from datetime import datetime, timedelta

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session

from goodwill.conversations.models import Conversation
from goodwill.conversations.services.messages import DELIVER_ATTEMPTS
from goodwill.core.jobs.enqueue import enqueue
from goodwill.customers.models import CustomerIdentity, IdentityKind
from goodwill.surveys.models import SurveyInvitation, SurveyKind, SurveyTemplate
from goodwill.surveys.rules import (
    ELIGIBLE,
    RELATIONSHIP_DAYS_PER_MONTH,
    Policy,
    relationship_dedupe_key,
    relationship_period,
    relationship_reason,
)
from goodwill.surveys.services.schedule import insert_once, new_invitation
from goodwill.surveys.services.templates import get_template

RELATIONSHIP_TRIGGER = "relationship"
EMAIL_JOB = "surveys.send_relationship_email"


def email_job_key(invitation_id: int) -> str:
    return f"{EMAIL_JOB}:{invitation_id}"


def schedule_relationship(session: Session, *, now: datetime, limit: int = 1000) -> int:
    """Invite customers with a conversation resolved in the last N months and no relationship
    NPS invitation in that window; returns how many invitations this run created (suppressed
    ones too; rows another run stored first are not counted)."""
    template = get_template(session, SurveyKind.NPS, now=now)
    if not template.is_enabled or template.trigger != RELATIONSHIP_TRIGGER:
        return 0
    since = now - timedelta(days=RELATIONSHIP_DAYS_PER_MONTH * template.relationship_months)
    customers = _active_without_invitation(session, since=since, now=now, limit=limit)
    with_email = _customers_with_email(session, customers)
    last_invited = _last_invited(session, customers)
    created = 0
    for customer_id in customers:
        invitation = _invite(
            session,
            template,
            customer_id,
            has_email=customer_id in with_email,
            last_invited_at=last_invited.get(customer_id),
            now=now,
        )
        created += invitation is not None
    return created


def _invite(
    session: Session,
    template: SurveyTemplate,
    customer_id: int,
    *,
    has_email: bool,
    last_invited_at: datetime | None,
    now: datetime,
) -> SurveyInvitation | None:
    months = template.relationship_months
    period = relationship_period(now, months)
    policy = Policy(
        kind=SurveyKind.NPS.value,
        is_enabled=template.is_enabled,
        sampling_rate=template.sampling_rate,
        cooldown_days=template.cooldown_days,
        already_invited=False,
        last_invited_at=last_invited_at,
    )
    reason = relationship_reason(customer_id, policy, has_email=has_email, period=period, now=now)
    invitation = new_invitation(
        template,
        customer_id=customer_id,
        conversation_id=None,
        trigger=RELATIONSHIP_TRIGGER,
        send_at=now,
        now=now,
        dedupe_key=relationship_dedupe_key(customer_id, months, period),
    )
    invitation.suppressed_reason = None if reason == ELIGIBLE else reason
    if not insert_once(session, invitation):
        return None  # another run invited this customer for this cycle
    if invitation.suppressed_reason is None:
        enqueue(
            session,
            EMAIL_JOB,
            {"invitation_id": invitation.id},
            now=now,
            run_after=invitation.send_at,
            dedupe_key=email_job_key(invitation.id),
            max_attempts=DELIVER_ATTEMPTS,
        )
    return invitation


def _active_without_invitation(
    session: Session, *, since: datetime, now: datetime, limit: int
) -> list[int]:
    """Customers with a non-spam conversation resolved in (since, now] and no relationship NPS
    invitation (sent or suppressed) created after `since`: 1 query."""
    recently_invited = exists().where(
        SurveyInvitation.customer_id == Conversation.customer_id,
        SurveyInvitation.kind == SurveyKind.NPS,
        SurveyInvitation.trigger == RELATIONSHIP_TRIGGER,
        SurveyInvitation.created_at > since,
    )
    return list(
        session.scalars(
            select(Conversation.customer_id)
            .where(
                Conversation.resolved_at > since,
                Conversation.resolved_at <= now,
                or_(Conversation.is_spam.is_(False), Conversation.is_spam.is_(None)),
                ~recently_invited,
            )
            .group_by(Conversation.customer_id)
            .order_by(Conversation.customer_id)
            .limit(limit)
        )
    )


def _customers_with_email(session: Session, customer_ids: list[int]) -> set[int]:
    if not customer_ids:
        return set()
    return set(
        session.scalars(
            select(CustomerIdentity.customer_id)
            .where(
                CustomerIdentity.customer_id.in_(customer_ids),
                CustomerIdentity.kind == IdentityKind.EMAIL,
            )
            .distinct()
        )
    )


def _last_invited(session: Session, customer_ids: list[int]) -> dict[int, datetime]:
    """Each customer's latest NPS invitation that was not suppressed (for the cool-down)."""
    if not customer_ids:
        return {}
    rows = session.execute(
        select(SurveyInvitation.customer_id, func.max(SurveyInvitation.created_at))
        .where(
            SurveyInvitation.customer_id.in_(customer_ids),
            SurveyInvitation.kind == SurveyKind.NPS,
            SurveyInvitation.suppressed_reason.is_(None),
        )
        .group_by(SurveyInvitation.customer_id)
    ).all()
    return {customer_id: last for customer_id, last in rows if last is not None}
