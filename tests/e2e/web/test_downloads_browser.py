"""Browser test of the downloads on /exports, each built by a job: the button (a POST)
leads to the job's page, which follows the job and then offers the file; asked again
for the same data, it gives the file at once; a link to a file not built yet shows the
button that builds it. Chromium via Playwright, offline; screenshots go
to ``__screens__/``."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from test_web_cycle_browser import Page

pytestmark = pytest.mark.slow

DONE = "[data-testid=job-status][data-state=done]"


def _job_page(page: Any, heading: str) -> None:
    """On the job's page: wait until the job has built the file."""
    page.wait_for_url("**/jobs/*")
    assert page.locator("h1").inner_text().startswith(heading)
    page.wait_for_selector(DONE, timeout=180_000)


def test_reports_and_maps_download_through_jobs(
    browser: Any, live_server: str, screens: Path, tmp_path: Path
) -> None:
    tab = Page(browser, live_server)
    try:
        page = tab.open("/exports")
        assert page.locator(".cy-download").count() == 10
        page.locator("#cy-download-assessment button", has_text="Download").click()
        _job_page(page, "Report assessment.pdf")
        tab.shot(screens, "report-job-done")
        with page.expect_download() as info:
            page.locator("[data-testid=job-download]").click()
        report = tmp_path / info.value.suggested_filename
        info.value.save_as(report)
        assert report.name.startswith("assessment-") and report.read_bytes()[:5] == b"%PDF-"
        # the same report for the same data: the link gives the built file at once
        page = tab.open("/exports")
        with page.expect_download() as again:
            page.locator("#cy-download-assessment button", has_text="Download").click()
        assert Path(again.value.path()).read_bytes() == report.read_bytes()

        page.locator("#cy-download-kml button").click()
        _job_page(page, "Export kml.kml")
        with page.expect_download() as info:
            page.locator("[data-testid=job-download]").click()
        target = tmp_path / info.value.suggested_filename
        info.value.save_as(target)
        assert target.suffix == ".kml"
        placemarks = (
            ET.parse(target).getroot().findall(".//{http://www.opengis.net/kml/2.2}Placemark")
        )
        assert len(placemarks) == 15 + 2500  # the demo's territories and accounts

        # a link followed to a file not built yet shows the button that builds it
        page = tab.open("/downloads/geojson.geojson")
        tab.shot(screens, "build-file")
        page.locator("[data-testid=build-file] button").click()
        _job_page(page, "Export geojson.geojson")

        page = tab.open("/exports")
        form = page.locator("#cy-download-rep-pack form")
        form.locator("input[name=rep]").fill("REP-003")
        form.locator("button", has_text="Open as a page").click()
        _job_page(page, "Report rep-pack.html")
        page.locator("[data-testid=job-download]").click()
        page.wait_for_load_state("load")
        assert page.locator("h1").inner_text().startswith("Territory pack: ")
        assert page.locator("svg").count() >= 1
        assert page.locator("h2", has_text="Tier A accounts").count() == 1
        tab.shot(screens, "rep-pack-page")
    finally:
        tab.close()
