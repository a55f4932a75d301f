"""Attachment rules: safe file names, base64 content, the size limit, download headers. Pure."""

import base64
import binascii
import re
from urllib.parse import quote

from goodwill.core.errors import Invalid

MAX_FILENAME_LENGTH = 255
DEFAULT_CONTENT_TYPE = "application/octet-stream"
_TOKEN = r"[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,62}"  # RFC 6838 restricted-name
CONTENT_TYPE_PATTERN = rf"^{_TOKEN}/{_TOKEN}$"
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def clean_filename(name: str) -> str:
    """The last path component, without control characters; ValueError if nothing usable is left."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = _CONTROL_CHARACTERS.sub("", base).strip()
    if cleaned in {"", ".", ".."}:
        raise ValueError("filename must name a file, e.g. 'invoice.pdf'")
    if len(cleaned) > MAX_FILENAME_LENGTH:
        raise ValueError(f"filename must be at most {MAX_FILENAME_LENGTH} characters")
    return cleaned


def decode_base64(text: str) -> bytes:
    """Strict standard base64 (RFC 4648, padding required); ValueError otherwise."""
    if len(text) % 4:
        raise ValueError("content_base64 is not valid base64 (its length is not a multiple of 4)")
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as error:
        raise ValueError(f"content_base64 is not valid base64 ({error})") from error


def ensure_within_limit(sizes: list[int], *, limit: int) -> None:
    """A message's attachments may add up to `limit` bytes, decoded."""
    total = sum(sizes)
    if total > limit:
        raise Invalid(
            f"attachments add up to {total} bytes; a message may carry at most {limit} bytes "
            "(GOODWILL_MAX_ATTACHMENT_BYTES)"
        )


def download_headers(filename: str) -> dict[str, str]:
    """Always a download, never shown inline: uploaded HTML or SVG must not run in our origin."""
    return {
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename, safe='')}",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": "private, no-store",
    }
