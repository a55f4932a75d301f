"""One raw message in, one ParsedMail out, for any bytes at all: parse_mail never raises. Pure.

The MIME tree comes from the standard `email` parser with a compat32-based policy that hands
header values back untouched; headers are then decoded here (RFC 2047 words, RFC 6532 UTF-8,
broken charsets). policy.default builds a structured object for every header it touches: the
standard parse alone with it was four times slower than all of parse_mail on real list mail
(docs/benchmarks.md, "Mail parsing"), and its lazy header parsing can raise on the malformed
headers real mail carries; the raw values read here cannot."""

from dataclasses import dataclass, field
from email.message import Message
from email.parser import BytesParser
from email.policy import Compat32

from goodwill.mail.bodies import Bodies, Budget, walk
from goodwill.mail.classify import bounce_report, classify
from goodwill.mail.decoding import (
    addresses,
    decode_undeclared,
    header_map,
    header_text,
    mail_date,
)
from goodwill.mail.html_text import html_to_text
from goodwill.mail.parsed import MailAddress, MailKind, ParsedMail
from goodwill.mail.quoting import split_quoted
from goodwill.mail.thread_rules import message_ids_in, normalise_message_id

MAX_DEFECTS = 30


class RawHeaderPolicy(Compat32):
    """compat32, but header values come back exactly as received (8-bit bytes as surrogates)."""

    def header_fetch_parse(self, name: str, value: str) -> str:  # noqa: ARG002
        return value


POLICY = RawHeaderPolicy()


@dataclass
class _Envelope:
    sender: MailAddress | None
    reply_to: tuple[MailAddress, ...]
    to: tuple[MailAddress, ...]
    cc: tuple[MailAddress, ...]
    defects: list[str] = field(default_factory=list)


def parse_mail(raw: bytes, *, max_attachment_bytes: int) -> ParsedMail:
    """Parse one raw RFC 5322 message; whatever was wrong with it is listed in `defects`."""
    try:
        message = BytesParser(policy=POLICY).parsebytes(bytes(raw))
        return parse_message(message, max_attachment_bytes=max_attachment_bytes)
    except Exception as error:  # the promise is "never raises": keep what can be kept
        return unparsed_mail(raw, error)


def parse_message(message: Message, *, max_attachment_bytes: int) -> ParsedMail:
    """A ParsedMail from a message already parsed with POLICY."""
    bodies = Bodies()
    budget = Budget(limit=max(0, max_attachment_bytes))
    walk(message, bodies, budget, depth=0)
    headers = header_map(message)
    hint = budget.first_charset
    envelope = _envelope(headers, hint)
    kind, reason = classify(message, headers)
    text = _body_text(bodies)
    date = mail_date(headers.get("date"))
    defects = [*envelope.defects, *budget.defects]
    if date is None and "date" in headers:
        defects.append("Date header unusable")
    if not headers:
        defects.append("no header fields: this is not an RFC 5322 message")
    return ParsedMail(
        message_id=normalise_message_id(header_text(headers.get("message-id"))),
        in_reply_to=message_ids_in(header_text(headers.get("in-reply-to"))),
        references=message_ids_in(header_text(headers.get("references"))),
        subject=clean(header_text(headers.get("subject"), hint)),
        sender=envelope.sender,
        reply_to=envelope.reply_to,
        to=envelope.to,
        cc=envelope.cc,
        date=date,
        kind=kind,
        kind_reason=reason,
        text=text,
        html=clean("\n".join(bodies.html)) if bodies.html else None,
        visible_text=split_quoted(text).visible,
        attachments=tuple(budget.attachments),
        bounce=bounce_report(message, headers) if kind is MailKind.BOUNCE else None,
        defects=tuple(dict.fromkeys(defects + _parser_defects(message)))[:MAX_DEFECTS],
    )


def _envelope(headers: dict[str, str], hint: str | None) -> _Envelope:
    senders, sender_dropped = addresses(headers.get("from"), hint)
    reply_to, _ = addresses(headers.get("reply-to"), hint)
    to, _ = addresses(headers.get("to"), hint)
    cc, _ = addresses(headers.get("cc"), hint)
    envelope = _Envelope(senders[0] if senders else None, reply_to, to, cc)
    if len(senders) > 1:
        envelope.defects.append(f"From holds {len(senders)} addresses; the first is the sender")
    if sender_dropped and not senders:
        envelope.defects.append("From holds no usable address")
    return envelope


def _body_text(bodies: Bodies) -> str:
    """The text/plain body; derived from the HTML when there is none (or it is blank)."""
    text = "\n".join(part.strip("\r\n") for part in bodies.plain)
    if not text.strip():
        text = html_to_text("\n".join(bodies.html)) if bodies.html else ""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return clean(text.strip("\n"))


def clean(text: str) -> str:
    """Text any database can store: no NUL characters, no lone surrogates."""
    if "\x00" in text:
        text = text.replace("\x00", "")
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            text = text.encode("utf-8", errors="replace").decode("utf-8")
    return text


def _parser_defects(message: Message) -> list[str]:
    found: list[str] = []
    for part in message.walk():
        for defect in part.defects:
            found.append(f"{type(defect).__name__} in {part.get_content_type()[:60]}")
            if len(found) >= MAX_DEFECTS:
                return found
    return found


def unparsed_mail(raw: bytes, error: BaseException) -> ParsedMail:
    """The last resort when the parser itself failed: the bytes as text, nothing else."""
    head, separator, body = bytes(raw).partition(b"\n\n")
    text = clean(decode_undeclared(body if separator else head)).strip()
    return ParsedMail(
        message_id=None,
        in_reply_to=(),
        references=(),
        subject="",
        sender=None,
        reply_to=(),
        to=(),
        cc=(),
        date=None,
        kind=MailKind.NORMAL,
        kind_reason=None,
        text=text,
        html=None,
        visible_text=text,
        defects=(f"unparseable message ({type(error).__name__})",),
    )
