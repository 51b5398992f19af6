"""Browser flow of the planning pages on the demo (Debian chromium via Playwright).

Set quotas with a preview then store them, see the chart drawn, add a goal, edit a
territory plan, open the monitoring dashboard and run a rebalance; screenshots of every
page (wide and phone) go to ``__screens__/``. Runs on its own copy of the demo.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.e2e.web.live import serve
from tests.e2e.web.login import browser_log_in
from tests.e2e.web.waits import wait_for_js

from territorial.services.goals import list_goals
from territorial.services.plans import show_plan
from territorial.services.quotas import set_quotas, show_quotas
from territorial.services.workspace import open_workspace

TIMEOUT_MS = 30_000


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


def copy_workspace(source: str, target: str | Path) -> str:
    """A consistent copy of a SQLite workspace (its WAL included)."""
    src, dst = sqlite3.connect(source), sqlite3.connect(str(target))
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    return str(target)


@pytest.fixture(scope="module")
def plan_server(
    demo_db: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str]]:
    """A live server on a copy of the demo; yields (base URL, database path)."""
    path = copy_workspace(demo_db, tmp_path_factory.mktemp("planweb") / "plan.db")
    with serve(path) as base:
        yield base, path


def _shoot(page: Any, screens: Path, name: str) -> None:
    page.screenshot(path=str(screens / f"plan-{name}.png"), full_page=True)


def _fits(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def test_quotas_goals_plan_monitor_flow(
    browser: Any, plan_server: tuple[str, str], screens: Path
) -> None:
    base, path = plan_server
    uow = open_workspace(path)
    tab = Tab(browser, base)
    try:
        page = tab.open("/quotas")
        _shoot(page, screens, "quotas-empty")
        # Quotas: preview first (nothing stored), then store.
        form = page.locator('[data-testid="pl-quota-form"]')
        form.locator('input[name="period"]').fill("2026")
        form.locator('input[name="total"]').fill("58000000")
        form.locator('select[name="method"]').select_option("blend")
        form.locator('input[name="weights"]').fill("potential=0.6,history=0.4")
        form.locator('input[name="round"]').fill("1000")
        form.locator('textarea[name="overrides"]').fill("East-2=4600000")
        with page.expect_navigation():
            page.click('[data-testid="pl-preview"]')
        page.wait_for_selector('[data-testid="pl-quota-preview"]')
        page.wait_for_selector('#pl-split-chart[data-ready="1"]', timeout=TIMEOUT_MS)
        assert page.locator("#pl-split-chart").bounding_box()["height"] > 100
        with pytest.raises(Exception, match="no quotas"):
            show_quotas(uow, "2026")
        _shoot(page, screens, "quotas-preview")
        with page.expect_navigation():
            page.click('[data-testid="pl-store"]')
        page.wait_for_selector('[data-testid="pl-notice"]')
        page.wait_for_selector('#pl-split-chart[data-ready="1"]', timeout=TIMEOUT_MS)
        assert "Stored quotas for 2026." in page.inner_text('[data-testid="pl-notice"]')
        stored = show_quotas(uow, "2026")
        assert str(stored.total) == "58000000"
        _shoot(page, screens, "quotas-stored")
        # A bad form: shown again with the reason, nothing stored.
        page.locator('input[name="period"]').fill("2026-Q7")
        with page.expect_navigation():
            page.click('[data-testid="pl-preview"]')
        assert "is not a year" in page.inner_text('[data-testid="pl-error"]')
        _shoot(page, screens, "quotas-error")
        assert tab.errors == [
            "Failed to load resource: the server responded with a status of 400 (Bad Request)"
        ]
        tab.errors.clear()

        # Goals: add one.
        page = tab.open("/goals")
        goal = page.locator('[data-testid="pl-goal-form"]')
        goal.locator('select[name="territory"]').select_option("East-2")
        goal.locator('input[name="metric"]').fill("revenue")
        goal.locator('input[name="baseline"]').fill("0")
        goal.locator('input[name="target"]').fill("4600000")
        goal.locator('input[name="start"]').fill("2026-01-01")
        goal.locator('input[name="due"]').fill("2026-12-31")
        goal.locator('input[name="description"]').fill("Hospitals <first>")
        with page.expect_navigation():
            page.click('[data-testid="pl-goal-add"]')
        page.wait_for_selector('[data-testid="pl-notice"]')
        rows = page.locator('[data-testid="pl-goals-table"] tbody tr')
        assert rows.count() == len(list_goals(uow)) == 1
        assert "Hospitals <first>" in rows.first.inner_text()
        _shoot(page, screens, "goals")

        # Territory plan: edit and see it.
        page = tab.open("/plans")
        _shoot(page, screens, "plans")
        with page.expect_navigation():
            page.click('a[href="/plans/East-2"]')
        plan = page.locator('[data-testid="pl-plan-form"]')
        plan.locator('textarea[name="strategies"]').fill("Win hospital groups\nBundle service")
        plan.locator('textarea[name="threats"]').fill("New rival in Boston <b>")
        plan.locator('textarea[name="strengths"]').fill("Strong references")
        with page.expect_navigation():
            page.click('[data-testid="pl-plan-save"]')
        page.wait_for_selector('[data-testid="pl-notice"]')
        assert "Win hospital groups" in page.inner_text('[data-testid="pl-gsot"]')
        assert "New rival in Boston <b>" in page.inner_text('[data-testid="pl-swot"]')
        assert show_plan(uow, "East-2").plan.section("strategies") == [
            "Win hospital groups",
            "Bundle service",
        ]
        _shoot(page, screens, "plan-east-2")

        # Monitoring: charts drawn, alerts listed.
        page = tab.open("/monitor?period=2026-Q3&as_of=2026-10-31")
        for chart in ("pl-chart-territories", "pl-chart-reps", "pl-chart-trend"):
            page.wait_for_selector(f'#{chart}[data-ready="1"]', timeout=TIMEOUT_MS)
        assert page.locator('[data-testid="pl-monitor-table"] tbody tr').count() >= 15
        assert page.inner_text('[data-testid="pl-company-attainment"]').endswith("%")
        _shoot(page, screens, "monitor")

        # Rebalance: a draft scenario, linked.
        page.locator('input[name="time_limit"]').fill("3")
        with page.expect_navigation(timeout=30_000):
            page.click('[data-testid="pl-rebalance-run"]')
        assert "/jobs/" in page.url  # a job with live progress, not a request that hangs
        result = page.wait_for_selector('[data-testid="pl-rebalance-result"]', timeout=120_000)
        assert "Draft" in result.inner_text()
        link = page.get_attribute('[data-testid="pl-open-scenario"]', "href")
        assert link and link.startswith("/map?scenario=Rebalance")
        _shoot(page, screens, "rebalance")

        # Reps: the assignment panel loads into the reps page.
        page = tab.open("/reps")
        page.wait_for_selector('[data-testid="pl-assignment-table"]', timeout=TIMEOUT_MS)
        assert page.locator('[data-testid="pl-whatif"]').count() == 2
        _shoot(page, screens, "reps")
        page = tab.open("/reps/assignment?scenario=Draft%20B")
        page.wait_for_selector('[data-testid="pl-apply"]')
        _shoot(page, screens, "reps-draft")
        tab.check()
    finally:
        tab.close()


@pytest.mark.parametrize(
    "path",
    [
        "/quotas?period=2026",
        "/goals",
        "/plans/East-2",
        "/monitor?period=2026-Q3&as_of=2026-10-31",
        "/reps/assignment",
    ],
)
def test_planning_pages_on_a_phone(
    browser: Any, plan_server: tuple[str, str], screens: Path, path: str
) -> None:
    base, db = plan_server
    if not show_quotas_exists(db):  # the flow test stores them when it runs first
        set_quotas(open_workspace(db), period="2026", total="58000000", method="potential")
    phone = Tab(browser, base, width=390, height=844)
    try:
        page = phone.open(path)
        page.wait_for_load_state("load")
        for canvas in page.locator("canvas[data-pl-chart]").all():
            canvas.wait_for(state="attached")
        wait_for_js(
            page,
            "[...document.querySelectorAll('canvas[data-pl-chart]')].every(c => c.dataset.ready)",
        )
        assert _fits(page), "the page scrolls sideways on a phone"
        slug = path.strip("/").split("?")[0].replace("/", "-")
        _shoot(page, screens, f"{slug}-phone")
        phone.check()
    finally:
        phone.close()


def show_quotas_exists(path: str) -> bool:
    uow = open_workspace(path)
    with uow:
        return bool(uow.quotas.periods("Current"))
