"""Who may reach what: every route of the app, for every role, generated from the routes
themselves (a new route is covered the day it is added); logins, sessions, CSRF, throttling
and the Host allow-list."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from tests.e2e.web.login import BASE, PASSWORD, csrf_of, ensure_user, log_in

from territorial.domain.users import Role
from territorial.sample import generate_workspace
from territorial.services.users import MAX_FAILURES, set_password
from territorial.services.workspace import open_workspace
from territorial.web.access import needed_role
from territorial.web.app import create_app

ROLES = (Role.REP, Role.MANAGER, Role.ADMIN)


@pytest.fixture(scope="module")
def small_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A small generated business (60 accounts, 3 reps) with a login per role."""
    path = str(tmp_path_factory.mktemp("access") / "small.db")
    workspace = generate_workspace(n_accounts=60, n_reps=3, months=3)
    uow = open_workspace(path)
    with uow:
        uow.accounts.add_many(workspace.accounts)
        uow.reps.add_many(workspace.reps)
        uow.scenarios.save(workspace.scenario)
        uow.sales.add_many(workspace.sales)
        uow.commit()
    rep = sorted(r.external_id for r in workspace.reps)[0]
    for role in ROLES:
        ensure_user(path, role.value, role, rep if role is Role.REP else None)
    return path


@pytest.fixture(scope="module")
def app_routes(small_db: str) -> list[tuple[str, str]]:
    found = [
        (method, route.path)
        for route in _api_routes(create_app(small_db).routes)
        for method in sorted(route.methods)
        if method != "HEAD"
    ]
    assert len(found) > 60, "the app's routes were not found"
    return found


def _api_routes(routes: list[Any]) -> Iterator[APIRoute]:
    """Every endpoint, through included routers (FastAPI includes them lazily)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        included = getattr(route, "original_router", None)
        if included is not None:
            prefix = getattr(getattr(route, "include_context", None), "prefix", "")
            assert not prefix, "routers are included without a prefix"
            yield from _api_routes(included.routes)


def _url(path: str) -> str:
    """A concrete URL for a route template: every path parameter a name that exists nowhere."""
    return re.sub(r"\{[^}]+\}", "no-such-thing", path)


def _client(db: str, role: Role | None) -> TestClient:
    client = TestClient(create_app(db), base_url=BASE)
    if role is not None:
        log_in(client, role.value)
    else:
        client.headers["X-CSRF-Token"] = csrf_of(client.get("/login").text)
    return client


@pytest.mark.parametrize("role", [None, *ROLES], ids=["anonymous", *(r.value for r in ROLES)])
def test_every_route_answers_each_role_as_the_access_rules_say(
    small_db: str, app_routes: list[tuple[str, str]], role: Role | None
) -> None:
    client = _client(small_db, role)
    wrong: list[str] = []
    for method, path in sorted(app_routes, key=lambda r: r[1] == "/logout"):  # logout last
        needed = needed_role(path)
        url = _url(path)
        response = client.request(method, url, follow_redirects=False, json={})
        allowed = needed is None or (role is not None and role.allows(needed))
        code = response.status_code
        if allowed:
            if code in (401, 403):
                wrong.append(f"{method} {url}: {code} for {role}, which may use it")
        elif role is None:
            login_redirect = code == 303 and response.headers["location"].startswith("/login")
            if not (code == 401 if path.startswith("/api/") else login_redirect):
                wrong.append(f"{method} {url}: {code} for an anonymous client")
        elif code != 403:
            wrong.append(f"{method} {url}: {code} for {role}, which may not use it")
    assert not wrong, "\n".join(wrong)


@pytest.fixture
def client(small_db: str) -> Iterator[TestClient]:
    with TestClient(create_app(small_db), base_url=BASE) as test_client:
        yield test_client


def test_a_state_change_without_the_csrf_token_is_refused(client: TestClient) -> None:
    log_in(client, "manager")
    token = client.headers.pop("X-CSRF-Token")
    refused = client.post("/api/design", json={"name": "X"})
    assert refused.status_code == 403 and "CSRF" in refused.json()["error"]
    forged = client.post("/api/design", json={"name": "X"}, headers={"X-CSRF-Token": "forged"})
    assert forged.status_code == 403
    accepted = client.post("/api/design", json={"territories": 0}, headers={"X-CSRF-Token": token})
    assert accepted.status_code == 400  # past the gate: the service judged the fields


def test_login_needs_the_right_password_and_is_throttled(small_db: str) -> None:
    ensure_user(small_db, "throttled", Role.MANAGER)
    with TestClient(create_app(small_db), base_url=BASE) as client:
        token = csrf_of(client.get("/login").text)
        for _ in range(MAX_FAILURES):
            wrong = client.post(
                "/login",
                data={"username": "throttled", "password": "nope-nope", "csrf_token": token},
            )
            assert wrong.status_code == 401 and "wrong user name or password" in wrong.text
        right = client.post(
            "/login", data={"username": "throttled", "password": PASSWORD, "csrf_token": token}
        )
        assert right.status_code == 401 and "too many failed logins" in right.text
        assert client.get("/api/overview").status_code == 401


def test_a_password_change_ends_open_sessions(small_db: str) -> None:
    ensure_user(small_db, "changing", Role.MANAGER)
    with TestClient(create_app(small_db), base_url=BASE) as client:
        log_in(client, "changing")
        assert client.get("/api/overview").status_code == 200
        set_password(open_workspace(small_db), "changing", "another-password")
        assert client.get("/api/overview").status_code == 401


def test_a_login_redirect_never_leaves_the_site(client: TestClient) -> None:
    token = csrf_of(client.get("/login?next=//evil.example/x").text)
    response = client.post(
        "/login",
        data={
            "username": "manager",
            "password": PASSWORD,
            "csrf_token": token,
            "next": "//evil.example/x",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/"


def test_a_rep_lands_on_their_own_view_and_cannot_reach_the_rest(client: TestClient) -> None:
    log_in(client, "rep")
    assert client.get("/api/accounts").status_code == 403
    assert client.get("/accounts").status_code == 403


def test_a_foreign_host_header_is_refused(small_db: str) -> None:
    with TestClient(create_app(small_db), base_url="http://evil.example") as client:
        assert client.get("/login").status_code == 400
    with TestClient(
        create_app(small_db, hosts=["territory.example.com"]),
        base_url="http://territory.example.com",
    ) as client:
        assert client.get("/login").status_code == 200


def test_responses_carry_a_policy_without_inline_scripts(client: TestClient) -> None:
    policy = client.get("/login").headers["content-security-policy"]
    script = next(p for p in policy.split(";") if p.strip().startswith("script-src"))
    assert "unsafe-inline" not in script and "unsafe-eval" not in script


def test_responses_carry_a_policy_without_inline_styles(client: TestClient) -> None:
    policy = client.get("/login").headers["content-security-policy"]
    style = next(p for p in policy.split(";") if p.strip().startswith("style-src"))
    assert style.split() == ["style-src", "'self'"]
    assert "unsafe-inline" not in policy and "unsafe-hashes" not in policy


def test_no_template_or_script_writes_a_style_attribute() -> None:
    web = Path(__file__).resolve().parents[3] / "src/territorial/web"
    for template in (web / "templates").glob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"\sstyle\s*=", text, re.I), f"{template.name}: style attribute"
        assert not re.search(r"<style\b", text, re.I), f"{template.name}: <style> element"
    for script in (web / "static").glob("*.js"):  # HTML built in scripts, too
        text = script.read_text(encoding="utf-8")
        assert not re.search(r"""\sstyle\s*=\s*["'$]|setAttribute\(\s*["']style""", text), (
            f"{script.name}: style attribute"
        )


