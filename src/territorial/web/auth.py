"""Log in, log out, and the check every route passes: session, role and CSRF token.

Sessions are signed cookies (Starlette's SessionMiddleware, itsdangerous) holding the
user id, a fingerprint of their password hash (so a password change or a disabled user
ends every session at the next request) and the CSRF token that every state-changing
request must echo, in the ``X-CSRF-Token`` header (htmx, scripts) or the ``csrf_token``
form field (plain forms; ``static/app.js`` adds it).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from territorial.domain.users import Actor, Role, User
from territorial.services.actor import set_actor
from territorial.services.region import actor_for
from territorial.services.users import LoginRefused, authenticate
from territorial.storage import UnitOfWork
from territorial.web.access import needed_role
from territorial.web.errors import WebError
from territorial.web.forms import CSRF_FIELD
from territorial.web.rendering import csrf_token, error_response, render

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "X-CSRF-Token"

router = APIRouter(include_in_schema=False)


class LoginRequired(WebError):
    """No valid session: pages redirect to the login page, the API answers 401."""

    def __init__(self) -> None:
        super().__init__(401, "log in first: POST /login with username and password")


def _fingerprint(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def _session_user(engine_uow: UnitOfWork, uid: object, fingerprint: object) -> User | None:
    if not isinstance(uid, int):
        return None
    uow = UnitOfWork(engine_uow.engine)
    with uow:
        found = uow.users.with_password_hash(uid)  # one query per request
    if found is None or not found[0].active:
        return None
    user, stored = found
    if not isinstance(fingerprint, str) or not hmac.compare_digest(
        fingerprint, _fingerprint(stored)
    ):
        return None
    return user


async def _form(request: Request) -> FormData:
    """The request's form, leaving its body readable for the endpoint: FastAPI has parsed
    the form already for routes with Form fields; otherwise keep the raw body first."""
    with contextlib.suppress(RuntimeError):  # "Stream consumed": the form is cached
        await request.body()
    return await request.form()


async def _check_csrf(request: Request) -> None:
    sent = request.headers.get(CSRF_HEADER) or None
    if sent is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            value = (await _form(request)).get(CSRF_FIELD)
            sent = value if isinstance(value, str) else None
    expected = request.session.get("csrf")
    if not sent or not isinstance(expected, str) or not hmac.compare_digest(sent, expected):
        raise WebError(403, "the form is out of date (missing or wrong CSRF token): reload")


async def authorize(request: Request) -> None:
    """Every route's gate: the route's role (web/access.py), the session, the CSRF token.

    Async on purpose: the actor it sets (a context variable) then reaches the endpoint
    and the services it calls, which check roles again for every change.
    """
    route = request.scope.get("route")
    needed = needed_role(getattr(route, "path", request.url.path))
    if request.method not in SAFE_METHODS:
        await _check_csrf(request)
    if needed is None:
        return
    user = await run_in_threadpool(
        _session_user,
        request.app.state.workspace,
        request.session.get("uid"),
        request.session.get("pw"),
    )
    if user is None:
        request.session.pop("uid", None)
        raise LoginRequired()
    if not user.role.allows(needed):
        raise WebError(403, f"{user.username} ({user.role}) may not open this page")
    request.state.user = user
    if user.region:  # a manager limited to a region: resolve its territories today
        workspace = request.app.state.workspace
        set_actor(await run_in_threadpool(actor_for, UnitOfWork(workspace.engine), user))
    else:
        set_actor(Actor(name=user.username, role=user.role, rep_id=user.rep_id))


def login_required_response(request: Request) -> Response:
    """401 JSON under /api; elsewhere a redirect to the login page that comes back here."""
    if request.url.path.startswith("/api/"):
        return error_response(request, 401, LoginRequired().reason)
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    location = f"/login?next={quote(target, safe='')}"
    if request.headers.get("HX-Request"):
        return Response(status_code=204, headers={"HX-Redirect": location})
    return RedirectResponse(location, status_code=303)


def _home(user: User) -> str:
    return "/me" if user.role is Role.REP else "/"


def _safe_next(value: str | None) -> str | None:
    """Only a path on this site (never ``//host`` or a scheme): no open redirect."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return None


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str | None = None) -> HTMLResponse:
    return render(request, "login.html", {"next": _safe_next(next) or "", "error": None})


@router.post("/login")
def login(
    request: Request,
    username: Annotated[str, Form(max_length=255)],
    password: Annotated[str, Form(max_length=1024)],
    next: Annotated[str, Form()] = "",
) -> Response:
    uow = UnitOfWork(request.app.state.workspace.engine)
    client = request.client.host if request.client else "unknown"
    try:
        user = authenticate(uow, username, password, client)
    except LoginRefused as refused:
        context = {"next": _safe_next(next) or "", "error": str(refused), "username": username}
        return render(request, "login.html", context, status=401)
    with uow:
        found = uow.users.with_password_hash(user.id)
    request.session.clear()
    request.session.update({"uid": user.id, "pw": _fingerprint(found[1] if found else "")})
    csrf_token(request, renew=True)  # a new token for the new session
    target = _safe_next(next) if user.role is not Role.REP else None
    return RedirectResponse(target or _home(user), status_code=303)


@router.post("/logout")
def logout(request: Request) -> Response:
    request.session.clear()
    return RedirectResponse("/login", status_code=303)
