"""Conversation job handlers: deliver outbound messages, sweep SLA breaches."""

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from goodwill.channels.ports import OutboundMessage
from goodwill.channels.senders import sender_for
from goodwill.conversations.models import Conversation, Message
from goodwill.conversations.services.messages import DELIVER_JOB
from goodwill.conversations.services.sla import record_sla_breaches
from goodwill.core.jobs.registry import Every, JobContext, job, periodic
from goodwill.customers.models import Customer, CustomerIdentity

CHECK_SLA_JOB = "conversations.check_sla"


@job(DELIVER_JOB)
def deliver_message(context: JobContext, payload: dict[str, Any]) -> None:
    """Send an agent's reply on the conversation's channel; idempotent (skips sent messages)."""
    session = context.session
    message = session.get(Message, int(payload["message_id"]))
    if message is None or message.delivery_status == "sent":
        return
    conversation = session.get(Conversation, message.conversation_id)
    customer = session.get(Customer, conversation.customer_id) if conversation else None
    if conversation is None or customer is None:
        return
    address = session.scalar(
        select(CustomerIdentity.value)
        .where(CustomerIdentity.customer_id == customer.id)
        .order_by(CustomerIdentity.is_primary.desc(), CustomerIdentity.id)
        .limit(1)
    )
    outbound = OutboundMessage(
        channel=message.channel,
        message_id=message.id,
        to_address=address or "",
        to_name=customer.name,
        subject=f"Re: {conversation.subject} [{conversation.reference}]",
        body_text=message.body_text,
        body_html=message.body_html,
        reference=conversation.reference,
        sent_from=context.settings.support_address,
    )
    receipt = sender_for(context.settings.email_backend).send(outbound, now=context.now)
    message.delivery_status = "sent"
    if message.external_id is None:
        message.external_id = receipt.external_id


@job(CHECK_SLA_JOB)
def check_sla(context: JobContext, payload: dict[str, Any]) -> None:
    record_sla_breaches(context.session, now=context.now, limit=int(payload.get("limit", 500)))


periodic(Every(timedelta(minutes=1), CHECK_SLA_JOB))
