"""Raw inbound mail as received, and the IMAP mailboxes we poll."""

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from goodwill.core.db import Base
from goodwill.core.types import JsonDict, UtcDateTime


class InboundStatus:
    """Values of InboundMail.status."""

    PENDING = "pending"  # stored, waiting for the worker
    STORED = "stored"  # became a message
    DUPLICATE = "duplicate"  # its Message-ID was already stored
    BOUNCE = "bounce"  # a delivery failure, attached to the conversation it concerns
    REJECTED = "rejected"  # could not become a message; `reason` says why


class InboundMail(Base):
    """Every message received, byte for byte, committed before we acknowledge it.

    The worker turns pending rows into conversation messages; the raw bytes stay so the
    original can always be viewed and re-processed."""

    __tablename__ = "inbound_mails"
    __table_args__ = (
        Index("ix_inbound_mails_status", "status", "id"),
        Index("ix_inbound_mails_message_id_header", "message_id_header"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(16))  # smtp | imap | import
    mailbox_id: Mapped[int | None] = mapped_column(ForeignKey("mailboxes.id", ondelete="SET NULL"))
    envelope_from: Mapped[str | None] = mapped_column(String(320))
    envelope_to: Mapped[list[str]] = mapped_column(JsonDict, default=list)
    message_id_header: Mapped[str | None] = mapped_column(String(998))
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    size_bytes: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default=InboundStatus.PENDING)
    reason: Mapped[str | None] = mapped_column(Text)
    conversation_id: Mapped[int | None] = mapped_column(
        ForeignKey("conversations.id", ondelete="SET NULL"), index=True
    )
    message_id: Mapped[int | None] = mapped_column(
        ForeignKey("messages.id", ondelete="SET NULL"), index=True
    )
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())
    processed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class Mailbox(Base):
    """An existing mailbox polled over IMAP. The password is write-only: never shown or logged.

    `uidvalidity`/`last_uid` remember where polling stopped, so nothing is fetched twice or
    skipped; they are committed in the same transaction as the mail they cover."""

    __tablename__ = "mailboxes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    host: Mapped[str] = mapped_column(String(253))
    port: Mapped[int] = mapped_column(Integer, default=993)
    security: Mapped[str] = mapped_column(String(16), default="ssl")  # ssl | starttls | none
    username: Mapped[str] = mapped_column(String(320))
    password: Mapped[str | None] = mapped_column(Text)  # or password_setting
    password_setting: Mapped[str | None] = mapped_column(String(120))  # an environment variable
    folder: Mapped[str] = mapped_column(String(255), default="INBOX")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    uidvalidity: Mapped[int | None] = mapped_column(BigInteger)
    last_uid: Mapped[int] = mapped_column(BigInteger, default=0)
    last_polled_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
