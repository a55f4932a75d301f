"""Sign-in, sign-out and the Available / Away toggle of the agent workspace (CSRF-checked)."""

import secrets
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from goodwill.agents.models import Agent
from goodwill.agents.service import authenticate_agent, set_agent_availability
from goodwill.core.errors import Unauthorized
from goodwill.web.deps import (
    DatabaseDep,
    PostingAgent,
    SettingsDep,
    SignerDep,
    page_agent_with_csrf,
)
from goodwill.web.sessions import SESSION_COOKIE, SessionSigner
from goodwill.web.templating import is_htmx, render

router = APIRouter()

LOGIN_CSRF_COOKIE = "goodwill_login_csrf"  # double-submit token against login CSRF
DEFAULT_LANDING = "/inbox"


def safe_next_path(candidate: str | None) -> str:
    """`candidate` if it is a path on this site, else the inbox: no open redirects."""
    if not candidate or not candidate.startswith("/") or candidate.startswith("//"):
        return DEFAULT_LANDING
    if "\\" in candidate or any(ord(character) < 32 for character in candidate):
        return DEFAULT_LANDING
    parts = urlsplit(candidate)
    if parts.scheme or parts.netloc or candidate.startswith("/login"):
        return DEFAULT_LANDING
    return candidate


def _login_form(
    request: Request,
    *,
    next_path: str,
    email: str = "",
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    token = secrets.token_urlsafe(24)
    response = render(
        request,
        "agents/login.html",
        status_code=status_code,
        next_path=next_path,
        email=email,
        error=error,
        login_token=token,
    )
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", path="/login")
    return response


@router.get("/login", response_class=HTMLResponse)
def show_login(
    request: Request, next_path: Annotated[str | None, Query(alias="next", max_length=2048)] = None
) -> HTMLResponse:
    return _login_form(request, next_path=safe_next_path(next_path))


def _is_login_token_valid(request: Request, supplied: str) -> bool:
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    return bool(expected) and secrets.compare_digest(expected, supplied)


def _signed_in_redirect(
    agent: Agent, *, signer: SessionSigner, target: str, secure: bool
) -> Response:
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        signer.dumps(agent_id=agent.id, version=agent.session_version),
        max_age=signer.max_age_seconds,
        httponly=True,
        samesite="lax",
        secure=secure,
        path="/",
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/login", response_class=HTMLResponse)
def submit_login(
    request: Request,
    database: DatabaseDep,
    signer: SignerDep,
    settings: SettingsDep,
    email: Annotated[str, Form(max_length=254)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    next_path: Annotated[str, Form(alias="next", max_length=2048)] = "",
    login_token: Annotated[str, Form(max_length=128)] = "",
) -> Response:
    target = safe_next_path(next_path)
    if not _is_login_token_valid(request, login_token):
        message = "The sign-in form expired. Please sign in again."
        return _login_form(request, next_path=target, email=email, error=message, status_code=403)
    try:
        with database.reader() as session:
            agent = authenticate_agent(session, email=email, password=password)
    except Unauthorized:
        message = "Wrong email or password. Check both and try again."
        return _login_form(request, next_path=target, email=email, error=message, status_code=401)
    secure = settings.base_url.startswith("https://")
    return _signed_in_redirect(agent, signer=signer, target=target, secure=secure)


def referring_path(request: Request) -> str:
    """The page on this site the form was posted from (the Referer), else the inbox."""
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc != request.url.netloc:
        return DEFAULT_LANDING
    return safe_next_path(f"{referer.path}?{referer.query}" if referer.query else referer.path)


@router.post("/me/availability", response_class=HTMLResponse)
def change_availability(
    request: Request,
    agent: PostingAgent,
    database: DatabaseDep,
    is_available: Annotated[bool, Form()],
) -> Response:
    """Available or away; HTMX gets the toggle back, a plain form post goes back to its page."""
    with database.transaction() as session:
        changed = set_agent_availability(session, agent.id, is_available=is_available)
    if is_htmx(request):
        return render(request, "agents/_availability.html", agent=changed)
    return RedirectResponse(referring_path(request), status_code=303)


@router.post("/logout", dependencies=[Depends(page_agent_with_csrf)])
def submit_logout() -> Response:
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
