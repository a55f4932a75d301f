"""FastAPI dependencies shared by every domain's API and pages."""

import secrets
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from goodwill.agents.models import Agent
from goodwill.agents.roles import Role, has_at_least
from goodwill.agents.service import find_agent_by_token
from goodwill.core.clock import Clock
from goodwill.core.db import Database
from goodwill.core.errors import Forbidden, Unauthorized
from goodwill.settings import Settings
from goodwill.web.sessions import SESSION_COOKIE, SessionData, SessionSigner


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


def get_clock(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


def get_session_signer(request: Request) -> SessionSigner:
    signer: SessionSigner = request.app.state.session_signer
    return signer


SettingsDep = Annotated[Settings, Depends(get_settings)]
DatabaseDep = Annotated[Database, Depends(get_database)]
ClockDep = Annotated[Clock, Depends(get_clock)]
SignerDep = Annotated[SessionSigner, Depends(get_session_signer)]


_bearer = HTTPBearer(
    auto_error=False,
    description="An API token from `goodwill tokens create` or POST /api/v1/agents/{id}/tokens",
)


def api_agent(
    database: DatabaseDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)] = None,
) -> Agent:
    """The agent behind the bearer token, or 401."""
    if credentials is None or not credentials.credentials.strip():
        raise Unauthorized("send an API token as 'Authorization: Bearer <token>'")
    token = credentials.credentials.strip()
    with database.reader() as session:
        agent = find_agent_by_token(session, token=token)
    if agent is None:
        raise Unauthorized("the API token is unknown, revoked, or its agent is deactivated")
    return agent


ApiAgent = Annotated[Agent, Depends(api_agent)]


def require_role(agent: Agent, role: Role) -> None:
    if not has_at_least(agent.role, role):
        raise Forbidden(f"this needs the {role.value} role; you are {agent.role}")


def api_manager(agent: ApiAgent) -> Agent:
    require_role(agent, Role.MANAGER)
    return agent


def api_admin(agent: ApiAgent) -> Agent:
    require_role(agent, Role.ADMIN)
    return agent


ApiManager = Annotated[Agent, Depends(api_manager)]
ApiAdmin = Annotated[Agent, Depends(api_admin)]


class LoginRequired(Exception):
    """Raised by page dependencies; answered with a redirect to the sign-in page."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def read_session(request: Request, signer: SignerDep) -> SessionData | None:
    cookie = request.cookies.get(SESSION_COOKIE)
    return signer.loads(cookie) if cookie else None


def page_agent(request: Request, database: DatabaseDep, signer: SignerDep) -> Agent:
    """The signed-in agent, or a redirect to /login. Unsafe methods must carry the CSRF token."""
    data = read_session(request, signer)
    agent = None
    if data is not None:
        with database.reader() as session:
            agent = session.get(Agent, data.agent_id)
    if (
        data is None
        or agent is None
        or not agent.is_active
        or agent.session_version != data.version
    ):
        raise LoginRequired(_return_path(request))
    request.state.csrf_token = data.csrf_token
    return agent


def _return_path(request: Request) -> str:
    """Where to go after signing in: this page, or for a form post the page the form was on."""
    if request.method == "GET":
        return request.url.path
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc == request.url.netloc and referer.path.startswith("/"):
        return referer.path
    return "/"


PageAgent = Annotated[Agent, Depends(page_agent)]


async def check_csrf(request: Request) -> None:
    """For cookie-authenticated POSTs: the form field or X-CSRF-Token header must match."""
    expected = getattr(request.state, "csrf_token", None)
    supplied = request.headers.get("x-csrf-token")
    if supplied is None:
        form = await request.form()
        value = form.get("csrf_token")
        supplied = value if isinstance(value, str) else None
    if not expected or not supplied or not secrets.compare_digest(expected, supplied):
        raise Forbidden("the form expired or did not come from this site; reload and try again")


async def page_agent_with_csrf(request: Request, agent: PageAgent) -> Agent:
    await check_csrf(request)
    return agent


PostingAgent = Annotated[Agent, Depends(page_agent_with_csrf)]
