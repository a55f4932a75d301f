"""Walking a parsed MIME tree: which parts are the body, which are attachments. Pure.

multipart/alternative contributes one text/plain and one HTML body (the first of each);
forwarded messages (message/rfc822) become .eml attachments and stay out of the body;
attachments are kept up to a byte budget per message, the rest recorded as skipped."""

import binascii
import re
from dataclasses import dataclass, field
from email.message import Message

from goodwill.mail.decoding import decode_bytes, header_text, safe_filename
from goodwill.mail.parsed import ParsedAttachment

MAX_DEPTH = 40
MAX_ATTACHMENTS = 500
_EXTENSIONS = {
    "text/plain": ".txt",
    "text/html": ".html",
    "text/calendar": ".ics",
    "text/csv": ".csv",
    "text/rfc822-headers": ".txt",
    "message/rfc822-headers": ".txt",
    "message/delivery-status": ".txt",
    "message/disposition-notification": ".txt",
    "message/rfc822": ".eml",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "image/bmp": ".bmp",
    "image/tiff": ".tif",
    "application/pdf": ".pdf",
    "application/zip": ".zip",
    "application/json": ".json",
    "application/pgp-signature": ".asc",
    "application/pkcs7-signature": ".p7s",
    "application/x-pkcs7-signature": ".p7s",
    "application/msword": ".doc",
    "application/vnd.ms-excel": ".xls",
}
# text alternatives that only repeat the text/plain or HTML body
_REDUNDANT_ALTERNATIVES = frozenset(
    {"text/watch-html", "text/x-amp-html", "text/enriched", "text/richtext"}
)
_FORWARDED = frozenset({"message/rfc822", "message/global", "message/news"})
_MEDIA_TYPE = re.compile(r"[a-z0-9!#$&^_.+-]+/[a-z0-9!#$&^_.+-]+")
_CTE_WORD = re.compile(r"[A-Za-z0-9_-]+")
_NOT_BASE64 = re.compile(rb"[^A-Za-z0-9+/]+")
_UUENCODE = frozenset({"x-uuencode", "uuencode", "uue", "x-uue"})


@dataclass
class Bodies:
    """Body texts found under one node of the tree."""

    plain: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)
    in_alternative: bool = False


@dataclass
class Budget:
    """Attachments kept so far for the whole message, within `limit` bytes."""

    limit: int
    used: int = 0
    first_charset: str | None = None  # of the first text part: a hint for raw 8-bit headers
    attachments: list[ParsedAttachment] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)

    def default_name(self, content_type: str) -> str:
        extension = _EXTENSIONS.get(content_type, ".bin")
        return f"attachment-{len(self.attachments) + 1}{extension}"

    def add(self, attachment: ParsedAttachment) -> None:
        if len(self.attachments) >= MAX_ATTACHMENTS:
            self.defects.append(f"more than {MAX_ATTACHMENTS} attachments; the rest dropped")
            return
        size = len(attachment.content)
        if self.used + size > self.limit:
            reason = f"larger than the {human_size(self.limit)} attachment limit per message"
            attachment = ParsedAttachment(
                filename=attachment.filename,
                content_type=attachment.content_type,
                content=b"",
                content_id=attachment.content_id,
                inline=attachment.inline,
                skipped_reason=f"{human_size(size)}: {reason}",
            )
        else:
            self.used += size
        self.attachments.append(attachment)


def human_size(size: int) -> str:
    """1536 -> '1.5 KiB'."""
    value = float(size)
    for unit in ("bytes", "KiB", "MiB"):
        if value < 1024 or unit == "MiB":
            return f"{value:.0f} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GiB"  # pragma: no cover - the loop always returns


def walk(part: Message, bodies: Bodies, budget: Budget, depth: int) -> None:
    """Sort `part` and everything under it into `bodies` and `budget`."""
    if depth > MAX_DEPTH:
        budget.defects.append(f"MIME parts nested deeper than {MAX_DEPTH}; the rest ignored")
        return
    content_type = media_type(part)
    if content_type.startswith("message/"):
        _message_part(part, content_type, budget)
        return
    children = subparts(part)
    if children is None:
        _leaf(part, content_type, bodies, budget)
    elif content_type == "multipart/alternative":
        _alternative(children, bodies, budget, depth)
    else:
        for child in children:
            walk(child, bodies, budget, depth + 1)


def subparts(part: Message) -> list[Message] | None:
    """The parts inside a multipart (or the message inside a message/*); None for a leaf.

    Only multiparts are asked for their payload: the email package decodes a leaf's payload
    with its declared charset, which can raise on 8-bit junk."""
    if not part.is_multipart():
        return None
    payload = part.get_payload()
    return (
        [each for each in payload if isinstance(each, Message)] if isinstance(payload, list) else []
    )


def _alternative(children: list[Message], bodies: Bodies, budget: Budget, depth: int) -> None:
    plain: list[str] = []
    html: list[str] = []
    for child in children:
        found = Bodies(in_alternative=True)
        walk(child, found, budget, depth + 1)
        plain = plain or found.plain
        html = html or found.html
    bodies.plain.extend(plain)
    bodies.html.extend(html)


