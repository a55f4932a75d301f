"""Signed session cookies for the agent workspace, with a CSRF token per session."""

import secrets
from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

SESSION_COOKIE = "goodwill_session"


@dataclass(frozen=True, slots=True)
class SessionData:
    agent_id: int
    version: int
    csrf_token: str


class SessionSigner:
    def __init__(self, secret_key: str, *, max_age_seconds: int) -> None:
        self._serializer = URLSafeTimedSerializer(secret_key, salt="goodwill.session")
        self.max_age_seconds = max_age_seconds

    def dumps(self, *, agent_id: int, version: int) -> str:
        payload = {"a": agent_id, "v": version, "c": secrets.token_urlsafe(24)}
        return str(self._serializer.dumps(payload))

    def loads(self, cookie: str) -> SessionData | None:
        try:
            payload = self._serializer.loads(cookie, max_age=self.max_age_seconds)
        except (BadSignature, SignatureExpired):
            return None
        try:
            return SessionData(int(payload["a"]), int(payload["v"]), str(payload["c"]))
        except (KeyError, TypeError, ValueError):
            return None
