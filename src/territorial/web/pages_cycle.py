"""The implement cycle in the web app, HTML side: compare, a scenario's page with approve
and publish, the import wizard and exports. Pages render the dicts of
:mod:`territorial.web.api_cycle`; POST forms change the workspace through the same
services as the CLI, and a refusal re-renders the page with the reason (nothing changed).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from territorial.services.imports import IMPORT_KINDS
from territorial.web import api_cycle as cy
from territorial.web import views
from territorial.web.dates import parse_day
from territorial.web.deps import Uow
from territorial.web.errors import WebError
from territorial.web.rendering import render

router = APIRouter(include_in_schema=False)

OptionalText = Annotated[str | None, Query()]


def _scenarios(uow: Uow) -> list[dict[str, Any]]:
    return list(views.scenarios(uow)["scenarios"])


def _url(path: str, **params: str | None) -> str:
    kept = [f"{k}={quote(v, safe='')}" for k, v in params.items() if v]
    return path + ("?" + "&".join(kept) if kept else "")


# --------------------------------------------------------------------------- compare


@router.get("/compare", response_class=HTMLResponse)
def compare(request: Request, uow: Uow, a: OptionalText = None, b: OptionalText = None) -> Response:
    scenarios = _scenarios(uow)
    active = next((s["name"] for s in scenarios if s["status"] == "active"), None)
    a = a or active
    if not b:  # default: the newest other scenario that is not archived
        others = [s["name"] for s in scenarios if s["name"] != a and s["status"] != "archived"]
        b = others[-1] if others else None
    data = cy.compare_data(uow, a, b) if a and b else None
    return render(
        request,
        "compare.html",
        {
            "data": data,
            "a": a,
            "b": b,
            "scenarios": scenarios,
            "json_url": _url("/api/compare", a=a, b=b),
            "csv_url": _url("/compare.csv", a=a, b=b),
        },
    )


@router.get("/compare.csv")
def compare_csv(uow: Uow, a: OptionalText = None, b: OptionalText = None) -> Response:
    return cy.moves_csv(uow, a, b)


# --------------------------------------------------------------------------- scenario


def _scenario_page(
    request: Request,
    uow: Uow,
    name: str,
    *,
    effective: str | None = None,
    error: str | None = None,
    error_for: str | None = None,
    done: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    data = cy.scenario_data(uow, name)
    preview = None
    preview_error = None
    if effective and data["can_publish"]:
        day = parse_day(effective, "effective")
        assert day is not None
        try:
            preview = cy.publish_preview_data(uow, name, day)
        except WebError as exc:
            preview_error = exc.reason
    return render(
        request,
        "scenario.html",
        {
            "data": data,
            "effective": effective or "",
            "today": date.today().isoformat(),
            "preview": preview,
            "preview_error": preview_error,
            "error": error,
            "error_for": error_for,
            "done": done,
            **{
                k: v
                for k, v in cy.exports_data(uow, data["name"]).items()
                if k in ("exports", "downloads")
            },
            "active": views.scenarios(uow)["active"],
            "json_url": f"/api/scenarios/{quote(data['name'], safe='')}"
            + (f"/publish-preview?effective={quote(effective or '')}" if preview else ""),
        },
        status,
    )


@router.get("/scenarios/{name}", response_class=HTMLResponse)
def scenario(
    request: Request,
    uow: Uow,
    name: str,
    effective: OptionalText = None,
    done: OptionalText = None,
) -> HTMLResponse:
    if effective:
        parse_day(effective, "effective")  # a 400 for a bad date
    return _scenario_page(request, uow, name, effective=effective, done=done)


def _back(name: str, done: str) -> RedirectResponse:
    return RedirectResponse(f"/scenarios/{quote(name, safe='')}?done={done}", status_code=303)


@router.post("/scenarios/{name}/approve", response_class=HTMLResponse)
def approve(
    request: Request,
    uow: Uow,
    name: str,
    force: Annotated[bool, Form()] = False,
) -> Response:
    views.scenario_name(uow, name)  # 404 for an unknown scenario
    try:
        cy.approve(uow, name, force)
    except WebError as exc:
        return _scenario_page(
            request, uow, name, error=exc.reason, error_for="approve", status=exc.status
        )
    return _back(name, "approved")


@router.post("/scenarios/{name}/publish", response_class=HTMLResponse)
def publish(
    request: Request,
    uow: Uow,
    name: str,
    effective: Annotated[str, Form()] = "",
    force: Annotated[bool, Form()] = False,
) -> Response:
    views.scenario_name(uow, name)
    try:
        day = parse_day(effective, "effective")
        if day is None:
            raise WebError(400, "choose the effective date: the first day the alignment holds")
        cy.publish(uow, name, day, force)
    except WebError as exc:
        shown = effective if cy_valid_day(effective) else None
        return _scenario_page(
            request,
            uow,
            name,
            effective=shown,
            error=exc.reason,
            error_for="publish",
            status=exc.status,
        )
    return _back(name, "published")


@router.post("/scenarios/{name}/delete", response_class=HTMLResponse)
def delete(
    request: Request,
    uow: Uow,
    name: str,
    confirm: Annotated[str, Form()] = "",
) -> Response:
    """Delete after the form's confirmation box; a refusal re-renders the page."""
    views.scenario_name(uow, name)
    try:
        if confirm != name:
            raise WebError(400, "tick the box to confirm the deletion")
        cy.delete(uow, name)
    except WebError as exc:
        return _scenario_page(
            request, uow, name, error=exc.reason, error_for="delete", status=exc.status
        )
    return RedirectResponse(f"/scenarios?deleted={quote(name, safe='')}", status_code=303)


