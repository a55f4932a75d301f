"""Opaque keyset-pagination cursors. Pure."""

import base64
import json
from typing import Any

from goodwill.core.errors import Invalid

INVALID_CURSOR = "cursor is not valid: pass the next_cursor value of a previous page"
MAX_KEY = 2**63 - 1


def encode_cursor(values: list[Any]) -> str:
    raw = json.dumps(values, separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, *, size: int) -> list[Any]:
    """The key values of the last row seen; raises Invalid for a cursor we did not issue."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError) as error:
        raise Invalid(INVALID_CURSOR) from error
    if not isinstance(values, list) or len(values) != size:
        raise Invalid(INVALID_CURSOR)
    return values


def cursor_key(value: object) -> int:
    """An integer key taken from a decoded cursor; raises Invalid for anything else."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_KEY:
        raise Invalid(INVALID_CURSOR)
    return value