def _leaf(part: Message, content_type: str, bodies: Bodies, budget: Budget) -> None:
    disposition = part.get_content_disposition()
    filename = attachment_filename(part)
    if disposition != "attachment" and filename is None:
        if content_type == "text/plain" or content_type.startswith("multipart/"):
            bodies.plain.append(part_text(part, budget))
            return
        if content_type == "text/html":
            bodies.html.append(part_text(part, budget))
            return
        if bodies.in_alternative and content_type in _REDUNDANT_ALTERNATIVES:
            return
    content_id = header_text(part.get("Content-ID")).strip("<> \t") or None
    budget.add(
        ParsedAttachment(
            filename=filename or _location_name(part) or budget.default_name(content_type),
            content_type=content_type,
            content=payload_bytes(part, budget.defects),
            content_id=content_id,
            inline=disposition == "inline" or (disposition is None and content_id is not None),
        )
    )


def _message_part(part: Message, content_type: str, budget: Budget) -> None:
    inner = subparts(part)
    filename = attachment_filename(part)
    if content_type in _FORWARDED and inner:
        subject = header_text(inner[0].get("Subject"))
        name = filename or safe_filename(subject, limit=120) or "forwarded-message"
        filename = name if name.lower().endswith(".eml") else f"{name}.eml"
    if inner is None:
        content = payload_bytes(part, budget.defects)
    else:
        content = b"\n".join(message_bytes(each) for each in inner)
    budget.add(
        ParsedAttachment(
            filename=filename or budget.default_name(content_type),
            content_type=content_type,
            content=content,
            inline=False,
        )
    )


def media_type(part: Message) -> str:
    """The part's type/subtype, lower-cased; junk after it ("application/pdf name=x") dropped."""
    declared = part.get_content_type()
    found = _MEDIA_TYPE.match(declared)
    return found.group(0) if found else "application/octet-stream"


def _location_name(part: Message) -> str | None:
    """A name from Content-Location (Apple Mail names inline images only there)."""
    location = header_text(part.get("Content-Location")).split("?", 1)[0]
    name = safe_filename(location.rstrip("/").rsplit("/", 1)[-1])
    return name if "." in name else None


def message_bytes(message: Message) -> bytes:
    """An embedded message as bytes again (regenerated by the email package)."""
    try:
        return message.as_bytes()
    except Exception:  # the generator can trip over what the parser let through
        return message.as_string().encode("utf-8", errors="replace")


def attachment_filename(part: Message) -> str | None:
    """The part's filename (RFC 2231 or encoded-words decoded, made safe), or None."""
    declared = str(part.get("Content-Disposition", "")) + str(part.get("Content-Type", ""))
    if "name" not in declared.lower():
        return None
    try:
        raw = part.get_filename()
    except Exception:  # malformed RFC 2231 parameters
        return None
    if not raw:
        return None
    return safe_filename(header_text(raw)) or None


def part_text(part: Message, budget: Budget) -> str:
    """A text part decoded from its transfer encoding and charset, with fallbacks."""
    data = payload_bytes(part, budget.defects)
    try:
        charset = part.get_content_charset()
    except Exception:  # a charset parameter that is not even text
        charset = None
    budget.first_charset = budget.first_charset or charset
    text, defect = decode_bytes(data, charset)
    if defect:
        budget.defects.append(f"{part.get_content_type()} part: {defect}")
    return text


def payload_bytes(part: Message, defects: list[str] | None = None) -> bytes:
    """The part's content with its Content-Transfer-Encoding undone (leniently).

    Misspelled encodings ("base64;", "Quoted-Printable ") are recognised, broken base64
    keeps what decodes, and text that only claims to be base64 is kept as it is."""
    declared = str(part.get("Content-Transfer-Encoding", "")).lower()
    found = _CTE_WORD.search(declared)
    encoding = found.group(0) if found else ""
    if encoding in _UUENCODE:
        decoded = part.get_payload(decode=True)
        return decoded if isinstance(decoded, bytes) else b""
    data = raw_payload(part)
    if encoding == "base64":
        if _is_prose(data):
            _note(defects, "declared base64 but holds plain text; kept as it is")
            return data
        return _base64(data, defects)
    if encoding == "quoted-printable":
        return binascii.a2b_qp(data)
    return data


def raw_payload(part: Message) -> bytes:
    """A leaf part's payload exactly as received, still transfer-encoded.

    Message.get_payload() without decode=True re-decodes 8-bit bytes with the declared charset
    (lossy, and it can raise), so the stored payload is read directly."""
    payload = getattr(part, "_payload", None)
    if not isinstance(payload, str):
        return payload if isinstance(payload, bytes) else b""
    try:
        return payload.encode("ascii", errors="surrogateescape")
    except UnicodeEncodeError:  # a message parsed from str rather than bytes
        return payload.encode("utf-8", errors="replace")


def _is_prose(data: bytes) -> bool:
    """True for text with several words a line, which base64 never has."""
    sample = data[:2048]
    return len(sample.split()) > 2 * (sample.count(b"\n") + 1)


def _note(defects: list[str] | None, defect: str) -> None:
    if defects is not None:
        defects.append(defect)


def _base64(data: bytes, defects: list[str] | None) -> bytes:
    try:
        return binascii.a2b_base64(data)
    except binascii.Error:
        pass
    cleaned = _NOT_BASE64.sub(b"", data.split(b"=", 1)[0])
    cleaned = cleaned[: len(cleaned) - 1] if len(cleaned) % 4 == 1 else cleaned
    _note(defects, "malformed base64 content; decoded what could be decoded")
    return binascii.a2b_base64(cleaned + b"=" * (-len(cleaned) % 4))
