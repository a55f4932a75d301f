"""Turning an outbound message into a real email that threads in Gmail and Outlook. Pure.

Subject keeps one "Re:" and one reference token; In-Reply-To and References continue the thread;
Reply-To routes answers back through support+GW-XXXXXXXX@…; Thread-Topic and Thread-Index group
it in Outlook; automatic messages say so (RFC 3834) so robots do not answer them."""

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import format_datetime

from goodwill.channels.ports import OutboundMessage
from goodwill.mail.thread_rules import reference_tokens_in

MAX_REFERENCES = 20
_REPLY_PREFIX = re.compile(
    r"^\s*(?:(?:re|aw|sv|antw)\s*(?:\[\d+\]|\(\d+\))?\s*:\s*)+", re.IGNORECASE
)
_LINE_BREAKS = re.compile(r"[\r\n\t\v\f]+")
_VERBATIM_HEADERS = frozenset({"message-id", "in-reply-to", "references", "thread-index"})
_MAX_LINE = 78


def _fold_at_spaces(name: str, value: str, linesep: str) -> str:
    """Fold a header of ASCII tokens at spaces only: Python's folder would turn a long
    Message-ID into RFC 2047 encoded words, which no mail client matches."""
    lines = [f"{name}:"]
    for token in value.split():
        if len(lines[-1]) + 1 + len(token) > _MAX_LINE and lines[-1] != f"{name}:":
            lines.append("")
        lines[-1] += f" {token}"
    return linesep.join(lines) + linesep


class ThreadingPolicy(EmailPolicy):
    """policy.SMTP, except that threading headers are folded verbatim (never encoded)."""

    def fold(self, name: str, value: str) -> str:
        if name.lower() in _VERBATIM_HEADERS:
            return _fold_at_spaces(name, str(value), self.linesep)
        return str(super().fold(name, value))

    def fold_binary(self, name: str, value: str) -> bytes:
        if name.lower() in _VERBATIM_HEADERS:
            return _fold_at_spaces(name, str(value), self.linesep).encode("ascii")
        return bytes(super().fold_binary(name, value))


MAIL_POLICY = ThreadingPolicy(linesep="\r\n")


def one_line(value: str) -> str:
    """A header-safe version of `value`: no line breaks, no runs of blanks."""
    return " ".join(_LINE_BREAKS.sub(" ", value).split())


def base_subject(subject: str) -> str:
    """The subject without reply prefixes: 'RE: Aw: Order' -> 'Order'."""
    return one_line(_REPLY_PREFIX.sub("", one_line(subject)))


def reply_subject(subject: str, reference: str) -> str:
    """'Re: <subject> [GW-XXXXXXXX]': one Re:, and the token only when it is not there yet."""
    base = base_subject(subject) or "(no subject)"
    if reference.upper() in reference_tokens_in(base):
        return f"Re: {base}"
    return f"Re: {base} [{reference}]"


def thread_topic(subject: str, reference: str) -> str:
    """What Outlook calls the conversation topic: the subject without prefixes or our token."""
    base = base_subject(subject)
    without = re.sub(rf"\[?\s*{re.escape(reference)}\s*\]?", " ", base, flags=re.IGNORECASE)
    return one_line(without) or base


def usable_message_id(value: str | None) -> bool:
    """Printable ASCII without blanks or brackets, safe to write between <>, and not made up
    by us in the reserved .invalid domain (stand-ins for mail that had no Message-ID)."""
    if not value or value.lower().endswith(".invalid"):
        return False
    return all(33 <= ord(c) <= 126 and c not in "<>" for c in value)


def cap_references(message_ids: Sequence[str], limit: int = MAX_REFERENCES) -> tuple[str, ...]:
    """At most `limit` ids: the thread's root and the newest `limit - 1` (RFC 5322 3.6.4)."""
    unique = tuple(dict.fromkeys(m for m in message_ids if usable_message_id(m)))
    if len(unique) <= limit:
        return unique
    return (unique[0], *unique[len(unique) - (limit - 1) :])


@dataclass(frozen=True, slots=True)
class ThreadEntry:
    """One email message of a conversation, in (created_at, id) order."""

    message_id: int
    external_id: str | None  # its Message-ID, without <>
    inbound: bool  # written by the customer
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ThreadContext:
    in_reply_to: str | None
    references: tuple[str, ...]
    reply_times: tuple[datetime, ...]  # for the Thread-Index: the replies up to this message


