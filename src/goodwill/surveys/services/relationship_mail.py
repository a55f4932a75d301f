"""Mailing one relationship NPS invitation: a standalone email to the customer's address.

It runs in the job `surveys.send_relationship_email`, queued with the invitation. The invitation is
the outbox record: the job sends only while `sent_at` is empty and the invitation is neither
suppressed nor expired, then sets `sent_at` in the same transaction. The Message-ID is derived from
the invitation, so a send repeated after a crash between the server's acceptance and the commit
carries the same Message-ID (mail clients show it once). A permanent refusal or a bad address
suppresses the invitation with a reason; anything else raises so the worker retries, until the
last attempt, which records the failure."""

import hashlib
import hmac
import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.channels.kinds import ChannelKind
from goodwill.channels.ports import OutboundMessage, PermanentDeliveryError
from goodwill.channels.senders import sender_for
from goodwill.customers.models import Customer, CustomerIdentity, IdentityKind
from goodwill.mail.message_ids import message_id_domain
from goodwill.mail.services.outbound import sender_name
from goodwill.settings import Settings
from goodwill.surveys.models import SurveyInvitation, SurveyTemplate
from goodwill.surveys.rules import EMAIL_REFUSED, EXPIRED, NO_EMAIL
from goodwill.surveys.services.send import invitation_text
from goodwill.surveys.services.templates import get_template

log = logging.getLogger("goodwill.surveys.mail")


def survey_message_id(invitation: SurveyInvitation, settings: Settings) -> str:
    """`survey-<id>.<16 hex of HMAC(secret, nonce)>@<support domain>`: the same on every try."""
    digest = hmac.new(settings.secret_key.encode(), invitation.nonce.encode(), hashlib.sha256)
    domain = message_id_domain(settings.support_address)
    return f"survey-{invitation.id}.{digest.hexdigest()[:16]}@{domain}"


def email_address(session: Session, customer_id: int) -> str:
    """The customer's email: the primary email identity first, else the oldest; "" for none."""
    return (
        session.scalar(
            select(CustomerIdentity.value)
            .where(
                CustomerIdentity.customer_id == customer_id,
                CustomerIdentity.kind == IdentityKind.EMAIL,
            )
            .order_by(CustomerIdentity.is_primary.desc(), CustomerIdentity.id)
            .limit(1)
        )
        or ""
    )


def relationship_email(
    invitation: SurveyInvitation,
    template: SurveyTemplate,
    *,
    to_address: str,
    to_name: str,
    settings: Settings,
) -> OutboundMessage:
    """The standalone email: the question as subject, the question and one link per rating as
    body; no conversation reference, no thread headers; marked automatic (RFC 3834)."""
    subject = " ".join(template.question.split())
    return OutboundMessage(
        channel=ChannelKind.EMAIL,
        message_id=invitation.id,
        to_address=to_address,
        to_name=to_name,
        subject=subject,
        body_text=invitation_text(settings, invitation, template),
        body_html=None,
        reference="",
        sent_from=settings.support_address,
        sent_from_name=sender_name(settings),
        message_id_header=survey_message_id(invitation, settings),
        thread_topic=subject,
        is_automatic=True,
    )


def _suppress(invitation: SurveyInvitation, reason: str, detail: str = "") -> None:
    invitation.suppressed_reason = reason
    if detail:
        log.warning("relationship NPS invitation %s not sent: %s", invitation.id, detail)


def _pending(invitation: SurveyInvitation) -> bool:
    """Neither sent nor suppressed yet, and of no conversation (those go in the thread)."""
    return (
        invitation.conversation_id is None
        and invitation.sent_at is None
        and invitation.suppressed_reason is None
    )


def send_relationship_email(
    session: Session,
    invitation_id: int,
    *,
    settings: Settings,
    now: datetime,
    last_attempt: bool = False,
) -> bool:
    """Mail relationship invitation `invitation_id` once; True when it was sent now. Skips one
    already sent or suppressed; suppresses one expired or without an email address."""
    invitation = session.get(SurveyInvitation, invitation_id)
    if invitation is None or not _pending(invitation):
        return False
    address = email_address(session, invitation.customer_id)
    reason = EXPIRED if now >= invitation.expires_at else None if address else NO_EMAIL
    if reason is not None:
        _suppress(invitation, reason)
        return False
    if not _send(session, invitation, address, settings=settings, now=now, last=last_attempt):
        return False
    invitation.sent_at = now
    session.flush()
    return True


def _send(
    session: Session,
    invitation: SurveyInvitation,
    address: str,
    *,
    settings: Settings,
    now: datetime,
    last: bool,
) -> bool:
    """Hand the email to the configured sender; False (and suppressed) when it was refused."""
    customer = session.get(Customer, invitation.customer_id)
    template = get_template(session, str(invitation.kind), now=now)
    outbound = relationship_email(
        invitation,
        template,
        to_address=address,
        to_name=customer.name if customer is not None else "",
        settings=settings,
    )
    try:
        sender_for(settings.email_backend, settings=settings).send(outbound, now=now)
    except PermanentDeliveryError as error:
        _suppress(invitation, EMAIL_REFUSED, error.reason)
        return False
    except ValueError as error:  # an address no email header can carry
        _suppress(invitation, EMAIL_REFUSED, str(error))
        return False
    except Exception as error:
        if not last:
            raise
        _suppress(invitation, EMAIL_REFUSED, f"gave up after the last attempt: {error}")
        return False
    return True
