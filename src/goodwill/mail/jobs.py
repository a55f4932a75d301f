"""Email job handlers: file received mail, poll IMAP mailboxes."""

from typing import Any

from goodwill.core.errors import Conflict, NotFound
from goodwill.core.jobs.registry import Every, JobContext, job, periodic
from goodwill.mail.models import InboundMail
from goodwill.mail.services import poll
from goodwill.mail.services.accept import PROCESS_INBOUND_JOB
from goodwill.mail.services.intake import process_inbound_mail
from goodwill.mail.services.poll import POLL_MAILBOX_JOB, POLL_MAILBOXES_JOB, SCHEDULE_EVERY


@job(PROCESS_INBOUND_JOB)
def process_inbound(context: JobContext, payload: dict[str, Any]) -> None:
    """Turn one stored InboundMail into a message; safe to run twice (skips processed mail)."""
    inbound = context.session.get(InboundMail, int(payload["inbound_mail_id"]))
    if inbound is None:
        return
    process_inbound_mail(context.session, inbound, settings=context.settings, now=context.now)


@job(POLL_MAILBOXES_JOB)
def poll_mailboxes(context: JobContext, payload: dict[str, Any]) -> None:  # noqa: ARG001
    """Queue a poll of every active mailbox not polled for GOODWILL_IMAP_POLL_SECONDS."""
    poll_seconds = int(getattr(context.settings, "imap_poll_seconds", 60))
    poll.schedule_mailbox_polls(context.session, now=context.now, poll_seconds=poll_seconds)


@job(POLL_MAILBOX_JOB)
def poll_one_mailbox(context: JobContext, payload: dict[str, Any]) -> None:
    """Store a mailbox's new mail; a mailbox deleted or deactivated since is left alone."""
    try:
        poll.poll_mailbox(
            context.session,
            int(payload["mailbox_id"]),
            now=context.now,
            limit=poll.BATCH_SIZE,
            max_message_bytes=getattr(context.settings, "smtpd_max_message_bytes", None),
        )
    except (NotFound, Conflict):
        return


periodic(Every(SCHEDULE_EVERY, POLL_MAILBOXES_JOB))
