"""Outbound senders chosen by settings: the console in development, capture in tests."""

import logging
from datetime import datetime

from goodwill.channels.ports import CaptureSender, OutboundMessage, OutboundSender, SendReceipt

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
        return SendReceipt(external_id=f"console-{message.message_id}", sent_at=now)


_capture = CaptureSender()


def capture_sender() -> CaptureSender:
    """The process-wide capturing sender used when GOODWILL_EMAIL_BACKEND=capture."""
    return _capture


def sender_for(backend: str) -> OutboundSender:
    if backend == "capture":
        return _capture
    if backend == "console":
        return ConsoleSender()
    raise ValueError(f"outbound backend {backend!r} is not available yet; use console or capture")
