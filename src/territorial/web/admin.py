"""Users (admins only) and the audit log (managers and admins), as pages and JSON twins."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from territorial.domain import TerritorialError
from territorial.domain.users import Role, User
from territorial.services import audit, users
from territorial.web.deps import Uow
from territorial.web.errors import BadRequest, worded
from territorial.web.rendering import json_response, render

router = APIRouter()
pages = APIRouter(include_in_schema=False)

AUDIT_LIMIT = 500
Text = Annotated[str | None, Query(max_length=255)]


def users_data(uow: Uow) -> dict[str, Any]:
    everyone = [users.user_dict(u) for u in users.users(uow)]
    return {"users": everyone, "roles": [r.value for r in Role]}


class NewUser(BaseModel):
    username: str = Field(max_length=255)
    password: str = Field(max_length=1024)
    role: Role = Role.MANAGER
    rep: str | None = Field(default=None, max_length=255)
    region: str | None = Field(default=None, max_length=255)


def _add(uow: Uow, new: NewUser) -> User:
    try:
        return users.add_user(
            uow, new.username, new.password, new.role, new.rep or None, new.region or None
        )
    except TerritorialError as exc:
        raise BadRequest(worded(exc)) from None


@router.get("/api/users")
def users_json(uow: Uow) -> Response:
    """Every login (admins only)."""
    return json_response(users_data(uow))


@router.post("/api/users")
def add_user_json(uow: Uow, body: NewUser) -> Response:
    """Add a login: ``{"username", "password", "role", "rep", "region"}``."""
    return json_response(users.user_dict(_add(uow, body)), status=201)


@router.post("/api/users/{username}/active")
def set_active_json(uow: Uow, username: str, active: bool) -> Response:
    """Disable (``?active=false``) or enable a login; their sessions end at once."""
    try:
        users.set_active(uow, username, active)
    except TerritorialError as exc:
        raise BadRequest(worded(exc)) from None
    return json_response({"username": username, "active": active})


def audit_data(
    uow: Uow, actor: str | None, action: str | None, target: str | None, since: str | None
) -> dict[str, Any]:
    start = _since(since)
    log = audit.entries(
        uow, actor=actor, action=action, target=target, since=start, limit=AUDIT_LIMIT
    )
    return {
        "entries": [audit.as_dict(e) for e in log],
        "limit": AUDIT_LIMIT,
        "filters": {"actor": actor, "action": action, "target": target, "since": since},
    }


def _since(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        start = datetime.fromisoformat(value)
    except ValueError:
        raise BadRequest(f"since: {value!r} is not a date (YYYY-MM-DD)") from None
    return start if start.tzinfo else start.replace(tzinfo=UTC)


@router.get("/api/audit")
def audit_json(
    uow: Uow, actor: Text = None, action: Text = None, target: Text = None, since: Text = None
) -> Response:
    """The newest changes first (at most 500), filtered by who, what, target and date."""
    return json_response(audit_data(uow, actor, action, target, since))


@pages.get("/audit.csv")
def audit_csv(
    uow: Uow, actor: Text = None, action: Text = None, target: Text = None, since: Text = None
) -> Response:
    log = audit.entries(
        uow, actor=actor, action=action, target=target, since=_since(since), limit=None
    )
    return Response(
        audit.to_csv(log),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="audit.csv"'},
    )


@pages.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    uow: Uow,
    actor: Text = None,
    action: Text = None,
    target: Text = None,
    since: Text = None,
) -> HTMLResponse:
    data = audit_data(uow, actor, action, target, since)
    query = request.url.query
    return render(
        request,
        "audit.html",
        {
            "data": data,
            "json_url": "/api/audit" + (f"?{query}" if query else ""),
            "csv_url": "/audit.csv" + (f"?{query}" if query else ""),
        },
    )


@pages.get("/users", response_class=HTMLResponse)
def users_page(request: Request, uow: Uow, error: str | None = None) -> HTMLResponse:
    return render(
        request, "users.html", {"data": users_data(uow), "json_url": "/api/users", "error": error}
    )


@pages.post("/users")
def add_user_form(
    request: Request,
    uow: Uow,
    username: Annotated[str, Form(max_length=255)],
    password: Annotated[str, Form(max_length=1024)],
    role: Annotated[Role, Form()],
    rep: Annotated[str, Form(max_length=255)] = "",
    region: Annotated[str, Form(max_length=255)] = "",
) -> Response:
    try:
        users.add_user(uow, username, password, role, rep or None, region or None)
    except TerritorialError as exc:
        return render(
            request,
            "users.html",
            {"data": users_data(uow), "json_url": "/api/users", "error": worded(exc)},
            status=400,
        )
    return RedirectResponse("/users", status_code=303)


@router.post("/api/users/{username}/region")
def set_region_json(uow: Uow, username: str, region: Text = None) -> Response:
    """Limit a manager to a region or district (``?region=Central``; none: no limit)."""
    try:
        user = users.set_region(uow, username, region or None)
    except TerritorialError as exc:
        raise BadRequest(worded(exc)) from None
    return json_response(users.user_dict(user))


@pages.post("/users/{username}/region")
def set_region_form(
    uow: Uow, username: str, region: Annotated[str, Form(max_length=255)] = ""
) -> Response:
    try:
        users.set_region(uow, username, region or None)
    except TerritorialError as exc:
        raise BadRequest(worded(exc)) from None
    return RedirectResponse("/users", status_code=303)


@pages.post("/users/{username}/active")
def set_active_form(uow: Uow, username: str, active: Annotated[bool, Form()]) -> Response:
    try:
        users.set_active(uow, username, active)
    except TerritorialError as exc:
        raise BadRequest(worded(exc)) from None
    return RedirectResponse("/users", status_code=303)
