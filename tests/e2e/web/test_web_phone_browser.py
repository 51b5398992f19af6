"""The map page and the editor on a phone (390x844, touch): the panel sits below the map,
nothing scrolls sideways, a tap selects an account, a finger-drawn box selects more, and
the selection moves to another territory. Screenshots: phone-map.png, phone-editor.png."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.e2e.web.login import browser_log_in
from tests.e2e.web.test_web_browser import MAP_TIMEOUT_MS
from tests.e2e.web.test_web_editor_browser import LONE_ACCOUNT, accounts_of
from tests.e2e.web.waits import wait_for_js
from tests.e2e.web.workspaces import serve_with_draft

DRAFT = "Edit Phone"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def phone_server(demo_db: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve_with_draft(demo_db, tmp_path_factory.mktemp("phone"), DRAFT) as base:
        yield base


def layout(page: Any) -> dict[str, float]:
    result: dict[str, float] = page.evaluate("""() => {
        const m = document.querySelector('#map').getBoundingClientRect();
        const p = document.querySelector('.map-panel').getBoundingClientRect();
        return {overflow: document.documentElement.scrollWidth - window.innerWidth,
                mapW: m.width, mapH: m.height, mapBottom: m.bottom + window.scrollY,
                panelTop: p.top + window.scrollY, panelW: p.width};
    }""")
    return result


def swipe(page: Any, points: list[tuple[float, float]]) -> None:
    """One finger down at the first point, along the others, up at the last (CDP touch)."""
    cdp = page.context.new_cdp_session(page)
    x, y = points[0]
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for x, y in points[1:]:
        cdp.send(
            "Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]}
        )
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()


def test_map_and_editor_on_a_phone(browser: Any, phone_server: str, screens: Path) -> None:
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        browser_log_in(page, phone_server)
        # the published map: full width, the panel (legend, filters) below it
        page.goto(phone_server + "/map")
        page.wait_for_selector('#map[data-ready="1"]', timeout=MAP_TIMEOUT_MS)
        box = layout(page)
        assert box["overflow"] <= 0, box
        assert box["mapW"] >= PHONE["width"] - 2 and box["mapH"] >= 0.5 * PHONE["height"], box
        assert box["panelTop"] >= box["mapBottom"] - 1 and box["panelW"] >= PHONE["width"] - 2
        assert page.locator("#legend li").count() > 1
        page.screenshot(path=str(screens / "phone-map.png"))
        # the editor on a draft
        page.goto(phone_server + f"/map?scenario={DRAFT.replace(' ', '%20')}")
        page.wait_for_selector('#map[data-ready="1"]', timeout=MAP_TIMEOUT_MS)
        page.wait_for_selector('#editor[data-ready="1"]', timeout=MAP_TIMEOUT_MS)
        box = layout(page)
        assert box["overflow"] <= 0, box
        assert box["panelTop"] >= box["mapBottom"] - 1
        page.evaluate("window.scrollTo(0, 0)")
        origin = page.locator("#map").bounding_box()
        # a tap on a lone account selects it
        lone = page.evaluate(LONE_ACCOUNT)
        assert lone is not None
        page.touchscreen.tap(origin["x"] + lone[1], origin["y"] + lone[2])
        wait_for_js(page, "() => document.querySelector('#editor').dataset.selected === '1'")
        assert page.evaluate(f"() => window.territorialEditor.marked[{lone[0]}]") == 1
        # a box drawn with a finger around another account adds it (the map does not pan)
        other = page.evaluate(LONE_ACCOUNT)
        assert other is not None
        page.check('input[name="editor-tool"][value="box"]')
        page.evaluate("window.scrollTo(0, 0)")
        x, y = origin["x"] + other[1], origin["y"] + other[2]
        swipe(page, [(x - 10, y - 10), (x - 4, y - 4), (x + 4, y + 4), (x + 10, y + 10)])
        wait_for_js(page, "() => Number(document.querySelector('#editor').dataset.selected) >= 2")
        assert page.evaluate(f"() => window.territorialEditor.marked[{other[0]}]") == 1
        selected = int(page.get_attribute("#editor", "data-selected") or 0)
        target = page.evaluate("""() => {
            const tm = window.territorialMap, a = tm.data.accounts;
            const m = window.territorialEditor.marked, held = new Set();
            for (let i = 0; i < m.length; i++) if (m[i]) held.add(a.territory[i]);
            return tm.data.territories.find((t) => !held.has(t.index)).name;
        }""")
        before = accounts_of(page, target)
        page.select_option('#editor-move select[name="territory"]', target)
        page.locator("#editor-move-button").tap()
        wait_for_js(page, "() => document.querySelector('#editor').dataset.edits === '1'")
        assert accounts_of(page, target) == before + selected
        page.locator("#balance-table").scroll_into_view_if_needed()
        page.screenshot(path=str(screens / "phone-editor.png"), full_page=True)
        assert not errors, errors
    finally:
        context.close()