def cy_valid_day(text: str) -> bool:
    try:
        date.fromisoformat(text.strip())
    except ValueError:
        return False
    return True


# --------------------------------------------------------------------------- import


def _import_page(request: Request, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    base = {
        "kinds": IMPORT_KINDS,
        "max_mb": cy.MAX_UPLOAD_BYTES // (1024 * 1024),
        "preview": None,
        "result": None,
        "error": None,
        "kind": "accounts",
        "mapping": "",
        "json_url": None,
    }
    return render(request, "import.html", {**base, **context}, status)


@router.get("/import", response_class=HTMLResponse)
def import_page(request: Request) -> HTMLResponse:
    return _import_page(request, {})


@router.post("/import", response_class=HTMLResponse)
async def import_upload(
    request: Request,
    uow: Uow,
    file: cy.UploadParam,
    kind: cy.KindParam = "accounts",
    mapping: cy.MappingParam = "",
    allow_unlocated: cy.UnlocatedParam = False,
) -> HTMLResponse:
    form = {"kind": kind, "mapping": mapping, "allow_unlocated": allow_unlocated}
    try:
        upload = await cy.save_upload(
            request, file, kind, cy.parse_mapping_text(mapping), allow_unlocated
        )
    except WebError as exc:
        return _import_page(request, {**form, "error": exc.reason}, exc.status)
    preview = cy.import_preview_data(uow, upload)
    if not preview["ok"]:
        cy.discard_upload(request, upload.token)
    return _import_page(request, {**form, "preview": preview})


@router.post("/import/confirm", response_class=HTMLResponse)
def import_confirm(request: Request, uow: Uow, token: Annotated[str, Form()] = "") -> Response:
    try:
        upload = cy.load_upload(request, token)
    except WebError as exc:
        return _import_page(request, {"error": exc.reason}, exc.status)
    try:
        job = cy.import_job(uow, request, upload)
    except WebError as exc:
        return _import_page(request, {"error": exc.reason}, exc.status)
    if job is not None:  # a large file: its job page follows the import
        return RedirectResponse(f"/jobs/{job['id']}", status_code=303)
    try:
        result = cy.import_confirm(uow, upload)
    except WebError as exc:
        preview = cy.import_preview_data(uow, upload)
        cy.discard_upload(request, upload.token)
        return _import_page(
            request, {"error": exc.reason, "preview": {**preview, "token": None}}, exc.status
        )
    cy.discard_upload(request, upload.token)
    return _import_page(request, {"result": result, "kind": upload.kind})


# --------------------------------------------------------------------------- exports


@router.get("/exports", response_class=HTMLResponse)
def exports(request: Request, uow: Uow, scenario: OptionalText = None) -> HTMLResponse:
    data = cy.exports_data(uow, scenario)
    scenarios = _scenarios(uow)
    selected = data["scenario"] or views.scenarios(uow)["active"]
    return render(
        request,
        "exports.html",
        {
            "data": data,
            "scenarios": scenarios,
            "selected": selected,
            "json_url": _url("/api/exports", scenario=scenario),
        },
    )


@router.get("/exports/{name}.csv")
def export_file(
    uow: Uow,
    name: str,
    scenario: OptionalText = None,
    period: OptionalText = None,
    as_of: OptionalText = None,
) -> Response:
    return cy.export_file(uow, name, scenario, period, as_of)
