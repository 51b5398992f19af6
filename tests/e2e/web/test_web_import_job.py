"""Large imports from the web wizard run as jobs: the wizard hands over to the job page,
which follows the rows read and shows the import report; the upload is kept until the
job has run and removed after. Small imports still run in the request."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_web_cycle_http import state
from tests.e2e.cli.conftest import run_ok
from tests.e2e.web.live import serve
from tests.e2e.web.login import browser_log_in, logged_in
from tests.e2e.web.workspaces import copy_db

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from territorial.domain.users import Actor, Role
from territorial.services import jobs
from territorial.services.actor import acting_as
from territorial.services.workspace import open_workspace

ROWS = 300


def accounts_csv(rows: int, prefix: str = "BIG", bad_row: int | None = None) -> str:
    lines = ["external_id,name,latitude,longitude,potential"]
    for i in range(rows):
        lat = "north" if i == bad_row else f"{40 + (i % 50) * 0.01:.2f}"
        lines.append(f"{prefix}-{i},Account {i},{lat},{-90 + (i // 50) * 0.01:.2f},{i % 7 + 1}")
    return "\n".join(lines) + "\n"


@pytest.fixture
def ws(demo_db: str, tmp_path: Path) -> str:
    path = str(tmp_path / "ws.db")
    copy_db(demo_db, path)
    return path


@pytest.fixture
def web(ws: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setattr(jobs, "IMPORT_JOB_ROWS", ROWS // 2)  # this file counts as large
    with logged_in(ws, "manager", Role.MANAGER) as client:
        yield client


def _uploads(db: str) -> list[str]:
    """The uploads the workspace keeps (every worker's, in the database)."""
    uow = open_workspace(db)
    with uow:
        return uow.uploads.tokens()


def test_a_large_import_runs_as_a_job_whose_page_shows_the_report(web: TestClient, ws: str) -> None:
    before = state(ws)
    page = web.post("/import", files={"file": ("big.csv", accounts_csv(ROWS).encode(), "text/csv")})
    assert page.status_code == 200 and 'id="cy-import-confirm"' in page.text
    token = page.text.split('name="token" value="')[1].split('"')[0]
    moved = web.post("/import/confirm", data={"token": token}, follow_redirects=False)
    assert moved.status_code == 303, moved.text
    job_id = moved.headers["location"].rsplit("/", 1)[1]
    job = jobs.wait(open_workspace(ws), job_id, timeout=120)
    assert job.state.value == "done", job  # so the upload was there when it ran ...
    assert "upload" not in job.params  # the job carries the file: any runner reads it
    assert job.kind == "import" and job.params["submitted_by"]["name"] == "manager"
    assert job.result is not None and job.result["added"] == ROWS
    assert job.result["file"] == "big.csv"  # not where the upload was kept
    assert job.progress == {"rows": ROWS, "total": ROWS}
    assert state(ws)[2] == before[2] + ROWS  # type: ignore[operator]
    assert not _uploads(ws), "the upload is removed once imported"
    shown = web.get(f"/jobs/{job_id}")
    assert shown.status_code == 200 and "Import big.csv" in shown.text
    assert '<a href="/import" aria-current="page">' in shown.text  # not Design
    assert 'data-testid="import-result"' in shown.text
    assert f"added <strong>{ROWS}</strong>" in shown.text
    twin = web.get(f"/api/jobs/{job_id}").json()
    assert twin["kind"] == "import" and twin["result"]["added"] == ROWS
    shown_cli = run_ok(ws, "jobs", "show", job_id)
    assert f"(import big.csv): done. added {ROWS}, updated 0, unchanged 0" in shown_cli


def test_the_json_twin_answers_202_with_the_job(web: TestClient, ws: str) -> None:
    body = accounts_csv(ROWS, prefix="API").encode()
    data = web.post("/api/import", files={"file": ("api.csv", body, "text/csv")}).json()
    assert data["ok"], data
    started = web.post("/api/import/confirm", json={"token": data["token"]})
    assert started.status_code == 202, started.text
    job = jobs.wait(open_workspace(ws), started.json()["id"], timeout=120)
    assert job.state.value == "done" and job.result is not None
    assert job.result["added"] == ROWS
    again = web.post("/api/import/confirm", json={"token": data["token"]})
    assert again.status_code == 404  # the upload went with the job


def test_a_small_import_still_runs_in_the_request(web: TestClient, ws: str) -> None:
    body = accounts_csv(ROWS // 4, prefix="SMALL").encode()
    data = web.post("/api/import", files={"file": ("small.csv", body, "text/csv")}).json()
    done = web.post("/api/import/confirm", json={"token": data["token"]})
    assert done.status_code == 200 and done.json()["added"] == ROWS // 4
    assert [j for j in jobs.list_jobs(open_workspace(ws)) if j.kind == "import"] == []


def test_an_import_job_with_a_bad_row_fails_and_imports_nothing(ws: str, tmp_path: Path) -> None:
    folder = tmp_path / "upload"
    folder.mkdir()
    path = folder / "bad.csv"
    path.write_text(accounts_csv(ROWS, prefix="BAD", bad_row=ROWS - 3), encoding="utf-8")
    uow = open_workspace(ws)
    before = state(ws)
    with acting_as(Actor("manager", Role.MANAGER)):
        job = jobs.submit_import(
            uow, path, "accounts", file="bad.csv", mapping={}, allow_unlocated=False, remove=folder
        )
    ran = jobs.run(uow, job.id)  # in this process: the runner's own entry point
    assert ran.state.value == "failed", ran
    assert ran.error is not None and "bad.csv" in ran.error and str(folder) not in ran.error
    assert f"row {ROWS - 3 + 2}" in ran.error
    assert state(ws) == before  # all or nothing
    assert not folder.exists()


@pytest.mark.slow
def test_the_wizard_hands_a_large_import_to_its_job_page_in_the_browser(
    demo_db: str, browser: Any, screens: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(jobs, "IMPORT_JOB_ROWS", 1000)
    path = str(tmp_path / "browser.db")
    copy_db(demo_db, path)
    upload = tmp_path / "many-accounts.csv"
    upload.write_text(accounts_csv(3000, prefix="WEB"), encoding="utf-8")
    with serve(path) as base:
        context = browser.new_context(viewport={"width": 1366, "height": 900})
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        browser_log_in(page, base)
        page.goto(f"{base}/import")
        page.locator("#cy-file").set_input_files(str(upload))
        page.locator("#cy-upload-button").click()
        page.wait_for_load_state("load")
        page.locator("#cy-import-confirm").click()
        page.wait_for_url("**/jobs/*")
        assert "Import many-accounts.csv" in page.locator("h1").inner_text()
        page.wait_for_selector("[data-testid=job-status][data-state=done]", timeout=120_000)
        report = page.locator("[data-testid=import-result]").inner_text()
        assert "added 3,000" in report, report
        page.screenshot(path=str(screens / "import-job-done.png"), full_page=True)
        assert not errors, errors
        context.close()
    uow = open_workspace(path)
    with uow:
        assert sum(1 for a in uow.accounts.list() if a.external_id.startswith("WEB-")) == 3000