def thread_context(entries: Sequence[ThreadEntry], message_id: int) -> ThreadContext:
    """In-Reply-To (the latest customer email before this message), References (every stored
    Message-ID before it, capped) and the reply times for message `message_id`."""
    position = next((i for i, e in enumerate(entries) if e.message_id == message_id), None)
    if position is None:
        return ThreadContext(None, (), ())
    earlier = [e for e in entries[:position] if usable_message_id(e.external_id)]
    inbound = [e.external_id for e in earlier if e.inbound and e.external_id]
    in_reply_to = inbound[-1] if inbound else None
    references = cap_references([e.external_id for e in earlier if e.external_id])
    if in_reply_to is not None and in_reply_to not in references:
        references = (*references[:1], *references[2:], in_reply_to)
    reply_times = tuple(e.created_at for e in entries[1 : position + 1])
    return ThreadContext(in_reply_to, references, reply_times)


def html_from_text(text: str) -> str:
    """Plain text as HTML: escaped, paragraphs at blank lines, <br> at line breaks."""
    normalised = text.replace("\r\n", "\n").strip()
    paragraphs = [p for p in re.split(r"\n\s*\n", normalised) if p.strip()]
    return "\n".join(
        "<p>" + html.escape(paragraph).replace("\n", "<br>\n") + "</p>" for paragraph in paragraphs
    )


def html_document(fragment: str) -> str:
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head>\n'
        f'<body style="font-family: sans-serif;">\n{fragment}\n</body></html>\n'
    )


def _address(name: str, address: str) -> Address:
    try:
        return Address(display_name=one_line(name), addr_spec=address.strip())
    except (ValueError, IndexError) as error:
        raise ValueError(f"{address!r} is not a usable email address") from error


def _set_threading(email: EmailMessage, outbound: OutboundMessage) -> None:
    if outbound.message_id_header:
        email["Message-ID"] = f"<{outbound.message_id_header}>"
    if outbound.in_reply_to and usable_message_id(outbound.in_reply_to):
        email["In-Reply-To"] = f"<{outbound.in_reply_to}>"
    references = cap_references(outbound.references)
    if references:
        email["References"] = " ".join(f"<{m}>" for m in references)
    topic = outbound.thread_topic or (
        thread_topic(outbound.subject, outbound.reference) if outbound.reference else ""
    )
    if topic:
        email["Thread-Topic"] = topic
    if outbound.thread_index:
        email["Thread-Index"] = outbound.thread_index


def _subject(outbound: OutboundMessage) -> str:
    """A conversation's message is a reply ("Re: … [GW-…]"); a message of no conversation
    (reference "", e.g. the relationship NPS survey) keeps its own subject."""
    if not outbound.reference:
        return one_line(outbound.subject) or "(no subject)"
    return reply_subject(outbound.subject, outbound.reference)


def compose_email(outbound: OutboundMessage, *, now: datetime) -> EmailMessage:
    """The email for `outbound`: headers that continue the thread and a text + HTML body.
    Raises ValueError when the recipient's address cannot be written."""
    email = EmailMessage(policy=MAIL_POLICY)
    email["From"] = _address(outbound.sent_from_name, outbound.sent_from)
    email["To"] = _address(outbound.to_name, outbound.to_address)
    if outbound.reply_to:
        email["Reply-To"] = _address(outbound.sent_from_name, outbound.reply_to)
    email["Subject"] = _subject(outbound)
    email["Date"] = format_datetime(now)
    _set_threading(email, outbound)
    if outbound.is_automatic:
        # RFC 3834: an answer to a message is auto-replied; unsolicited mail is auto-generated.
        email["Auto-Submitted"] = "auto-replied" if outbound.reference else "auto-generated"
        email["X-Auto-Response-Suppress"] = "All"
    fragment = outbound.body_html or html_from_text(outbound.body_text)
    email.set_content(outbound.body_text, cte="quoted-printable")
    email.add_alternative(html_document(fragment), subtype="html", cte="quoted-printable")
    return email


def compose_bytes(outbound: OutboundMessage, now: datetime) -> bytes:
    """compose_email as the bytes an SMTP server receives (CRLF line ends)."""
    return compose_email(outbound, now=now).as_bytes()
