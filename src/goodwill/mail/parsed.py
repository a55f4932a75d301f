"""What the parser makes of one raw message: the shared shape of inbound mail. Pure."""

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class MailKind(StrEnum):
    """What kind of mail this is; only NORMAL mail may trigger acknowledgements or surveys."""

    NORMAL = "normal"
    AUTO_REPLY = "auto_reply"  # out-of-office, vacation, RFC 3834 Auto-Submitted
    BULK = "bulk"  # mailing lists, newsletters, Precedence: bulk/list/junk
    BOUNCE = "bounce"  # a delivery status notification (multipart/report) or similar


@dataclass(frozen=True, slots=True)
class MailAddress:
    name: str
    address: str  # as written, trimmed; compare with identity_key/lower()


@dataclass(frozen=True, slots=True)
class ParsedAttachment:
    filename: str
    content_type: str
    content: bytes  # empty when skipped
    content_id: str | None = None  # for inline images, without <>
    inline: bool = False
    skipped_reason: str | None = None  # e.g. "larger than the 10 MiB limit"


@dataclass(frozen=True, slots=True)
class BounceReport:
    """A delivery failure report about mail we sent."""

    failed_recipients: tuple[str, ...]
    status: str | None  # e.g. "5.1.1"
    diagnostic: str | None  # e.g. "550 5.1.1 user unknown"
    original_message_id: str | None  # normalised, see thread_rules.normalise_message_id
    is_permanent: bool  # 5.x.x (hard) rather than 4.x.x (soft)


@dataclass(frozen=True, slots=True)
class ParsedMail:
    message_id: str | None  # normalised (no <>, trimmed); None when missing or unusable
    in_reply_to: tuple[str, ...]  # normalised
    references: tuple[str, ...]  # normalised, oldest first
    subject: str
    sender: MailAddress | None  # From
    reply_to: tuple[MailAddress, ...]
    to: tuple[MailAddress, ...]
    cc: tuple[MailAddress, ...]
    date: datetime | None  # aware, UTC
    kind: MailKind
    kind_reason: str | None  # the header or part that decided `kind`
    text: str  # the whole plain-text body (from text/plain, or derived from the HTML)
    html: str | None  # the HTML body as received (not yet sanitised)
    visible_text: str  # `text` without quoted history and signature
    attachments: tuple[ParsedAttachment, ...] = ()
    bounce: BounceReport | None = None
    defects: tuple[str, ...] = field(default=())  # what was wrong but recovered from
