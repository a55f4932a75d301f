"""Building small mail archives for the import tests (helper module, imported bare)."""

from collections.abc import Sequence
from datetime import datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

SUPPORT = "support@goodwill.example"


def mail(
    message_id: str | None,
    *,
    sender: str = "Maria Lopez <maria@customer.example>",
    to: str = SUPPORT,
    subject: str = "My kettle is broken",
    body: str = "It stopped working.",
    at: datetime | None = None,
    in_reply_to: str | None = None,
    references: Sequence[str] = (),
    cc: str | None = None,
    headers: Sequence[str] = (),
) -> bytes:
    lines = [f"From: {sender}", f"To: {to}", f"Subject: {subject}"]
    if at is not None:
        lines.append(f"Date: {format_datetime(at)}")
    if message_id is not None:
        lines.append(f"Message-ID: <{message_id}>")
    if in_reply_to:
        lines.append(f"In-Reply-To: <{in_reply_to}>")
    if references:
        lines.append("References: " + " ".join(f"<{ref}>" for ref in references))
    if cc:
        lines.append(f"Cc: {cc}")
    lines.extend(headers)
    lines += ["MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8", "", body, ""]
    return "\r\n".join(lines).encode()


def bounce(message_id: str, *, original_id: str, recipient: str, at: datetime) -> bytes:
    """A standard delivery status notification (RFC 3464) about `original_id`."""
    boundary = "BOUNDARY-42"
    return "\r\n".join(
        [
            "From: Mail Delivery System <MAILER-DAEMON@mx.customer.example>",
            f"To: {SUPPORT}",
            "Subject: Undelivered Mail Returned to Sender",
            f"Date: {format_datetime(at)}",
            f"Message-ID: <{message_id}>",
            "MIME-Version: 1.0",
            f'Content-Type: multipart/report; report-type=delivery-status; boundary="{boundary}"',
            "",
            f"--{boundary}",
            "Content-Type: text/plain",
            "",
            f"I could not deliver your message to <{recipient}>: user unknown.",
            f"--{boundary}",
            "Content-Type: message/delivery-status",
            "",
            "Reporting-MTA: dns; mx.customer.example",
            "",
            f"Final-Recipient: rfc822; {recipient}",
            "Action: failed",
            "Status: 5.1.1",
            "Diagnostic-Code: smtp; 550 5.1.1 user unknown",
            "",
            f"--{boundary}",
            "Content-Type: text/rfc822-headers",
            "",
            f"From: {SUPPORT}",
            f"To: {recipient}",
            f"Message-ID: <{original_id}>",
            "Subject: Re: My kettle is broken",
            "",
            f"--{boundary}--",
            "",
        ]
    ).encode()


def write_mbox(path: Path, messages: Sequence[bytes]) -> Path:
    with path.open("wb") as handle:
        for raw in messages:
            handle.write(b"From archive@example.com Mon Mar  2 09:00:00 2026\n")
            handle.write(raw.replace(b"\r\n", b"\n").replace(b"\nFrom ", b"\n>From "))
            handle.write(b"\n")
    return path


def days_ago(now: datetime, days: float) -> datetime:
    return (now - timedelta(days=days)).replace(microsecond=0)
