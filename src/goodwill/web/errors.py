"""Map domain errors to answers: JSON for the API, an HTML page or toast for the workspace."""

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from goodwill.core.errors import DomainError, Unauthorized
from goodwill.web.deps import LoginRequired


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/")


def _describe_validation(error: RequestValidationError) -> str:
    parts = []
    for item in error.errors():
        location = ".".join(str(part) for part in item.get("loc", ()) if part != "body")
        parts.append(
            f"{location}: {item.get('msg', 'invalid')}" if location else item.get("msg", "")
        )
    return "; ".join(parts) or "the request is not valid"


async def domain_error_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    if _wants_html(request):
        if request.headers.get("hx-request"):
            return HTMLResponse(
                f'<div class="toast toast-error" role="alert">{_escape(exc.message)}</div>',
                status_code=exc.status_code,
                headers={"HX-Retarget": "#toasts", "HX-Reswap": "beforeend"},
            )
        return HTMLResponse(_error_page(exc.status_code, exc.message), status_code=exc.status_code)
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, Unauthorized) else None
    return JSONResponse({"detail": exc.message}, status_code=exc.status_code, headers=headers)


async def validation_error_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    message = _describe_validation(exc)
    if _wants_html(request):
        return HTMLResponse(_error_page(422, message), status_code=422)
    return JSONResponse({"detail": message, "errors": _jsonable_errors(exc)}, status_code=422)


def _jsonable_errors(exc: RequestValidationError) -> list[dict[str, object]]:
    return [
        {
            "loc": [str(part) for part in item.get("loc", ())],
            "msg": str(item.get("msg", "")),
            "type": str(item.get("type", "")),
        }
        for item in exc.errors()
    ]


async def login_required_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LoginRequired)
    target = f"/login?next={quote(exc.next_path)}"
    if request.headers.get("hx-request"):
        return Response(status_code=401, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


def _escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def _error_page(status: int, message: str) -> str:
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Goodwill: error</title>"
        "<link rel='stylesheet' href='/static/goodwill.css'></head><body class='error-page'>"
        f"<main class='narrow'><h1>{status}</h1><p>{_escape(message)}</p>"
        "<p><a href='/'>Back to the inbox</a></p></main></body></html>"
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, domain_error_handler)
    app.add_exception_handler(RequestValidationError, validation_error_handler)
    app.add_exception_handler(LoginRequired, login_required_handler)
