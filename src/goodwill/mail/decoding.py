"""Turning the bytes and header strings of real mail into text, whatever charset they claim. Pure.

Every decode here succeeds: a wrong or unknown charset falls back to UTF-8 and then to
windows-1252 with replacement, and says so in a defect string the caller may keep."""

import binascii
import codecs
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from email.message import Message
from email.utils import getaddresses, parsedate_to_datetime

from goodwill.mail.parsed import MailAddress

# Names mail really carries that Python does not know, or knows only as a narrower charset.
CHARSET_ALIASES = {
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
    "ks_c_5601-1989": "cp949",
    "euc-kr": "cp949",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "big5": "big5hkscs",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "x-sjis": "cp932",
    "sjis": "cp932",
    "iso-2022-jp": "iso2022_jp_ext",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "ascii",
    "ascii": "ascii",
    "iso-8859-8-i": "iso-8859-8",
    "iso-8859-6-i": "iso-8859-6",
    "tis-620": "cp874",
    "windows-874": "cp874",
    "x-mac-roman": "mac_roman",
    "macintosh": "mac_roman",
    "unicode-1-1-utf-7": "utf-7",
    "utf8": "utf-8",
    "unicode": "utf-8",
    "ansi": "cp1252",
    "x-user-defined": "cp1252",
}
_TEXT_CODECS: dict[str, str | None] = {}
_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([qQbB])\?([^?\s]*)\?=")
_FOLD = re.compile(r"\r?\n(?=[ \t])|\r(?=[ \t])")
_BREAKS = re.compile(r"[\r\n]+")
_SPACE_ONLY = re.compile(r"[ \t]*")
_PLAIN_ADDRESS = r"[^\s<>()\[\],;:\\\"@]+@[^\s<>()\[\],;:\\\"@]+"
_SIMPLE_MAILBOX = re.compile(
    rf"\s*(?:(?P<name>[^\s<>()\[\],;:\\\"@][^<>()\[\],;:\\\"@]*?)\s*|\"(?P<quoted>[^\"\\]*)\"\s*)?"
    rf"<(?P<angled>{_PLAIN_ADDRESS})>\s*|\s*(?P<bare>{_PLAIN_ADDRESS})\s*"
)
_BARE_ADDRESS = re.compile(rf"(?<![^\s<,;])({_PLAIN_ADDRESS})(?![^\s>,;])")
_UNSAFE_FILENAME = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")


def codec_for(charset: str | None) -> str | None:
    """The Python text codec for a declared charset, or None when Python cannot decode it."""
    if not charset:
        return None
    name = charset.strip().strip("\"'").strip().lower()
    if name in _TEXT_CODECS:
        return _TEXT_CODECS[name]
    found = CHARSET_ALIASES.get(name, name)
    try:
        info = codecs.lookup(found)
        codec: str | None = info.name if info._is_text_encoding else None
    except (LookupError, ValueError):
        codec = None
    if codec in {"idna", "punycode", "undefined", "raw_unicode_escape", "unicode_escape"}:
        codec = None
    if len(_TEXT_CODECS) < 512:
        _TEXT_CODECS[name] = codec
    return codec


def decode_bytes(data: bytes, charset: str | None) -> tuple[str, str | None]:
    """Text of `data` in its declared charset, with fallbacks; the defect when one was needed."""
    codec = codec_for(charset)
    if codec is not None:
        try:
            return data.decode(codec), None
        except (UnicodeError, LookupError, ValueError):
            if codec == "cp1252":  # latin-1 and windows-1252 differ only where 1252 has holes
                return data.decode("latin-1"), None
    elif not charset:
        return decode_undeclared(data), None
    elif data.isascii():
        return data.decode("ascii"), f"unknown charset {charset!r}; the text is plain ASCII"
    text, fallback = _fallback_decode(data, codec)
    if codec is None:
        return text, f"unknown charset {charset!r}; decoded as {fallback}"
    return text, f"text is not valid {charset!r}; decoded as {fallback}"


def _fallback_decode(data: bytes, codec: str | None) -> tuple[str, str]:
    """UTF-8; else the declared codec or UTF-8 if only a few bytes are bad; else windows-1252."""
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    for candidate in dict.fromkeys([codec or "utf-8", "utf-8"]):
        try:
            text = data.decode(candidate, errors="replace")
        except (UnicodeError, LookupError, ValueError):
            continue
        bad = text.count("\ufffd")
        good = len(text) - len(text.encode("ascii", errors="ignore")) - bad
        if bad * 20 <= good:  # a few broken bytes in much good text in this charset
            return text, f"{candidate} with replacements"
    return data.decode("cp1252", errors="replace"), "windows-1252"


