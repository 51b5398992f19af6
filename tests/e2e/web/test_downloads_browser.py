"""Browser test of the downloads on /exports: a rep's pack opened as a page, a KML map
downloaded. Chromium via Playwright, offline; screenshots go to ``__screens__/``."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from test_web_cycle_browser import Page

pytestmark = pytest.mark.slow


def test_rep_pack_page_and_map_download(
    browser: Any, live_server: str, screens: Path, tmp_path: Path
) -> None:
    tab = Page(browser, live_server)
    try:
        page = tab.open("/exports")
        assert page.locator(".cy-download").count() == 10
        with page.expect_download() as info:
            page.locator("#cy-download-kml button").click()
        target = tmp_path / info.value.suggested_filename
        info.value.save_as(target)
        assert target.suffix == ".kml"
        placemarks = ET.parse(target).getroot().findall(".//{http://www.opengis.net/kml/2.2}Placemark")
        assert len(placemarks) == 15 + 2500  # the demo's territories and accounts
        form = page.locator("#cy-download-rep-pack form")
        form.locator("input[name=rep]").fill("REP-003")
        form.locator("button", has_text="Open as a page").click()
        page.wait_for_load_state("load")
        assert page.locator("h1").inner_text().startswith("Territory pack: ")
        assert page.locator("svg").count() >= 1
        assert page.locator("h2", has_text="Tier A accounts").count() == 1
        tab.shot(screens, "rep-pack-page")
    finally:
        tab.close()
