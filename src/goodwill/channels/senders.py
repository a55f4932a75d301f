"""Outbound senders chosen by settings: SMTP for real, the console in the demo, capture in tests."""

import logging
from datetime import datetime

from goodwill.channels.ports import CaptureSender, OutboundMessage, OutboundSender, SendReceipt
from goodwill.mail.compose import compose_bytes
from goodwill.mail.smtp_sender import SmtpSender
from goodwill.settings import Settings

log = logging.getLogger("goodwill.outbound")


class ConsoleSender:
    """Prints outgoing messages instead of sending them (the demo)."""

    def send(self, message: OutboundMessage, *, now: datetime) -> SendReceipt:
        log.info(
            "outbound %s to %s <%s> [%s] %s: %s",
            message.channel,
            message.to_name,
            message.to_address,
            message.reference,
            message.subject,
            message.body_text[:200].replace("\n", " "),
        )
        external_id = message.message_id_header or f"console-{message.message_id}"
        return SendReceipt(external_id=external_id, sent_at=now)


_capture = CaptureSender(composer=compose_bytes)


def capture_sender() -> CaptureSender:
    """The process-wide capturing sender used when GOODWILL_EMAIL_BACKEND=capture; it keeps
    each OutboundMessage and, for email, the composed bytes (`capture_sender().email(id)`)."""
    return _capture


def sender_for(backend: str, *, settings: Settings | None = None) -> OutboundSender:
    """The sender for GOODWILL_EMAIL_BACKEND; "smtp" needs the settings (server, login)."""
    if backend == "capture":
        return _capture
    if backend == "console":
        return ConsoleSender()
    if backend == "smtp":
        if settings is None:
            raise ValueError("the smtp backend needs the settings (GOODWILL_SMTP_*)")
        return SmtpSender(settings)
    raise ValueError(f"outbound backend {backend!r} does not exist; use smtp, console or capture")
