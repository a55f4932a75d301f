"""Conversation job handlers: deliver outbound messages, sweep SLA breaches."""

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from goodwill.conversations.services.messages import DELIVER_JOB
from goodwill.conversations.services.sla import record_sla_breaches
from goodwill.core.jobs.models import Job
from goodwill.core.jobs.registry import Every, JobContext, job, periodic
from goodwill.mail.services.outbound import send_outbound_message

CHECK_SLA_JOB = "conversations.check_sla"


@job(DELIVER_JOB)
def deliver_message(context: JobContext, payload: dict[str, Any]) -> None:
    """Send a reply or acknowledgement on its channel; idempotent (skips finished messages)."""
    send_outbound_message(
        context.session,
        int(payload["message_id"]),
        settings=context.settings,
        now=context.now,
        last_attempt=_is_last_attempt(context),
    )


def _is_last_attempt(context: JobContext) -> bool:
    max_attempts = context.session.scalar(select(Job.max_attempts).where(Job.id == context.job_id))
    return max_attempts is not None and context.attempt >= max_attempts


@job(CHECK_SLA_JOB)
def check_sla(context: JobContext, payload: dict[str, Any]) -> None:
    record_sla_breaches(context.session, now=context.now, limit=int(payload.get("limit", 500)))


periodic(Every(timedelta(minutes=1), CHECK_SLA_JOB))