def test_no_template_has_inline_script_or_event_handlers() -> None:
    templates = Path(__file__).resolve().parents[3] / "src/territorial/web/templates"
    for template in templates.glob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"\son[a-z]+\s*=", text), f"{template.name}: inline event handler"
        assert not re.search(r"\shx-on[:-]", text), f"{template.name}: hx-on needs eval"
        for script in re.findall(r"<script\b[^>]*>", text):
            assert "src=" in script or 'type="application/json"' in script, template.name


def test_an_admin_adds_and_disables_a_user_in_the_browser_forms(client: TestClient) -> None:
    log_in(client, "admin")
    added = client.post(
        "/users",
        data={"username": "newbie", "password": "newbie-pass-1", "role": "manager"},
        follow_redirects=False,
    )
    assert added.status_code == 303
    assert "newbie" in client.get("/users").text
    refused = client.post(
        "/users", data={"username": "newbie", "password": "newbie-pass-1", "role": "manager"}
    )
    assert refused.status_code == 400 and "already exists" in refused.text
    with TestClient(create_app(client.app.state.workspace.url), base_url=BASE) as other:
        log_in(other, "newbie", "newbie-pass-1")
        assert other.get("/api/overview").status_code == 200
        client.post("/users/newbie/active", data={"active": "false"})
        assert other.get("/api/overview").status_code == 401  # disabled: the session ends
    log = client.get("/api/audit", params={"target": "newbie"}).json()["entries"]
    assert [e["action"] for e in log] == ["user.disable", "user.add"]
    assert {e["actor"] for e in log} == {"admin"}
    csv_text = client.get("/audit.csv", params={"actor": "admin"}).text
    assert csv_text.startswith("at,actor,action,target,before,after")
    assert "user.disable" in csv_text
