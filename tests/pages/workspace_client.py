"""Helpers to drive the workspace with a TestClient: the sign-in form token, the CSRF token."""

import re
from collections.abc import Callable

from fastapi.testclient import TestClient

from goodwill.agents.models import Agent

PASSWORD = "correct horse battery"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_LOGIN_TOKEN = re.compile(r'name="login_token" value="([^"]+)"')

SignIn = Callable[[Agent], str]


def read_csrf_token(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1)


def login_token(client: TestClient) -> str:
    match = _LOGIN_TOKEN.search(client.get("/login").text)
    assert match, "the sign-in form has no login token"
    return match.group(1)


def htmx(csrf: str) -> dict[str, str]:
    """Headers of an HTMX request from a signed-in page."""
    return {"HX-Request": "true", "X-CSRF-Token": csrf}
