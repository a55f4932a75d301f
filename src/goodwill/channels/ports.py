"""What every channel adapter exchanges with the conversation services."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Protocol

from goodwill.channels.kinds import ChannelKind


@dataclass(frozen=True, slots=True)
class OutboundMessage:
    """One message to send. The email fields are filled for email and ignored elsewhere;
    Message-IDs are written without <>."""

    channel: ChannelKind
    message_id: int
    to_address: str
    to_name: str
    subject: str
    body_text: str
    body_html: str | None
    reference: str
    sent_from: str
    sent_from_name: str = ""
    message_id_header: str | None = None  # stored in Message.external_id before sending
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()  # oldest first
    reply_to: str | None = None  # support+GW-XXXXXXXX@…, so replies route back
    thread_topic: str | None = None  # the subject without prefixes (Outlook)
    thread_index: str | None = None  # base64 Thread-Index (Outlook)
    is_automatic: bool = False  # acknowledgements and other system messages


@dataclass(frozen=True, slots=True)
class SendReceipt:
    external_id: str
    sent_at: datetime


class PermanentDeliveryError(Exception):
    """The recipient can never get this message (e.g. SMTP 550): do not retry, mark it failed."""

    def __init__(self, reason: str, *, code: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


class OutboundSender(Protocol):
    def send(self, message: OutboundMessage, *, now: datetime) -> SendReceipt:
        """Deliver or raise: PermanentDeliveryError for a refusal, anything else is retried."""
        ...


Composer = Callable[[OutboundMessage, datetime], bytes]


@dataclass
class CaptureSender:
    """Keeps what would have been sent: tests read `sent`, and `raw` (each email composed,
    as (message id, bytes)) when a composer is given."""

    sent: list[OutboundMessage] = field(default_factory=list)
    raw: list[tuple[int, bytes]] = field(default_factory=list)
    composer: Composer | None = None

    def send(self, message: OutboundMessage, *, now: datetime) -> SendReceipt:
        self.sent.append(message)
        if self.composer is not None and message.channel == ChannelKind.EMAIL:
            self.raw.append((message.message_id, self.composer(message, now)))
        external_id = message.message_id_header or f"capture-{message.message_id}"
        return SendReceipt(external_id=external_id, sent_at=now)

    def emails(self, message_id: int) -> list[EmailMessage]:
        """Every email sent for message `message_id`, parsed back as a reader would."""
        parser = BytesParser(policy=policy.default)
        return [parser.parsebytes(raw) for mid, raw in self.raw if mid == message_id]

    def email(self, message_id: int) -> EmailMessage:
        """The latest email sent for message `message_id`; KeyError when there is none."""
        found = self.emails(message_id)
        if not found:
            raise KeyError(f"no email was sent for message {message_id}")
        return found[-1]

    def clear(self) -> None:
        self.sent.clear()
        self.raw.clear()
