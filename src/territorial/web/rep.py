"""The rep's own view: a phone-sized page that installs as a web app and works offline.

``/me`` and ``/api/me`` show the logged-in rep's territory, accounts by tier, goals and
quota; ``/me/accounts/{id}`` one of their accounts (404 for anyone else's, exactly as for
an account that does not exist). A service worker (``/me/sw.js``) keeps the last copy
for use without a connection; the page says when its data was refreshed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from territorial.domain import TerritorialError
from territorial.services.rep_view import (
    NotYours,
    RepView,
    rep_account,
    rep_external_id,
    rep_view,
)
from territorial.services.reports import write_report
from territorial.services.scratch import scratch
from territorial.web.deps import Uow
from territorial.web.errors import BadRequest, NotFound, worded
from territorial.web.rendering import STATIC_DIR, json_response, render, static_url

router = APIRouter()
pages = APIRouter(include_in_schema=False)

RepParam = Annotated[int | None, Query(description="For a manager or admin: the rep's numeric id.")]


def _view(uow: Uow, rep: int | None) -> RepView:
    try:
        return rep_view(uow, rep)
    except TerritorialError as exc:
        raise BadRequest(worded(exc)) from None


def _account(view: RepView, external_id: str) -> dict[str, Any]:
    try:
        return rep_account(view, external_id)
    except NotYours as exc:
        raise NotFound(worded(exc)) from None


@router.get("/api/me")
def me_json(uow: Uow, rep: RepParam = None) -> Response:
    """The rep's territory: accounts by tier with addresses and last visit, goals, quota."""
    return json_response(_view(uow, rep).to_dict())


@router.get("/api/me/accounts/{external_id}")
def me_account_json(uow: Uow, external_id: str, rep: RepParam = None) -> Response:
    """One account of the rep's territory (404 for any other)."""
    return json_response(_account(_view(uow, rep), external_id))


@pages.get("/me", response_class=HTMLResponse)
def me_page(request: Request, uow: Uow, rep: RepParam = None) -> HTMLResponse:
    view = _view(uow, rep)
    data = view.to_dict()
    points = [
        {
            "id": a["external_id"],
            "name": a["name"],
            "tier": a["tier"],
            "lat": a["lat"],
            "lon": a["lon"],
        }
        for a in view.accounts
    ]
    return render(
        request,
        "me.html",
        {
            "data": data,
            "json_url": "/api/me",
            "map_data": {"home": data["rep"]["home"], "accounts": points},
        },
    )


@pages.get("/me/accounts/{external_id}", response_class=HTMLResponse)
def me_account_page(
    request: Request, uow: Uow, external_id: str, rep: RepParam = None
) -> HTMLResponse:
    view = _view(uow, rep)
    account = _account(view, external_id)
    return render(
        request,
        "me_account.html",
        {
            "account": account,
            "rep": view.rep,
            "json_url": f"/api/me/accounts/{external_id}",
        },
    )


@pages.get("/me/pack.pdf")
def me_pack(uow: Uow, rep: RepParam = None) -> Response:
    """The rep's printable territory pack (map, accounts by tier, goals, quota by month)."""
    try:
        external_id = rep_external_id(uow, rep)
    except TerritorialError as exc:
        raise BadRequest(worded(exc)) from None
    with scratch("pack") as folder:
        path = Path(folder) / "pack.pdf"
        try:
            write_report(uow, "rep-pack", path, rep=external_id)
        except TerritorialError as exc:
            raise BadRequest(worded(exc)) from None
        return Response(
            path.read_bytes(),
            media_type="application/pdf",
            headers={"Content-Disposition": 'attachment; filename="my-territory.pdf"'},
        )


@pages.get("/me/manifest.webmanifest")
def manifest() -> Response:
    """Lets a phone install the rep view as an app."""
    body = {
        "name": "Territorial: my territory",
        "short_name": "Territory",
        "start_url": "/me",
        "scope": "/me",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1f2a44",
        "icons": [{"src": static_url("icon.svg"), "sizes": "any", "type": "image/svg+xml"}],
    }
    return json_response(body, media_type="application/manifest+json")


@pages.get("/me/sw.js")
def service_worker() -> Response:
    """The service worker that keeps the last copy of the rep view for offline use."""
    script = (STATIC_DIR / "rep-sw.js").read_text(encoding="utf-8")
    cached = [
        static_url(p)
        for p in (
            "app.css",
            "app.js",
            "rep.js",
            "icon.svg",
            "vendor/leaflet/leaflet.js",
            "vendor/leaflet/leaflet.css",
        )
    ]
    script = script.replace("/*STATIC_FILES*/", ", ".join(f'"{u}"' for u in cached))
    return Response(
        script,
        media_type="text/javascript",
        headers={"Service-Worker-Allowed": "/me", "Cache-Control": "no-cache"},
    )
