"""Survey invitations and templates for the answer, loop and webhook tests (made directly)."""

import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.conversations.models import Conversation
from goodwill.surveys.models import SurveyInvitation, SurveyKind, SurveyTemplate

CSAT_REASONS = [
    {"key": "slow", "label": "It was slow", "group": "service"},
    {"key": "not_listened", "label": "They didn't listen", "group": "service"},
    {"key": "not_resolved", "label": "My problem is not resolved", "group": "service"},
    {"key": "price", "label": "The price", "group": "price"},
]


def csat_template(session: Session, *, now: datetime) -> SurveyTemplate:
    """The CSAT template with reasons (created, or the existing row rewritten)."""
    template = session.scalar(select(SurveyTemplate).where(SurveyTemplate.kind == SurveyKind.CSAT))
    if template is None:
        template = SurveyTemplate(kind=SurveyKind.CSAT)
        session.add(template)
    template.question = "How would you rate the support you received?"
    template.labels = {"1": "Very poor", "2": "Poor", "3": "OK", "4": "Good", "5": "Excellent"}
    template.comment_prompt = "Tell us more"
    template.reasons = CSAT_REASONS
    template.updated_at = now
    session.flush()
    return template


def invitation(
    session: Session,
    conversation: Conversation,
    *,
    now: datetime,
    kind: SurveyKind = SurveyKind.CSAT,
    expires_in: timedelta = timedelta(days=7),
) -> SurveyInvitation:
    row = SurveyInvitation(
        kind=kind,
        conversation_id=conversation.id,
        customer_id=conversation.customer_id,
        nonce=secrets.token_hex(16),
        created_at=now,
        send_at=now,
        sent_at=now,
        expires_at=now + expires_in,
    )
    session.add(row)
    session.flush()
    return row
