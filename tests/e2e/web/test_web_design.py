"""Designing from the browser: the form, the job it starts, its live progress, the result.

The server runs on a copy of the demo; the design runs as a real job (a process of its
own) that stores the draft, exactly as `territorial design --background` does."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.e2e.web.live import serve
from tests.e2e.web.login import browser_log_in, http_session
from tests.e2e.web.workspaces import copy_db

from territorial.domain import Rep
from territorial.storage import UnitOfWork

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def design_server(demo_db: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = str(tmp_path_factory.mktemp("design-web") / "demo.db")
    copy_db(demo_db, path)
    with serve(path) as base:
        yield base


@pytest.fixture(scope="module")
def http(design_server: str) -> Any:
    """An admin's HTTP session on the design server."""
    return http_session(design_server)


def _wait(http: Any, base: str, job_id: str, seconds: float = 120) -> dict[str, Any]:
    end = time.monotonic() + seconds
    while True:
        job: dict[str, Any] = http.get(f"{base}/api/jobs/{job_id}").json()
        if job["state"] not in ("queued", "running") or time.monotonic() > end:
            return job
        time.sleep(0.5)


def test_the_api_runs_a_design_as_a_job_and_refuses_bad_fields(
    design_server: str, http: Any
) -> None:
    base = design_server
    before = http.get(f"{base}/api/jobs").json()["jobs"]
    for fields, reason in (
        ({"territories": 5}, "name"),
        ({"name": "X", "territories": 0}, "territories"),
        ({"name": "X", "by": "state"}, "by"),
        ({"name": "X", "tolerance": "lots"}, "tolerance"),
        ({"name": "Current"}, "exists"),
    ):
        refused = http.post(f"{base}/api/design", json=fields)
        assert refused.status_code == 400, fields
        assert reason in refused.json()["error"]
    assert http.get(f"{base}/api/jobs").json()["jobs"] == before  # nothing queued
    started = http.post(
        f"{base}/api/design", json={"name": "Api", "territories": 15, "time_limit": 4}
    )
    assert started.status_code == 202
    job = _wait(http, base, started.json()["id"])
    assert job["state"] == "done", job
    assert job["result"]["scenario"] == "Api" and job["result"]["feasible"]
    names = [s["name"] for s in http.get(f"{base}/api/scenarios").json()["scenarios"]]
    assert "Api" in names
    assert http.get(f"{base}/api/jobs/nope").status_code == 404
    finished = http.post(f"{base}/api/jobs/{job['id']}/cancel")
    assert finished.status_code == 400 and "already finished" in finished.json()["error"]


def test_the_form_and_its_twin_take_independent_starts(design_server: str, http: Any) -> None:
    base = design_server
    for bad in ("0", "many", "101"):
        refused = http.post(f"{base}/api/design", json={"name": "S", "starts": bad})
        assert refused.status_code == 400 and "starts" in refused.json()["error"], bad
    assert 'name="starts"' in http.get(f"{base}/design").text
    started = http.post(
        f"{base}/api/design",
        json={"name": "Starts", "territories": 15, "time_limit": 2, "seed": 7, "starts": 2},
    )
    assert started.status_code == 202
    job = _wait(http, base, started.json()["id"])
    assert job["state"] == "done", job
    assert job["params"]["starts"] == 2
    stored = http.get(f"{base}/api/scenarios/Starts").json()
    assert "seeds 7-8 (best kept)" in stored["description"]


