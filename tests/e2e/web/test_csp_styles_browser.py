"""Browser: with a content policy that forbids inline styles, the pages whose looks were
data-driven still draw them (bars, chart heights, map legends and labels) and Chromium
reports no violation. Screenshots of the map and the monitor go to ``__screens__/``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.e2e.web.live import serve
from tests.e2e.web.test_web_plan_browser import Tab, copy_workspace

from territorial.services.quotas import set_quotas
from territorial.services.workspace import open_workspace

TIMEOUT_MS = 30_000
MONITOR = "/monitor?period=2026-Q3&as_of=2026-10-31"


@pytest.fixture(scope="module")
def server(demo_db: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A live server on a copy of the demo with 2026 quotas (the monitor needs them)."""
    path = copy_workspace(demo_db, tmp_path_factory.mktemp("csp") / "csp.db")
    set_quotas(open_workspace(path), period="2026", total=60_000_000)
    with serve(path) as base:
        yield base


@pytest.fixture
def tab(browser: Any, server: str) -> Iterator[Tab]:
    opened = Tab(browser, server)
    violations: list[str] = []
    opened.page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    yield opened
    assert not violations, violations[:3]
    opened.check()
    opened.close()


def test_overview_bars_are_as_wide_as_their_share(tab: Tab) -> None:
    page = tab.open("/")
    bars = page.locator(".bar[data-width]")
    assert bars.count() >= 10
    shares = [float(bars.nth(i).get_attribute("data-width") or "nan") for i in range(bars.count())]
    widths = page.eval_on_selector_all(
        ".bar[data-width]", "els => els.map(e => e.getBoundingClientRect().width)"
    )
    column = page.eval_on_selector(".bar-col", "e => e.getBoundingClientRect().width")
    assert max(shares) == 100
    for share, width in zip(shares, widths, strict=True):
        assert width == pytest.approx(share / 100 * column, abs=column * 0.05 + 2)


def test_map_legend_labels_and_heat_steps_keep_their_colours(tab: Tab, screens: Path) -> None:
    page = tab.open("/map")
    page.wait_for_selector("#legend li .map-swatch", timeout=TIMEOUT_MS)
    swatches = page.eval_on_selector_all(
        "#legend li .map-swatch", "els => els.map(e => getComputedStyle(e).backgroundColor)"
    )
    assert len(set(swatches)) > 5 and "rgba(0, 0, 0, 0)" not in swatches
    steps = page.eval_on_selector_all(
        ".map-heat-step:not(.map-ws-step)",
        "els => els.map(e => getComputedStyle(e).backgroundColor)",
    )
    assert len(steps) == 6 and len(set(steps)) == 6 and steps[0] == "rgb(255, 255, 178)"
    page.wait_for_selector(".map-label span", timeout=TIMEOUT_MS)
    borders = page.eval_on_selector_all(
        ".map-label span", "els => els.map(e => getComputedStyle(e).borderTopColor)"
    )
    assert len(set(borders)) > 5
    reps = page.eval_on_selector_all(
        ".tm-rep span", "els => els.map(e => getComputedStyle(e).backgroundColor)"
    )
    assert reps and "rgba(0, 0, 0, 0)" not in reps
    page.wait_for_timeout(500)
    page.screenshot(path=str(screens / "csp-map.png"))


def test_monitor_charts_take_their_heights(tab: Tab, screens: Path) -> None:
    page = tab.open(MONITOR)
    page.wait_for_selector("canvas[data-ready]", timeout=TIMEOUT_MS)
    boxes = page.eval_on_selector_all(
        ".pl-chart[data-height]",
        "els => els.map(e => [Number(e.dataset.height), e.getBoundingClientRect().height])",
    )
    assert len(boxes) == 3
    assert len({asked for asked, _ in boxes}) > 1  # sized by their rows: can fail
    for asked, height in boxes:
        assert height == pytest.approx(max(asked, 160), abs=1)
    page.wait_for_timeout(300)
    wide = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth, "
        "[...document.querySelectorAll('.pl-chart')].map(e => "
        "Math.round(e.getBoundingClientRect().right))]"
    )
    assert wide[0] <= wide[1], wide  # no chart pushes the page wider than the window
    page.screenshot(path=str(screens / "csp-monitor.png"))
