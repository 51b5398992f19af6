"""The web app factory: ``create_app(db)`` gives a FastAPI app on one workspace."""

from __future__ import annotations

import logging
import os

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from territorial import __version__
from territorial.domain.errors import NotPermitted
from territorial.services.region import NotVisible
from territorial.services.users import session_key
from territorial.services.workspace import open_workspace
from territorial.web import (
    account,
    admin,
    api,
    api_cycle,
    api_design,
    api_editor,
    api_plan,
    auth,
    downloads,
    drafts,
    pages,
    pages_cycle,
    pages_design,
    pages_editor,
    pages_plan,
    rep,
)
from territorial.web.auth import LoginRequired, authorize, login_required_response
from territorial.web.errors import WebError
from territorial.web.rendering import STATIC_DIR, assets_missing, error_response

log = logging.getLogger(__name__)


async def _web_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, WebError)
    return error_response(request, exc.status, exc.reason)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    reason = "no such page" if exc.status_code == 404 else str(exc.detail)
    return error_response(request, exc.status_code, f"{reason}: {request.url.path}")


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    problems = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error.get("loc", ())[1:]) or "request"
        problems.append(f"{where}: {error.get('msg', 'invalid')}")
    return error_response(request, 400, "; ".join(problems) or "invalid request")


# Headers on every response.  The policy allows only this server's own files (and the
# optional OpenStreetMap tiles), no inline script and no inline style: page behaviour
# and looks live in static/ (data-driven sizes and colours are set through CSSOM there).
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data: https://tile.openstreetmap.org; "
        "style-src 'self'; script-src 'self'; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
}


class SecurityHeaders:
    """ASGI middleware: :data:`SECURITY_HEADERS` on every HTTP response that does not set
    its own (a plain ASGI wrapper: Starlette's ``BaseHTTPMiddleware`` runs each request
    through an extra task and stream, measurable on the cached JSON answers)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.headers = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in self.headers if k not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


#: Host headers answered by default (DNS rebinding gets 400); add names for a server with
#: TERRITORIAL_ALLOWED_HOSTS (comma-separated) or ``serve --allow-host``.
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1", "[::1]")
SESSION_HOURS = 12


def allowed_hosts(extra: list[str] | None = None) -> list[str]:
    """The Host allow-list: local names, TERRITORIAL_ALLOWED_HOSTS, then ``extra``."""
    configured = os.environ.get("TERRITORIAL_ALLOWED_HOSTS", "")
    names = [*LOCAL_HOSTS, *(h.strip() for h in configured.split(",")), *(extra or [])]
    return list(dict.fromkeys(h for h in names if h))


async def _not_permitted(request: Request, exc: Exception) -> Response:
    return error_response(request, 403, str(exc))


async def _not_visible(request: Request, exc: Exception) -> Response:
    return error_response(request, 404, str(exc))


async def _login_required(request: Request, exc: Exception) -> Response:
    return login_required_response(request)


def create_app(db: str | None = None, hosts: list[str] | None = None) -> FastAPI:
    """The Territorial web app on workspace ``db`` (path or URL; default as the CLI's --db).

    Every route needs a login (see ``web/access.py`` for who may reach what); requests
    whose Host header is not in ``allowed_hosts(hosts)`` are refused.

    Pages live at ``/``, ``/map``, ``/assess``, ``/accounts``, ``/reps``, ``/scenarios``;
    each has a JSON twin under ``/api`` (``/api/overview`` for ``/``). Static files,
    including the vendored Leaflet and htmx, are served from ``/static``.
    """
    app = FastAPI(
        title="Territorial",
        version=__version__,
        description="Sales territory management: the JSON twins of the web pages.",
        docs_url=None,  # the Swagger and ReDoc pages load scripts from a CDN
        redoc_url=None,
        openapi_url="/api/openapi.json",
        dependencies=[Depends(authorize)],
    )
    app.state.workspace = open_workspace(db)
    missing = assets_missing()
    if missing:
        log.warning(
            "front-end files missing (%s): run `npm ci && python scripts/build_assets.py`",
            ", ".join(missing),
        )
    app.add_middleware(GZipMiddleware, minimum_size=2048, compresslevel=5)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(
        SessionMiddleware,
        secret_key=session_key(app.state.workspace),
        session_cookie="territorial_session",
        max_age=SESSION_HOURS * 3600,
        same_site="lax",
        https_only=os.environ.get("TERRITORIAL_HTTPS") == "1",
    )
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts(hosts))
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(auth.router)
    app.include_router(admin.router)
    app.include_router(admin.pages)
    app.include_router(rep.router)
    app.include_router(rep.pages)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(account.router)  # after /accounts/table
    app.include_router(api_plan.router)
    app.include_router(pages_plan.router)
    app.include_router(api_cycle.router)
    app.include_router(pages_cycle.router)
    app.include_router(downloads.router)
    app.include_router(api_design.router)
    app.include_router(pages_design.router)
    app.include_router(api_editor.router)
    app.include_router(pages_editor.router)
    app.include_router(drafts.api)
    app.include_router(drafts.pages)
    app.add_exception_handler(WebError, _web_error)
    app.add_exception_handler(LoginRequired, _login_required)
    app.add_exception_handler(NotPermitted, _not_permitted)
    app.add_exception_handler(NotVisible, _not_visible)  # outside a manager's region
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    return app