def test_a_manager_designs_in_the_browser_and_watches_it_run(
    design_server: str, browser: Any, screens: Path
) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    browser_log_in(page, design_server)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{design_server}/design")
    page.fill("input[name=name]", "From the browser")
    page.fill("input[name=time_limit]", "6")
    page.screenshot(path=str(screens / "design-form.png"), full_page=True)
    page.click("[data-testid=design-submit]")
    page.wait_for_url("**/jobs/*")
    status = page.locator("[data-testid=job-status]")
    assert status.get_attribute("data-state") in ("queued", "running", "done")
    page.wait_for_selector("[data-testid=job-status][data-state=running]", timeout=60_000)
    page.screenshot(path=str(screens / "design-running.png"), full_page=True)
    page.wait_for_selector("[data-testid=job-status][data-state=done]", timeout=120_000)
    result = page.locator("[data-testid=job-result]").inner_text()
    assert "Balanced" in result and "accounts change territory" in result
    # the travel bound, and the plans it holds for (no move cap here)
    assert "lower bound" in page.content() and "km for any balanced plan (" in page.content()
    # each rep's distance from home, as the CLI prints it
    reps = page.locator("[data-testid=job-reps] tbody tr")
    assert reps.count() == 15
    for row in reps.all():
        cells = row.locator("td").all_inner_texts()
        assert cells[1] and cells[1] != "vacant", cells
        assert float(cells[3].replace(",", "")) >= 0 and float(cells[4].replace(",", "")) > 0
    page.screenshot(path=str(screens / "design-done.png"), full_page=True)
    page.click("[data-testid=job-map]")
    page.wait_for_url("**/map?scenario=From*")
    page.goto(f"{design_server}/design")
    page.fill("[data-testid=tradeoff-form] input[name=caps]", "0,10%")
    page.fill("[data-testid=tradeoff-form] input[name=time_limit]", "2")
    page.click("[data-testid=tradeoff-submit]")
    page.wait_for_selector("[data-testid=job-status][data-state=done]", timeout=120_000)
    page.wait_for_selector("canvas[data-ready='1']", timeout=10_000)  # the curve is drawn
    assert page.locator("[data-testid=tradeoff-table] tbody tr").count() == 2
    page.screenshot(path=str(screens / "design-tradeoff.png"), full_page=True)
    assert not errors, errors
    context.close()


def test_the_tradeoff_runs_as_a_job_and_its_page_draws_the_curve(
    design_server: str, http: Any
) -> None:
    base = design_server
    refused = http.post(f"{base}/api/design/tradeoff", json={"caps": "0,lots"})
    assert refused.status_code == 400 and "caps" in refused.json()["error"]
    started = http.post(
        f"{base}/api/design/tradeoff",
        json={"caps": "0,10%", "balance": "potential", "time_limit": 2},
    )
    assert started.status_code == 202
    job = _wait(http, base, started.json()["id"])
    assert job["state"] == "done", job
    points = job["result"]["points"]
    assert [p["max_moves"] for p in points] == [0.0, 0.1]
    assert points[0]["moved_accounts"] == 0 and points[1]["moved_accounts"] <= 250
    assert all(p["mean_distance_km"] > 0 for p in points)
    page = http.get(f"{base}/jobs/{job['id']}")
    assert page.status_code == 200
    assert '<a href="/design" aria-current="page">' in page.text  # a design's job page
    assert 'data-pl-chart="ds-tradeoff-chart-config"' in page.text
    assert page.text.count("<tr>") >= 3  # header + a row per cap


@pytest.fixture(scope="module")
def hire_server(demo_db: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo with one new rep (a home in Denver, no territory yet)."""
    path = str(tmp_path_factory.mktemp("design-hire") / "demo.db")
    copy_db(demo_db, path)
    uow = UnitOfWork.open(path)
    with uow:
        uow.reps.add_many(
            [
                Rep(
                    "REP-101",
                    "Nina Hale",
                    home_city="Denver",
                    home_latitude=39.74,
                    home_longitude=-104.99,
                )
            ]
        )
        uow.commit()
    with serve(path) as base:
        yield base


def test_a_design_after_hiring_says_on_its_page_what_changed(hire_server: str) -> None:
    http = http_session(hire_server)
    started = http.post(
        f"{hire_server}/api/design",
        json={"name": "Hired", "territories": 16, "time_limit": 4, "tolerance": "10%"},
    )
    assert started.status_code == 202
    job = _wait(http, hire_server, started.json()["id"])
    assert job["state"] == "done" and job["result"]["feasible"], job
    page = http.get(f"{hire_server}/jobs/{job['id']}").text
    assert 'data-testid="job-note"' in page
    assert "New territories for reps who had none: Denver (Nina Hale)" in page
    reps = {r["territory"]: r["rep"] for r in job["result"]["reps"]}
    assert reps["Denver"] == "Nina Hale" and len(reps) == 16 and None not in reps.values()
