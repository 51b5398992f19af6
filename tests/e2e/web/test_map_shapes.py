"""The map's territory shapes in the browser and in the JSON twin (issue 8, item 1)."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest
from test_web_browser import MAP_TIMEOUT_MS, Tab  # same directory (rootdir import mode)
from tests.e2e.web.waits import wait_for_js

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


# Container pixels of an account drawn at least 20 px from every rep home and label.
_CLEAR_ACCOUNT = """() => {
  const tm = window.territorialMap;
  const size = tm.map.getSize();
  const avoid = tm.data.reps.map((r) => tm.map.latLngToContainerPoint([r.lat, r.lon]));
  for (const t of tm.data.territories) {
    if (t.label) avoid.push(tm.map.latLngToContainerPoint([t.label[1], t.label[0]]));
  }
  for (let i = 0; i < tm.data.accounts.id.length; i++) {
    const p = tm.accountPoint(i);
    if (p.x < 40 || p.y < 40 || p.x > size.x - 60 || p.y > size.y - 40) continue;
    if (avoid.every((q) => Math.hypot(q.x - p.x, q.y - p.y) > 45)) return [p.x, p.y];
  }
  return null;
}"""


@pytest.fixture
def tab(browser: Any, live_server: str) -> Any:
    opened = Tab(browser, live_server)
    yield opened
    opened.close()


def test_map_twin_has_a_shape_per_territory_and_neighbours_differ(client: TestClient) -> None:
    data = client.get("/api/map").json()
    territories = data["territories"]
    assert len(territories) == 15
    for t in territories:
        assert t["shape"]["type"] in ("Polygon", "MultiPolygon")
        assert t["label"] is not None
        for u in t["neighbours"]:
            assert territories[u]["color"] != t["color"]
    assert data["by"] == "account"
    columns = data["accounts"]
    n = data["counts"]["accounts"]
    for key in (
        "id",
        "name",
        "lat",
        "lon",
        "territory",
        "potential",
        "revenue",
        "tier",
        "industry",
        "status",
        "last_visit",
    ):
        assert len(columns[key]) == n, key
    assert sum(data["heat"]["potential"]) == pytest.approx(sum(columns["potential"]), rel=1e-6)
    assert data["white_space"]["cells"] is not None


@pytest.mark.parametrize("by", ["zip", "county"])
def test_map_twin_zip_and_county_shapes(client: TestClient, by: str) -> None:
    data = client.get("/api/map", params={"by": by}).json()
    assert data["by"] == by
    assert all(t["shape"] is not None for t in data["territories"])


def test_map_twin_rejects_unknown_shape_kind(client: TestClient) -> None:
    assert client.get("/api/map", params={"by": "hexagon"}).status_code == 400


def test_map_draws_territory_shapes_legend_and_heat(tab: Tab, screens: Path) -> None:
    page = tab.open("/map")
    page.wait_for_selector('#map[data-ready="1"]', timeout=MAP_TIMEOUT_MS)
    assert page.locator("#legend li").count() == 15
    assert page.get_attribute("#map", "data-territories") == "15"
    assert page.locator(".map-label").count() == 15
    wait_for_js(page, "document.querySelectorAll('.leaflet-outlines-pane path').length > 0")
    page.screenshot(path=str(screens / "map-shapes.png"))
    # an account's popup: rep, revenue, potential, tier, last visit
    box = page.locator("#map").bounding_box()
    point = page.evaluate(_CLEAR_ACCOUNT)
    page.mouse.click(box["x"] + point[0], box["y"] + point[1])
    popup = page.wait_for_selector(".leaflet-popup-content")
    text = popup.inner_text()
    for word in ("Rep", "Revenue", "Potential", "Tier", "Last visit"):
        assert word in text
    page.keyboard.press("Escape")
    # switch the heat layer on from the layer control
    page.hover(".leaflet-control-layers")
    page.get_by_label("Potential heat", exact=True).check()
    assert page.evaluate("() => window.territorialMap.layersOn().heat")
    page.screenshot(path=str(screens / "map-heat.png"))
    page.get_by_label("Potential heat", exact=True).uncheck()
    page.get_by_label("White space", exact=True).check()
    page.screenshot(path=str(screens / "map-white-space.png"))
    # filters: one tier shows fewer accounts
    total = int(page.get_attribute("#map", "data-accounts") or 0)
    page.select_option('#map-filters select[name="tier"]', index=1)
    shown = int(page.get_attribute("#map", "data-accounts") or 0)
    assert 0 < shown < total
    tab.check()
