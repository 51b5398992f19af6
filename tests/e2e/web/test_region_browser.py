"""Browser: a manager limited to region Central logs in and sees Central only (overview,
plans, monitoring, the editor's balance table and its move targets, the exports page);
an East territory's plan and an East account are 404 pages (Debian chromium through
Playwright, on the workspace of test_region_twins_http)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from tests.e2e.web.conftest import DRAFT
from tests.e2e.web.live import serve
from tests.e2e.web.login import browser_log_in
from tests.e2e.web.test_region_twins_http import AS_OF, CENTRAL, PERIOD, region_db

from territorial.services.workspace import open_workspace

__all__ = ["region_db"]  # the fixture, shared with the HTTP tests
TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def carla_page(region_db: str, browser: Any) -> Iterator[tuple[Any, str, list[str]]]:
    """A page logged in as carla on a live server; the browser errors it collects."""
    with serve(region_db) as base:
        context = browser.new_context(viewport={"width": 1366, "height": 860})
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        browser_log_in(page, base, "carla")
        yield page, base, errors
        context.close()


def _cells(page: Any, selector: str) -> set[str]:
    return {t.strip() for t in page.locator(selector).all_inner_texts()}


def _east_account(db: str) -> str:
    uow = open_workspace(db)
    with uow:
        current = uow.scenarios.get("Current")
    assert current is not None
    return sorted(a for a, t in current.assignments.items() if t.startswith("East-"))[0]


def test_a_limited_manager_sees_their_region(carla_page: tuple[Any, str, list[str]]) -> None:
    page, base, errors = carla_page
    page.goto(f"{base}/")
    body = page.locator("main").inner_text()
    assert "Central-1" in body and "East-1" not in body and "West-1" not in body
    page.goto(f"{base}/plans")
    plans = _cells(page, "[data-testid=pl-plans-table] tbody tr td:first-child")
    assert plans and plans <= CENTRAL, plans
    page.click("[data-testid=pl-plans-table] a[href^='/plans/Central-1']")
    page.wait_for_load_state()
    assert "/plans/Central-1" in page.url and "Grow Central-1" in page.content()
    page.goto(f"{base}/monitor?period={PERIOD}&as_of={AS_OF}")
    monitor = page.locator("main").inner_text()
    assert "Central-2" in monitor and "East-" not in monitor and "West-" not in monitor
    page.goto(f"{base}/map?scenario={DRAFT}")
    page.wait_for_selector('#editor[data-ready="1"]')
    rows = set(
        page.locator("#balance-table tbody tr").evaluate_all(
            "rows => rows.map(r => r.dataset.territory)"
        )
    )
    assert rows and rows <= CENTRAL, rows
    targets = set(
        page.locator("#editor select[name=territory] option").evaluate_all(
            "options => options.map(o => o.value).filter(v => v)"
        )
    )
    assert targets and targets <= CENTRAL, targets
    page.goto(f"{base}/exports")
    assert page.locator("#cy-region-note").is_visible()
    assert page.locator(".cy-download").count() == 0
    assert not errors, errors


def test_pages_outside_the_region_are_not_found(
    carla_page: tuple[Any, str, list[str]], region_db: str
) -> None:
    page, base, _ = carla_page
    for path in ("/plans/East-1", f"/accounts/{_east_account(region_db)}", "/plans/Central-1"):
        response = page.goto(base + path)
        assert response is not None
        if path.endswith("Central-1"):
            assert response.status == 200
        else:
            assert response.status == 404, path
            assert "no " in page.locator("main").inner_text().lower()
    api = page.request.get(f"{base}/api/plans/East-1")
    assert api.status == 404 and "error" in api.json()
