"""Delivery failures: attach a bounce to the conversation it concerns and mark the address."""

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from goodwill.channels.kinds import ChannelKind
from goodwill.conversations.enums import EventKind
from goodwill.conversations.models import Conversation, Message
from goodwill.conversations.services.common import record_event
from goodwill.customers.models import CustomerIdentity, IdentityKind
from goodwill.mail.models import InboundMail, InboundStatus
from goodwill.mail.parsed import BounceReport, ParsedMail
from goodwill.mail.services.locate import OurReference, locate_conversation
from goodwill.mail.thread_rules import ThreadKeys, thread_keys


def file_bounce(
    session: Session,
    inbound: InboundMail,
    parsed: ParsedMail,
    *,
    our_reference: OurReference,
    now: datetime,
) -> None:
    """A bounce is never a customer message: it becomes a delivery failure the agent can see."""
    report = parsed.bounce
    inbound.status = InboundStatus.BOUNCE
    inbound.processed_at = now
    failed = sorted({r.strip().lower() for r in (report.failed_recipients if report else ())})
    permanent = report.is_permanent if report else True
    if permanent:
        _mark_failing(session, failed, reason=_describe(report), now=now)
    conversation, bounced = _concerned(session, parsed, report, our_reference)
    if conversation is None:
        inbound.reason = "a delivery failure for mail we cannot identify"
        return
    inbound.conversation_id = conversation.id
    if bounced is not None:
        bounced.delivery_status = "bounced" if permanent else "deferred"
    record_event(
        session,
        conversation,
        EventKind.DELIVERY_FAILED,
        now=now,
        message_id=bounced.id if bounced else None,
        data={
            "source": "bounce",
            "recipients": failed,
            "status": report.status if report else None,
            "diagnostic": report.diagnostic if report else None,
            "permanent": permanent,
            "inbound_mail_id": inbound.id,
        },
    )


def _concerned(
    session: Session, parsed: ParsedMail, report: BounceReport | None, our_reference: OurReference
) -> tuple[Conversation | None, Message | None]:
    original = report.original_message_id if report else None
    if original:
        bounced = session.scalar(
            select(Message).where(
                Message.channel == ChannelKind.EMAIL, Message.external_id == original
            )
        )
        if bounced is not None:
            return session.get(Conversation, bounced.conversation_id), bounced
    keys = thread_keys(parsed)
    if original:
        keys = ThreadKeys((original, *keys.message_ids), keys.reference_tokens)
    conversation, _ = locate_conversation(session, keys, our_reference=our_reference)
    return conversation, None


def _mark_failing(session: Session, addresses: list[str], *, reason: str, now: datetime) -> None:
    if not addresses:
        return
    session.execute(
        update(CustomerIdentity)
        .where(CustomerIdentity.kind == IdentityKind.EMAIL, CustomerIdentity.value.in_(addresses))
        .values(failing_at=now, failure_reason=reason[:500])
    )


def _describe(report: BounceReport | None) -> str:
    if report is None:
        return "mail to this address bounced"
    parts = [p for p in (report.status, report.diagnostic) if p]
    return "bounced: " + (" ".join(parts) if parts else "no reason given")
