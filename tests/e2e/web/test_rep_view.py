"""The rep's own view: only their territory, on a phone, and still there without a network."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from tests.e2e.web.live import serve
from tests.e2e.web.login import browser_log_in, ensure_user, logged_in
from tests.e2e.web.waits import wait_for_js
from tests.e2e.web.workspaces import copy_db

from territorial.domain.users import Role
from territorial.services.scenarios import resolve_scenario
from territorial.services.workspace import open_workspace

pytestmark = pytest.mark.slow
PHONE = {"width": 390, "height": 844}


def _split(db: str) -> tuple[str, set[str], str]:
    """The first rep's id, the ids of their accounts, and one account of someone else."""
    uow = open_workspace(db)
    with uow:
        scenario = resolve_scenario(uow, None)
        rep = sorted(r.external_id for r in uow.reps.list())[0]
    mine = {t.name for t in scenario.territories if t.rep_external_id == rep}
    own = {a for a, t in scenario.assignments.items() if t in mine}
    other = min(a for a, t in scenario.assignments.items() if t not in mine)
    return rep, own, other


@pytest.fixture(scope="module")
def rep_db(demo_db: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = str(tmp_path_factory.mktemp("rep-view") / "demo.db")
    copy_db(demo_db, path)
    rep, _, _ = _split(path)
    ensure_user(path, "rep1", Role.REP, rep)
    return path


def test_the_rep_sees_their_accounts_and_nothing_else(rep_db: str) -> None:
    rep, own, other = _split(rep_db)
    with logged_in(rep_db, "rep1", Role.REP) as client:
        data = client.get("/api/me").json()
        assert data["rep"]["id"] == rep
        assert {a["external_id"] for a in data["accounts"]} == own
        assert sum(data["tiers"].values()) == len(own)
        assert client.get("/api/me", params={"rep": 2}).json()["rep"]["id"] == rep  # own only
        mine = sorted(own)[0]
        assert client.get(f"/api/me/accounts/{mine}").json()["external_id"] == mine
        for url in (f"/api/me/accounts/{other}", f"/me/accounts/{other}"):
            assert client.get(url).status_code == 404, url
        assert client.get("/api/accounts").status_code == 403
        assert client.get("/map").status_code == 403
        assert client.get("/reports/rep-pack.pdf", params={"rep": rep}).status_code == 403
        pack = client.get("/me/pack.pdf", params={"rep": 2})  # their own, whatever is asked
        assert pack.status_code == 200 and pack.content.startswith(b"%PDF")
        first_page = PdfReader(io.BytesIO(pack.content)).pages[0].extract_text()
        assert data["rep"]["name"] in first_page


def test_a_manager_opens_a_named_reps_view(rep_db: str) -> None:
    rep, own, _ = _split(rep_db)
    with logged_in(rep_db, "manager", Role.MANAGER) as client:
        assert client.get("/api/me").status_code == 400  # whose?
        data = client.get("/api/me", params={"rep": 1}).json()
        assert data["rep"]["id"] == rep and len(data["accounts"]) == len(own)


@pytest.fixture(scope="module")
def rep_server(rep_db: str) -> Iterator[str]:
    with serve(rep_db) as base:
        yield base


def test_the_rep_view_works_on_a_phone_without_a_network(
    rep_server: str, rep_db: str, browser: Any, screens: Path
) -> None:
    _, own, other = _split(rep_db)
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    browser_log_in(page, rep_server, "rep1")
    assert page.url.endswith("/me")
    page.wait_for_selector("#me-map[data-ready='1']")
    listed = page.locator(".me-accounts li").count()
    assert listed == len(own)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(screens / "rep-phone.png"), full_page=False)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now controlled by the service worker, which keeps this copy
    wait_for_js(page, "navigator.serviceWorker.controller !== null")
    page.wait_for_selector("#me-map[data-ready='1']")
    stamp = page.inner_text("[data-testid=me-refreshed]")

    context.set_offline(True)
    page.reload()
    page.wait_for_selector("[data-testid=me-offline]:not([hidden])")
    assert page.locator(".me-accounts li").count() == listed
    assert page.inner_text("[data-testid=me-refreshed]") == stamp
    page.screenshot(path=str(screens / "rep-phone-offline.png"), full_page=False)
    context.set_offline(False)

    response = page.goto(f"{rep_server}/me/accounts/{other}")
    assert response is not None and response.status == 404
    assert not errors, errors
    context.close()
