"""One Jinja environment over every domain's templates folder; render pages and HTMX fragments."""

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

PACKAGE_ROOT = Path(__file__).resolve().parent.parent


def _template_dirs() -> list[str]:
    return [str(path) for path in sorted(PACKAGE_ROOT.glob("*/templates")) if path.is_dir()]


def humanize_age(moment: datetime | None, now: datetime | None = None) -> str:
    if moment is None:
        return ""
    seconds = int(((now or datetime.now(UTC)) - moment).total_seconds())
    future = seconds < 0
    seconds = abs(seconds)
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            text = f"{seconds // size}{unit}"
            break
    else:
        text = "now" if not future else "<1m"
    return f"in {text}" if future else (text if text == "now" else f"{text} ago")


def format_time(moment: datetime | None) -> str:
    return moment.strftime("%d %b %Y %H:%M UTC") if moment else ""


def build_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(_template_dirs()),
        autoescape=select_autoescape(["html", "xml"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["age"] = humanize_age
    env.filters["time"] = format_time
    return env


_environment = build_environment()


def render(
    request: Request, template: str, *, status_code: int = 200, **context: Any
) -> HTMLResponse:
    """Render a template with the request, the signed-in agent and the CSRF token in context."""
    context.setdefault("request", request)
    context.setdefault("csrf_token", getattr(request.state, "csrf_token", ""))
    context.setdefault("now", request.app.state.clock.now())
    html = _environment.get_template(template).render(**context)
    return HTMLResponse(html, status_code=status_code)


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"