def decode_undeclared(data: bytes) -> str:
    """Text with no charset declared: ASCII, else UTF-8, else windows-1252."""
    if data.isascii():
        return data.decode("ascii")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def unsurrogate(value: str, charset_hint: str | None = None) -> str:
    """Raw 8-bit header bytes (kept as surrogates by the parser) read as UTF-8 (RFC 6532).

    Old clients write raw 8-bit headers in their local charset: when the bytes are not UTF-8,
    `charset_hint` (the charset the message's text declares) is tried before windows-1252."""
    if value.isascii():
        return value
    try:
        raw = value.encode("utf-8", errors="surrogateescape")
    except UnicodeEncodeError:
        return value.encode("utf-8", errors="replace").decode("utf-8")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    codec = codec_for(charset_hint)
    if codec is not None and codec not in {"ascii", "utf-8"}:
        try:
            return raw.decode(codec)
        except (UnicodeError, LookupError, ValueError):
            pass
    return raw.decode("cp1252", errors="replace")


def header_text(value: object, charset_hint: str | None = None) -> str:
    """A header's value as one line of text: unfolded, encoded-words decoded, 8-bit as UTF-8."""
    if value is None:
        return ""
    raw = unsurrogate(str(value), charset_hint)
    if "\n" in raw or "\r" in raw:
        raw = _BREAKS.sub(" ", _FOLD.sub("", raw))
    if "=?" in raw:
        raw = decode_encoded_words(raw)
    return raw.strip()


def decode_encoded_words(value: str) -> str:
    """RFC 2047 words decoded; adjacent words in one charset are joined before decoding."""
    pieces: list[str] = []
    pending = bytearray()
    pending_charset = ""
    position = 0
    for match in _ENCODED_WORD.finditer(value):
        gap = value[position : match.start()]
        charset = match.group(1).split("*", 1)[0].lower()
        between_words = position > 0 and not gap.strip(" \t")
        if not (between_words and charset == pending_charset):
            if pending:
                pieces.append(decode_bytes(bytes(pending), pending_charset)[0])
                pending.clear()
            if not between_words:
                pieces.append(gap)
        pending += _word_bytes(match.group(2), match.group(3))
        pending_charset = charset
        position = match.end()
    if pending:
        pieces.append(decode_bytes(bytes(pending), pending_charset)[0])
    pieces.append(value[position:])
    return "".join(pieces)


def _word_bytes(encoding: str, payload: str) -> bytes:
    data = payload.encode("ascii", errors="replace")
    try:
        if encoding in "bB":
            return binascii.a2b_base64(data + b"=" * (-len(data.rstrip(b"=")) % 4))
        return binascii.a2b_qp(data, header=True)
    except (binascii.Error, ValueError):
        return data


def addresses(
    value: object, charset_hint: str | None = None
) -> tuple[tuple[MailAddress, ...], bool]:
    """Addresses in an address header; the flag says whether something unusable was dropped."""
    if value is None:
        return (), False
    raw = unsurrogate(str(value), charset_hint)
    simple = _SIMPLE_MAILBOX.fullmatch(raw)
    if simple:  # the common case, without the cost of the full RFC 5322 address parser
        name = simple.group("name") or simple.group("quoted") or ""
        address = simple.group("angled") or simple.group("bare")
        return (MailAddress(name=header_text(name), address=address),), False
    found: list[MailAddress] = []
    dropped = False
    for name, address in getaddresses([_BREAKS.sub(" ", raw)]):
        address = address.strip()
        if _usable(address):
            found.append(MailAddress(name=header_text(name), address=address))
        else:
            dropped = dropped or bool(address or name)
    if not found and dropped:  # e.g. "From: a@x.example b@x.example": salvage what looks right
        found = [MailAddress(name="", address=a) for a in _BARE_ADDRESS.findall(raw)]
    return tuple(dict.fromkeys(found)), dropped


def _usable(address: str) -> bool:
    local, at, domain = address.rpartition("@")
    return bool(at and local and domain) and " " not in address


def header_map(message: Message) -> dict[str, str]:
    """The first value of every header field, by lower-cased name (one pass, not one per lookup)."""
    found: dict[str, str] = {}
    for name, value in message.items():
        found.setdefault(name.lower(), str(value))
    return found


def first_header(headers: Mapping[str, str], name: str) -> str | None:
    """`headers[name]` for a header_map, None when absent."""
    return headers.get(name.lower())


def mail_date(value: object) -> datetime | None:
    """The Date header as an aware UTC datetime; None when missing or unusable."""
    if value is None:
        return None
    text = _BREAKS.sub(" ", str(value)).strip()
    if not text:
        return None
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def safe_filename(name: str, limit: int = 180) -> str:
    """A filename without paths or control characters, at most `limit` characters long."""
    cleaned = _UNSAFE_FILENAME.sub("_", name).strip(" ._")
    if len(cleaned) > limit:
        _stem, dot, extension = cleaned.rpartition(".")
        keep = extension if dot and len(extension) <= 10 else ""
        cleaned = cleaned[: limit - len(keep) - 1].rstrip() + ("." + keep if keep else "")
    return cleaned
