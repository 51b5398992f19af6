"""Browser test of the scenario editor: box-select and click accounts, move them, see the
balance change, undo."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.e2e.web.test_web_browser import MAP_TIMEOUT_MS, Tab
from tests.e2e.web.waits import wait_for_js
from tests.e2e.web.workspaces import serve_with_draft

DRAFT = "Edit Browser"
# an unselected account well inside the map with no other within 12 px (a sure click)
LONE_ACCOUNT = """() => {
    const tm = window.territorialMap, a = tm.data.accounts;
    const m = window.territorialEditor.marked, size = tm.map.getSize();
    for (let i = 0; i < a.id.length; i++) {
        const p = tm.accountPoint(i);
        if (m[i] || p.x < 80 || p.y < 80 || p.x > size.x - 80 || p.y > size.y - 80) continue;
        let alone = true;
        for (let j = 0; j < a.id.length && alone; j++) {
            if (j === i) continue;
            const q = tm.accountPoint(j);
            if (Math.hypot(q.x - p.x, q.y - p.y) < 12) alone = false;
        }
        if (alone) return [i, p.x, p.y];
    }
    return null;
}"""


@pytest.fixture(scope="module")
def editor_server(demo_db: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve_with_draft(demo_db, tmp_path_factory.mktemp("editor-browser"), DRAFT) as base:
        yield base


def accounts_of(page: Any, territory: str) -> int:
    return int(
        page.locator(f'#balance-table tr[data-territory="{territory}"] td')
        .nth(1)
        .inner_text()
        .replace(",", "")
    )


def test_box_select_move_and_undo(browser: Any, editor_server: str, screens: Path) -> None:
    tab = Tab(browser, editor_server)
    try:
        page = tab.open(f"/map?scenario={DRAFT.replace(' ', '%20')}")
        page.wait_for_selector('#map[data-ready="1"]', timeout=MAP_TIMEOUT_MS)
        page.wait_for_selector('#editor[data-ready="1"]', timeout=MAP_TIMEOUT_MS)
        assert page.locator("#balance-table tbody tr").count() > 1
        # a box around an account drawn well inside the map
        box = page.locator("#map").bounding_box()
        row = page.evaluate("""() => {
            const tm = window.territorialMap, a = tm.data.accounts, size = tm.map.getSize();
            for (let i = 0; i < a.id.length; i++) {
                const p = tm.accountPoint(i);
                if (p.x > 80 && p.y > 80 && p.x < size.x - 80 && p.y < size.y - 80) return i;
            }
            return -1;
        }""")
        assert row >= 0
        point = page.evaluate(f"window.territorialMap.accountPoint({row})")
        x, y = box["x"] + point["x"], box["y"] + point["y"]
        page.check('input[name="editor-tool"][value="box"]')
        page.mouse.move(x - 12, y - 12)
        page.mouse.down()
        page.mouse.move(x, y, steps=4)
        page.mouse.move(x + 12, y + 12, steps=4)
        page.mouse.up()
        selected = int(page.get_attribute("#editor", "data-selected") or 0)
        assert selected >= 1
        # a click on another account adds it
        page.check('input[name="editor-tool"][value="click"]')
        other = page.evaluate(LONE_ACCOUNT)
        assert other is not None
        page.mouse.click(box["x"] + other[1], box["y"] + other[2])
        wait_for_js(
            page, f"() => document.querySelector('#editor').dataset.selected === '{selected + 1}'"
        )
        # a target territory holding none of the selected accounts
        target = page.evaluate("""() => {
            const tm = window.territorialMap, a = tm.data.accounts;
            const m = window.territorialEditor.marked;
            const held = new Set();
            for (let i = 0; i < m.length; i++) if (m[i]) held.add(a.territory[i]);
            return tm.data.territories.find((t) => !held.has(t.index)).name;
        }""")
        before = accounts_of(page, target)
        page.select_option('#editor-move select[name="territory"]', target)
        page.click("#editor-move-button")
        wait_for_js(page, "() => document.querySelector('#editor').dataset.edits === '1'")
        assert accounts_of(page, target) == before + selected + 1
        assert "Moved" in page.inner_text("#editor-status")
        assert page.locator("#balance-table tr.changed").count() >= 2
        page.screenshot(path=str(screens / "editor-moved.png"))
        page.click("#editor-undo")
        wait_for_js(page, "() => document.querySelector('#editor').dataset.edits === '2'")
        assert accounts_of(page, target) == before
        assert "Undid" in page.inner_text("#editor-status")
        # the territory shapes and the legend are redrawn from the map data after the edits
        wait_for_js(
            page,
            "() => document.querySelector('#editor').dataset.shapes === '2'",
            timeout=MAP_TIMEOUT_MS,
        )
        legend = page.locator(f'#legend li:has-text("{target}") .count').first.inner_text()
        assert int(legend.replace(",", "")) == before
        assert int(page.get_attribute("#map", "data-territories") or 0) > 1
        page.screenshot(path=str(screens / "editor-undone.png"))
        # a lasso around the first account selects it again
        page.click("#editor-clear")
        page.check('input[name="editor-tool"][value="lasso"]')
        page.mouse.move(x - 14, y - 14)
        page.mouse.down()
        for dx, dy in ((14, -14), (14, 14), (-14, 14), (-14, -12)):
            page.mouse.move(x + dx, y + dy, steps=3)
        page.mouse.up()
        assert int(page.get_attribute("#editor", "data-selected") or 0) >= 1
        assert page.evaluate(f"() => window.territorialEditor.marked[{row}]") == 1
        # locked accounts stay put, with the reason on the page
        page.click("#editor-lock")
        wait_for_js(page, "() => document.querySelector('#editor').dataset.edits === '3'")
        assert "Locked" in page.inner_text("#editor-status")
        page.click("#editor-move-button")
        page.wait_for_selector("#editor-status.error")
        assert "locked" in page.inner_text("#editor-status")
        assert accounts_of(page, target) == before
        page.screenshot(path=str(screens / "editor-locked.png"))
        # the refused move logs its 409 in the console; anything else is an error
        tab.errors = [e for e in tab.errors if "status of 409" not in e]
        tab.check()
    finally:
        tab.close()
