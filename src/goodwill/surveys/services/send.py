"""Send due survey invitations by email in the conversation's thread (relationship NPS
invitations have no thread: their own job mails them, see services/relationship_mail.py).

The invitation is a SYSTEM outbound message (like the acknowledgement): status, SLA clocks,
first response and last activity stay as they are. Eligibility is checked again at send time,
so a conversation reopened in the meantime is never surveyed mid-thread."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.conversations.enums import AuthorKind, EventKind, MessageDirection
from goodwill.conversations.models import Conversation, Message
from goodwill.conversations.services.common import record_event
from goodwill.conversations.services.messages import DELIVER_ATTEMPTS, DELIVER_JOB
from goodwill.core.jobs.enqueue import enqueue
from goodwill.settings import Settings
from goodwill.surveys.links import survey_link
from goodwill.surveys.models import SurveyInvitation, SurveyTemplate
from goodwill.surveys.rules import ELIGIBLE, score_range, send_reason
from goodwill.surveys.services.schedule import conversation_facts
from goodwill.surveys.services.templates import get_template


def invitation_text(
    settings: Settings, invitation: SurveyInvitation, template: SurveyTemplate
) -> str:
    """The question and one link per rating, highest first, each with its label when it has one."""
    lines = [template.question, ""]
    for score in reversed(score_range(str(invitation.kind))):
        label = template.labels.get(str(score), "")
        name = f"{score} - {label}" if label else str(score)
        lines.append(f"{name}: {survey_link(settings, invitation, score)}")
    expires = invitation.expires_at.strftime("%Y-%m-%d")
    lines += [
        "",
        "Click your rating, then press 'Send my answer' on the page; "
        f"you can change it until {expires}.",
        "",
    ]
    lines.append("This is an automatic message.")
    return "\n".join(lines)


def send_invitation(
    session: Session, invitation: SurveyInvitation, *, settings: Settings, now: datetime
) -> Message | None:
    """Send `invitation` now, or store why it cannot be sent (suppressed_reason) and return None."""
    if invitation.sent_at is not None or invitation.suppressed_reason is not None:
        return None
    if invitation.conversation_id is None:
        return None  # relationship NPS: mailed by its own job (services/relationship_mail.py)
    conversation = session.get(Conversation, invitation.conversation_id)
    facts = conversation_facts(session, conversation) if conversation is not None else None
    reason = send_reason(facts, expires_at=invitation.expires_at, now=now)
    if reason != ELIGIBLE or conversation is None:
        invitation.suppressed_reason = reason
        session.flush()
        return None
    template = get_template(session, str(invitation.kind), now=now)
    text = invitation_text(settings, invitation, template)
    message = _add_message(session, conversation, text, now=now)
    conversation.message_count += 1
    record_event(
        session,
        conversation,
        EventKind.MESSAGE_ADDED,
        now=now,
        message_id=message.id,
        data={"direction": message.direction, "author_kind": message.author_kind, "survey": True},
    )
    enqueue(
        session, DELIVER_JOB, {"message_id": message.id}, now=now, max_attempts=DELIVER_ATTEMPTS
    )
    invitation.sent_at = now
    invitation.message_id = message.id
    session.flush()
    return message


def _add_message(
    session: Session, conversation: Conversation, text: str, *, now: datetime
) -> Message:
    message = Message(
        conversation_id=conversation.id,
        channel=conversation.channel,
        direction=MessageDirection.OUTBOUND,
        author_kind=AuthorKind.SYSTEM,
        author_agent_id=None,
        author_customer_id=None,
        body_text=text,
        body_html=None,
        external_id=None,
        is_auto_reply=False,
        created_at=now,
    )
    session.add(message)
    session.flush()
    return message


def send_due(session: Session, *, settings: Settings, now: datetime, limit: int = 200) -> int:
    """Send (or suppress) up to `limit` conversation invitations whose send_at has passed;
    returns how many were sent."""
    due = session.scalars(
        select(SurveyInvitation)
        .where(
            SurveyInvitation.conversation_id.is_not(None),
            SurveyInvitation.sent_at.is_(None),
            SurveyInvitation.suppressed_reason.is_(None),
            SurveyInvitation.send_at <= now,
        )
        .order_by(SurveyInvitation.send_at, SurveyInvitation.id)
        .limit(limit)
    ).all()
    sent = 0
    for invitation in due:
        if send_invitation(session, invitation, settings=settings, now=now) is not None:
            sent += 1
    return sent
