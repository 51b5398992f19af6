"""Benchmarks log in like everybody else: a bench user, a session for HTTP, a browser login."""

from __future__ import annotations

import re
from typing import Any

from territorial.domain.users import Role
from territorial.services.users import add_user, set_password
from territorial.services.workspace import open_workspace

USER, PASSWORD = "bench", "bench-password-1"


def bench_user(db: str) -> None:
    """The user ``bench`` (a manager) in ``db``, with the known bench password."""
    uow = open_workspace(db)
    with uow:
        exists = uow.users.by_name(USER) is not None
    if exists:
        set_password(uow, USER, PASSWORD)
    else:
        add_user(uow, USER, PASSWORD, Role.MANAGER)


def log_in(client: Any) -> None:
    """Log an httpx or TestClient client in as the bench user (CSRF header set)."""
    token = _csrf(client.get("/login").text)
    answer = client.post(
        "/login",
        data={"username": USER, "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text[:300]
    client.headers["X-CSRF-Token"] = _csrf(client.get("/").text)


def browser_log_in(page: Any, base: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#login-user", USER)
    page.fill("#login-password", PASSWORD)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_load_state()


def _csrf(html: str) -> str:
    match = re.search(r'<meta name="csrf-token" content="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)
