"""Job handler that files received mail (see mail.services.intake)."""

from typing import Any

from goodwill.core.jobs.registry import JobContext, job
from goodwill.mail.models import InboundMail
from goodwill.mail.services.accept import PROCESS_INBOUND_JOB
from goodwill.mail.services.intake import process_inbound_mail


@job(PROCESS_INBOUND_JOB)
def process_inbound(context: JobContext, payload: dict[str, Any]) -> None:
    """Turn one stored InboundMail into a message; safe to run twice (skips processed mail)."""
    inbound = context.session.get(InboundMail, int(payload["inbound_mail_id"]))
    if inbound is None:
        return
    process_inbound_mail(context.session, inbound, settings=context.settings, now=context.now)
