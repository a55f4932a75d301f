"""Refuse NUL characters in API input: PostgreSQL text cannot hold them (SQLite can).

Rejecting them at the boundary keeps both databases answering alike: 422 instead of a 500 from
the PostgreSQL driver. Used as a router dependency by every JSON API router.
"""

import json
from urllib.parse import unquote_plus

from fastapi import Request

from goodwill.core.errors import Invalid

NUL = "\x00"
MESSAGE = "text must not contain NUL (\\u0000) characters"


def _has_nul(value: object) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(_has_nul(key) or _has_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


def _body_has_nul(body: bytes) -> bool:
    if b"\\u0000" not in body and b"\x00" not in body:
        return False
    try:
        return _has_nul(json.loads(body))
    except ValueError:
        return False  # not JSON: the body's own validation answers


async def reject_nul_characters(request: Request) -> None:
    if NUL in unquote_plus(request.url.query):
        raise Invalid(f"query: {MESSAGE}")
    if request.method in ("POST", "PUT", "PATCH") and _body_has_nul(await request.body()):
        raise Invalid(f"body: {MESSAGE}")
