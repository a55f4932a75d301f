"""What every channel adapter exchanges with the conversation services."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from goodwill.channels.kinds import ChannelKind


@dataclass(frozen=True, slots=True)
class OutboundMessage:
    channel: ChannelKind
    message_id: int
    to_address: str
    to_name: str
    subject: str
    body_text: str
    body_html: str | None
    reference: str
    sent_from: str


@dataclass(frozen=True, slots=True)
class SendReceipt:
    external_id: str
    sent_at: datetime


class OutboundSender(Protocol):
    def send(self, message: OutboundMessage, *, now: datetime) -> SendReceipt: ...


@dataclass
class CaptureSender:
    """Keeps what would have been sent; tests read `sent`."""

    sent: list[OutboundMessage] = field(default_factory=list)

    def send(self, message: OutboundMessage, *, now: datetime) -> SendReceipt:
        self.sent.append(message)
        return SendReceipt(external_id=f"capture-{message.message_id}", sent_at=now)
