"""The web app factory: ``create_app(db)`` gives a FastAPI app on one workspace."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from territorial import __version__
from territorial.services.workspace import open_workspace
from territorial.web import (
    api,
    api_cycle,
    api_design,
    api_editor,
    api_plan,
    pages,
    pages_cycle,
    pages_design,
    pages_editor,
    pages_plan,
)
from territorial.web.errors import WebError
from territorial.web.rendering import STATIC_DIR, assets_missing, json_response, render

log = logging.getLogger(__name__)


def error_response(request: Request, status: int, reason: str) -> Response:
    """``{"error": reason}`` under /api, else the friendly error page."""
    if request.url.path.startswith("/api/"):
        return json_response({"error": reason}, status=status)
    title = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    return render(
        request, "error.html", {"status": status, "title": title, "reason": reason}, status
    )


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
# optional OpenStreetMap tiles); inline scripts are still allowed because some forms use
# onchange attributes (moving them to static files is part of issue 9).
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data: https://tile.openstreetmap.org; "
        "style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
}


async def _security_headers(request: Request, call_next: Any) -> Response:
    response: Response = await call_next(request)
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def create_app(db: str | None = None) -> FastAPI:
    """The Territorial web app on workspace ``db`` (path or URL; default as the CLI's --db).

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
    )
    app.state.workspace = open_workspace(db)
    missing = assets_missing()
    if missing:
        log.warning(
            "front-end files missing (%s): run `npm ci && python scripts/build_assets.py`",
            ", ".join(missing),
        )
    app.add_middleware(GZipMiddleware, minimum_size=2048)
    app.middleware("http")(_security_headers)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(api_plan.router)
    app.include_router(pages_plan.router)
    app.include_router(api_cycle.router)
    app.include_router(pages_cycle.router)
    app.include_router(api_design.router)
    app.include_router(pages_design.router)
    app.include_router(api_editor.router)
    app.include_router(pages_editor.router)
    app.add_exception_handler(WebError, _web_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    return app
