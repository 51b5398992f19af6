"""Browser tests: Debian chromium (via Playwright) on a live server, fully offline.

Every request that leaves the test server is refused and makes the test fail, so a CDN
link or a default tile layer would be caught. Screenshots go to ``__screens__/``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.e2e.web.login import browser_log_in
from tests.e2e.web.waits import wait_for_js

from territorial.services.listing import list_accounts
from territorial.services.workspace import summarise
from territorial.storage import UnitOfWork

MAP_TIMEOUT_MS = 20_000


class Tab:
    """A page that only talks to the live server and records what went wrong."""

    def __init__(self, browser: Any, base: str, width: int = 1366, height: int = 860) -> None:
        self.base = base
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.page = self.context.new_page()
        browser_log_in(self.page, base)
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.page.route("**/*", self._route)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on(
            "console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None
        )

    def _route(self, route: Any) -> None:
        url: str = route.request.url
        if url.startswith(self.base) or url.startswith("data:"):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def open(self, path: str) -> Any:
        self.page.goto(self.base + path)
        return self.page

    def check(self) -> None:
        assert not self.outside, f"requests left the server: {self.outside[:5]}"
        assert not self.errors, f"browser errors: {self.errors[:5]}"

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def tab(browser: Any, live_server: str) -> Iterator[Tab]:
    opened = Tab(browser, live_server)
    yield opened
    opened.close()


def test_map_shows_every_located_account_and_a_legend(
    tab: Tab, uow: UnitOfWork, screens: Path
) -> None:
    with uow:
        summary = summarise(uow)
    located = summary.accounts - summary.located["unlocated"]
    page = tab.open("/map")
    page.wait_for_selector('#map[data-ready="1"]', timeout=MAP_TIMEOUT_MS)
    assert page.get_attribute("#map", "data-accounts") == str(located)  # on a canvas
    assert page.locator(".tm-rep").count() == summary.reps
    legend = page.locator("#legend li")
    assert legend.count() == len(summary.territories)
    names = [legend.nth(i).locator(".name").inner_text() for i in range(legend.count())]
    for (name, rep, _count), shown in zip(summary.territories, names, strict=True):
        assert shown.startswith(name) and (rep or "vacant") in shown
    wait_for_js(page, "document.querySelectorAll('.leaflet-outlines-pane path').length > 0")
    page.screenshot(path=str(screens / "map.png"))
    # The legend focuses one territory.
    legend.first.click()
    assert "active" in (legend.first.get_attribute("class") or "")
    page.screenshot(path=str(screens / "map-focus.png"))
    tab.check()


def test_map_scenario_selector(tab: Tab, draft: tuple[str, int], screens: Path) -> None:
    name, unassigned = draft
    page = tab.open("/map")
    page.wait_for_selector('#map[data-ready="1"]', timeout=MAP_TIMEOUT_MS)
    with page.expect_navigation():
        page.select_option("#scenario-select", name)
    page.wait_for_selector('#map[data-ready="1"]', timeout=MAP_TIMEOUT_MS)
    assert "scenario=Draft" in page.url
    last = page.locator("#legend li").last
    assert "Unassigned" in last.inner_text() and str(unassigned) in last.inner_text()
    page.screenshot(path=str(screens / "map-draft.png"))
    tab.check()


def test_assess_tolerance_choice_and_back_to_the_default(tab: Tab, screens: Path) -> None:
    page = tab.open("/assess")
    assert page.locator('[data-testid="judged"]').inner_text().startswith("Judged: accounts")
    with page.expect_navigation():
        page.select_option("#tolerance-select", "0.1")
    assert "tolerance=0.1" in page.url
    assert "Outside ±10%" in page.locator(".card-label").all_text_contents()
    with page.expect_navigation():  # the blank choice: the parameter left out, not a 422
        page.select_option("#tolerance-select", "")
    assert "Outside ±5%" in page.locator(".card-label").all_text_contents()
    assert page.locator("#tolerance-select").input_value() == ""
    page.screenshot(path=str(screens / "assess-tolerance.png"))
    tab.check()


def test_accounts_search_filters_as_you_type(tab: Tab, uow: UnitOfWork, screens: Path) -> None:
    with uow:
        total = list_accounts(uow, limit=1).total
        expected = list_accounts(uow, limit=None, search="tech")
    page = tab.open("/accounts")
    rows = page.locator("#accounts tbody tr")
    assert rows.count() == min(50, total)
    assert page.inner_text('[data-testid="accounts-total"]').startswith(f"{total:,} accounts")
    page.locator("#account-search").press_sequentially("tech", delay=40)
    wait_for_js(
        page,
        "n => document.querySelector('[data-testid=accounts-total]').innerText.startsWith(n)",
        arg=f"{expected.total:,} account",
    )
    assert rows.count() == min(50, expected.total)
    for i in range(rows.count()):
        row = rows.nth(i).inner_text().lower()
        assert "tech" in row
    wait_for_js(page, "() => location.search.includes('q=tech')")
    page.screenshot(path=str(screens / "accounts-search.png"), full_page=False)
    tab.check()


@pytest.mark.parametrize("path", ["/", "/assess", "/reps", "/scenarios", "/assess?scenario=Nope"])
def test_pages_render_cleanly(browser: Any, live_server: str, screens: Path, path: str) -> None:
    wide = Tab(browser, live_server)
    narrow = Tab(browser, live_server, width=390, height=844)  # a phone
    try:
        for name, opened in (("wide", wide), ("phone", narrow)):
            page = opened.open(path)
            page.wait_for_load_state("load")
            assert page.locator("header.topbar").is_visible()
            # Nothing overflows the viewport sideways (wide tables scroll inside their box).
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
            slug = path.strip("/").replace("?", "-").replace("=", "-") or "overview"
            page.screenshot(path=str(screens / f"{slug}-{name}.png"))
            page.screenshot(path=str(screens / f"{slug}-{name}-full.png"), full_page=True)
            if "Nope" not in path:
                opened.check()
    finally:
        wide.close()
        narrow.close()


def test_map_on_a_phone(browser: Any, live_server: str, screens: Path) -> None:
    phone = Tab(browser, live_server, width=390, height=844)
    try:
        page = phone.open("/map")
        page.wait_for_selector('#map[data-ready="1"]', timeout=MAP_TIMEOUT_MS)
        assert page.locator("#map").bounding_box()["width"] <= 390
        page.screenshot(path=str(screens / "map-phone.png"), full_page=True)
        phone.check()
    finally:
        phone.close()
