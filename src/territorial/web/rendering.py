"""Templates, number formatting for pages, and JSON responses for the twins."""

from __future__ import annotations

import json
import math
import secrets
from http import HTTPStatus
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from territorial import __version__
from territorial.domain.account import located_summary
from territorial.jsondata import dumps

HERE = Path(__file__).resolve().parent
TEMPLATES_DIR = HERE / "templates"
STATIC_DIR = HERE / "static"
VENDOR_FILES = (
    "vendor/leaflet/leaflet.js",
    "vendor/leaflet/leaflet.css",
    "vendor/htmx/htmx.min.js",
    "vendor/chartjs/chart.umd.min.js",
)

#: (path, label) of the navigation bar.
NAV: tuple[tuple[str, str], ...] = (
    ("/", "Overview"),
    ("/map", "Map"),
    ("/assess", "Assess"),
    ("/accounts", "Accounts"),
    ("/reps", "Reps"),
    ("/scenarios", "Scenarios"),
)


def assets_missing() -> list[str]:
    """Vendored front-end files that were not built (``scripts/build_assets.py``)."""
    return [name for name in VENDOR_FILES if not (STATIC_DIR / name).is_file()]


def fmt_num(value: float | int | None, digits: int = 0) -> str:
    """``1,234,567`` (empty for None or not finite)."""
    if value is None or not math.isfinite(value):
        return ""
    return f"{value:,.{digits}f}"


def fmt_pct(value: float | None, signed: bool = True) -> str:
    """``+12%`` (empty for None)."""
    if value is None or not math.isfinite(value):
        return ""
    if round(value * 100) == 0:
        return "0%"  # neither "-0%" nor "+0%"
    return f"{value:+.0%}" if signed else f"{value:.0%}"


def fmt_compact(value: float | None) -> str:
    """``14.1M``, ``950k``, ``120`` (empty for None)."""
    if value is None or not math.isfinite(value):
        return ""
    size = abs(value)
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if size >= limit:
            return f"{value / limit:,.1f}{suffix}"
    return f"{value:,.0f}"


def static_url(path: str) -> str:
    """URL of a static file, versioned so browsers refetch after an upgrade."""
    return f"/static/{path}?v={__version__}"


templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
templates.env.filters["num"] = fmt_num
templates.env.filters["located"] = located_summary
templates.env.filters["pct"] = fmt_pct
templates.env.filters["compact"] = fmt_compact
templates.env.globals.update(nav=NAV, static=static_url, version=__version__)


def render(
    request: Request,
    name: str,
    context: dict[str, Any],
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """Render template ``name``; the context also gets ``path`` and ``assets_missing``."""
    full = {
        "path": request.url.path,
        "assets_missing": assets_missing(),
        "user": getattr(request.state, "user", None),
        "csrf_token": csrf_token(request),
        **context,
    }
    response: HTMLResponse = templates.TemplateResponse(
        request, name, full, status_code=status, headers=headers
    )
    return response


def csrf_token(request: Request, *, renew: bool = False) -> str:
    """The session's CSRF token, for forms and htmx headers: made on first use, and
    anew with ``renew`` (a new session at login)."""
    if "session" not in request.scope:
        return ""
    token = request.session.get("csrf")
    if renew or not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def json_response(data: Any, status: int = 200, media_type: str = "application/json") -> Response:
    """``data`` through :func:`territorial.jsondata.dumps` (the CLI's ``--json`` path too)."""
    body = dumps(data, ensure_ascii=False)
    return Response(body, status_code=status, media_type=media_type)


def plain_json_response(data: Any) -> Response:
    """``data`` that is JSON data already (:func:`territorial.jsondata.to_json_data`'s
    output: dicts, lists, text, numbers) as JSON, without walking it again."""
    body = json.dumps(data, ensure_ascii=False, allow_nan=False)
    return Response(body, media_type="application/json")


def error_response(request: Request, status: int, reason: str) -> Response:
    """``{"error": reason}`` under /api, else the friendly error page."""
    if request.url.path.startswith("/api/"):
        return json_response({"error": reason}, status=status)
    title = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    return render(
        request, "error.html", {"status": status, "title": title, "reason": reason}, status
    )
