"""Logging tests in: users made through the service, sessions through the login form."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

with warnings.catch_warnings():  # Starlette asks for httpx2; httpx is what we declare
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from territorial.domain.users import Role
from territorial.services.users import add_user
from territorial.services.workspace import open_workspace
from territorial.web.app import create_app

PASSWORD = "test-password-1"
BASE = "http://127.0.0.1"  # an allowed Host (the default "testserver" is refused)


def ensure_user(db: str, username: str, role: Role, rep: str | None = None) -> str:
    """User ``username`` in workspace ``db`` (made once); returns their password."""
    uow = open_workspace(db)
    with uow:
        exists = uow.users.by_name(username) is not None
    if not exists:
        add_user(uow, username, PASSWORD, role, rep)
    return PASSWORD


def csrf_of(html: str) -> str:
    match = re.search(r'<meta name="csrf-token" content="([^"]+)"', html)
    assert match, "the page carries no CSRF token"
    return match.group(1)


def log_in(client: TestClient, username: str, password: str = PASSWORD) -> None:
    """Log ``client`` in through the form; later requests send the CSRF header too."""
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    home = client.get(response.headers["location"])
    client.headers["X-CSRF-Token"] = csrf_of(home.text)


@contextmanager
def logged_in(
    db: str, username: str = "admin", role: Role = Role.ADMIN, rep: str | None = None
) -> Iterator[TestClient]:
    """A TestClient on ``db`` logged in as ``username`` (made with ``role`` if missing)."""
    ensure_user(db, username, role, rep)
    with TestClient(create_app(db), base_url=BASE) as client:
        log_in(client, username)
        yield client


def browser_log_in(page: Any, base: str, username: str = "admin", password: str = PASSWORD) -> None:
    """Log a Playwright page in through the login form."""
    page.goto(f"{base}/login")
    page.fill("#login-user", username)
    page.fill("#login-password", password)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_load_state()


def http_session(base: str, username: str = "admin", password: str = PASSWORD) -> Any:
    """An httpx client logged in to the live server at ``base`` (the CSRF header set)."""
    import httpx

    client = httpx.Client(base_url=base, timeout=60)
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token}
    )
    assert response.status_code == 303, response.text
    client.headers["X-CSRF-Token"] = csrf_of(client.get(response.headers["location"]).text)
    return client
