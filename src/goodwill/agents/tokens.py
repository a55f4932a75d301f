"""API token generation and hashing. Pure; only the hash is stored."""

import hashlib
import secrets

TOKEN_PREFIX = "gw_"


def generate_api_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_api_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
