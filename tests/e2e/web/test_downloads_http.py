"""The CRM files, maps and reports as downloads of the web app, listed on /exports.

Each is built by a job that a POST starts (a button): it answers with the job's page,
and once the job is done a GET answers with the file (the finished job is reused for the
same inputs and data); a GET alone starts nothing."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from tests.e2e.web.login import logged_in

from territorial.domain.jobs import Job, JobState
from territorial.domain.users import Role
from territorial.services import jobs
from territorial.services.imports import import_accounts, import_reps
from territorial.storage import UnitOfWork

CRM = Path(__file__).resolve().parents[2] / "fixtures" / "crm"


def _through_job(client: Any, db: str, url: str, **params: str) -> tuple[Job, Any]:
    """POST a download (the button): the job's page (303); then, the job done, GET it:
    the file. Files are kept for the day they were built, so a run that crosses
    midnight asks again (once) on the new day."""
    query = {"params": params} if params else {}  # an empty one would drop url's query
    for _ in range(2):
        day = date.today()
        first = client.post(url, follow_redirects=False, **query)
        assert first.status_code == 303, first.text
        job_id = first.headers["location"].rsplit("/", 1)[1]
        job = jobs.wait(UnitOfWork.open(db), job_id, timeout=180)
        served = client.get(url, follow_redirects=False, **query)
        if date.today() == day:
            break
    return job, served


def test_following_a_link_starts_no_job(tmp_path: Path) -> None:
    """A GET (a crawler, a prefetch) only shows or serves what is built: the page with
    the button, the API a 404; the POST starts the job, and then GET serves the file."""
    db = str(tmp_path / "crm.db")
    uow = UnitOfWork.open(db)
    import_reps(uow, CRM / "sf_reps.csv")
    import_accounts(uow, CRM / "sf_accounts.csv")
    with logged_in(db, "manager", Role.MANAGER) as client:
        for url in ("/downloads/zoho.csv", "/reports/assessment.html"):
            page = client.get(url, params={"scenario": "Current"}, follow_redirects=False)
            assert page.status_code == 200 and 'data-testid="build-file"' in page.text
            assert f'action="{url}?scenario=Current"' in page.text
            assert '<a href="/exports" aria-current="page">' in page.text  # where it belongs
        twin = client.get("/api/downloads/zoho.csv", params={"scenario": "Current"})
        assert twin.status_code == 404 and "POST" in twin.json()["error"]
        assert jobs.list_jobs(uow) == []
        started = client.post("/api/downloads/zoho.csv", params={"scenario": "Current"})
        assert started.status_code in (200, 202) and started.json()["reused"] is False
        job = jobs.wait(uow, started.json()["id"], timeout=180)
        assert job.state is JobState.DONE
        again = client.get("/api/downloads/zoho.csv", params={"scenario": "Current"})
        assert again.status_code == 200 and again.json()["id"] == job.id
        served = client.get("/downloads/zoho.csv", params={"scenario": "Current"})
        assert served.status_code == 200 and served.text.startswith("Record Id,")
        # a form's fields (the exports page) name the report's inputs
        form = client.post(
            "/reports/rep-pack.html", data={"rep": "Jane Smith"}, follow_redirects=False
        )
        assert form.status_code == 303 and form.headers["location"].startswith("/jobs/")
        pack = jobs.get_job(uow, form.headers["location"].rsplit("/", 1)[1])
        assert pack.params["rep"] == "Jane Smith"
        assert len(jobs.list_jobs(uow)) == 2


def test_downloads_listed_and_served_through_jobs(tmp_path: Path) -> None:
    db = str(tmp_path / "crm.db")
    uow = UnitOfWork.open(db)
    import_reps(uow, CRM / "sf_reps.csv")
    import_accounts(uow, CRM / "sf_accounts.csv")
    with logged_in(db, "manager", Role.MANAGER) as client:
        listed = client.get("/api/exports", params={"scenario": "Current"}).json()
        urls = {d["name"]: d["url"] for d in listed["downloads"]}
        assert urls["kml"] == "/downloads/kml.kml?scenario=Current"
        assert urls["rep-pack"] == "/reports/rep-pack.pdf?scenario=Current"
        page = client.get("/exports").text
        assert 'id="cy-download-salesforce"' in page and 'action="/reports/rep-pack.pdf"' in page
        # the scenario's own page offers every export and report, and a pack per rep
        scenario_page = client.get("/scenarios/Current").text
        for name in ("salesforce", "hubspot", "zoho", "geojson", "kml", "gpkg", "assessment"):
            assert f'data-testid="cy-download-{name}"' in scenario_page, name
        assert "/reports/rep-pack.html?rep=" in scenario_page
        # each pack is named after its rep, not the CRM user id
        reps = client.get("/api/scenarios/Current").json()
        assert reps["reps"] and set(reps["rep_names"]) == set(reps["reps"])
        for rep_id, name in reps["rep_names"].items():
            assert name != rep_id
            assert f'rep={rep_id}&amp;scenario=Current">{name}</a>' in scenario_page

        job, hubspot = _through_job(client, db, urls["hubspot"])
        assert job.kind == "export" and job.state.value == "done", job
        assert job.params["submitted_by"]["name"] == "manager"
        assert hubspot.status_code == 200 and hubspot.text.startswith("Record ID,")
        assert 'filename="hubspot-Current.csv"' in hubspot.headers["content-disposition"]
        shown = client.get(f"/jobs/{job.id}")
        assert 'data-testid="job-download"' in shown.text and "hubspot-Current.csv" in shown.text
        # the navigation marks Exports, where the file was asked for, not Design
        assert '<a href="/exports" aria-current="page">' in shown.text
        assert '<a href="/design" aria-current="page">' not in shown.text
        assert client.get(f"/jobs/{job.id}/file").content == hubspot.content
        twin = client.get("/api/downloads/hubspot.csv", params={"scenario": "Current"})
        assert twin.status_code == 200 and twin.json()["id"] == job.id
        assert twin.json()["reused"] is True and twin.json()["file_url"] == f"/jobs/{job.id}/file"

        # R-3 has no Salesforce User Id and the web has no User export: the job fails
        failed, again = _through_job(client, db, urls["salesforce"])
        assert failed.state.value == "failed" and "R-3" in str(failed.error)
        assert again.status_code == 200 and 'data-testid="build-file"' in again.text
        retried = client.post(urls["salesforce"], follow_redirects=False)
        assert retried.status_code == 303, "a failed job is not reused: a new one starts"
        assert retried.headers["location"] != f"/jobs/{failed.id}"
        assert "R-3" in client.get(f"/jobs/{failed.id}").text
        assert client.get(f"/jobs/{failed.id}/file").status_code == 404

        _, geo = _through_job(client, db, urls["geojson"])
        assert geo.headers["content-type"].startswith("application/geo+json")
        assert len(json.loads(geo.content)["features"]) == 3 + 8
        _, gpkg = _through_job(client, db, urls["gpkg"])
        assert gpkg.status_code == 200 and gpkg.content[:16] == b"SQLite format 3\x00"
        _, pack = _through_job(client, db, "/reports/rep-pack.html", rep="Jane Smith")
        assert pack.status_code == 200 and "Acme Robotics" in pack.text
        assert pack.headers["content-disposition"].startswith("inline")
        # a report's own inline styles are allowed, sandboxed, no script; pages stay strict
        policy = pack.headers["content-security-policy"]
        assert "style-src 'unsafe-inline'" in policy and "sandbox" in policy
        assert "script-src" not in policy and "default-src 'none'" in policy
        assert "'unsafe-inline'" not in client.get("/exports").headers["content-security-policy"]
        _, pdf = _through_job(client, db, "/reports/assessment.pdf")
        assert pdf.status_code == 200 and pdf.content[:5] == b"%PDF-"
        listed_jobs = client.get("/design")  # the jobs list names each file job
        assert listed_jobs.status_code == 200 and "export hubspot.csv" in listed_jobs.text
        assert "report rep-pack.html" in listed_jobs.text
        assert client.get("/reports/rep-pack.pdf").status_code == 400  # no rep named
        assert client.post("/reports/rep-pack.pdf").status_code == 400
        assert client.get("/downloads/nothing.csv").status_code == 404
        assert client.post("/downloads/nothing.csv").status_code == 404


def test_a_change_of_the_data_builds_the_file_again(tmp_path: Path) -> None:
    db = str(tmp_path / "crm.db")
    uow = UnitOfWork.open(db)
    import_reps(uow, CRM / "sf_reps.csv")
    accounts = tmp_path / "accounts.csv"
    accounts.write_text((CRM / "sf_accounts.csv").read_text(encoding="utf-8"), encoding="utf-8")
    import_accounts(uow, accounts)
    with logged_in(db, "manager", Role.MANAGER) as client:
        first, zoho = _through_job(client, db, "/downloads/zoho.csv")
        assert zoho.status_code == 200
        renamed = accounts.read_text(encoding="utf-8").replace("Acme Robotics", "Acme Drones")
        accounts.write_text(renamed, encoding="utf-8")
        import_accounts(uow, accounts)  # the data changed: the old file is not reused
        second, newer = _through_job(client, db, "/downloads/zoho.csv")
        assert second.id != first.id
        assert "Acme Drones" in newer.text and "Acme Drones" not in zoho.text


def test_salesforce_zip_when_every_rep_has_a_user_id(tmp_path: Path) -> None:
    db = str(tmp_path / "crm.db")
    uow = UnitOfWork.open(db)
    reps = tmp_path / "reps.csv"
    reps.write_text(
        (CRM / "sf_reps.csv").read_text(encoding="utf-8").replace("R-3,", "005000000000003AAA,"),
        encoding="utf-8",
    )
    import_reps(uow, reps)
    accounts = tmp_path / "accounts.csv"
    accounts.write_text((CRM / "sf_accounts.csv").read_text(encoding="utf-8"), encoding="utf-8")
    import_accounts(uow, accounts)
    with logged_in(db, "manager", Role.MANAGER) as client:
        job, response = _through_job(client, db, "/downloads/salesforce.zip")
        assert job.state.value == "done", job
        assert response.status_code == 200
        names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
        assert "README.txt" in names and "02_Territory2Model_insert.csv" in names


def test_the_job_page_shows_a_file_being_built(tmp_path: Path) -> None:
    db = str(tmp_path / "crm.db")
    uow = UnitOfWork.open(db)
    now = datetime.now(UTC)
    running = Job(
        id="building",
        kind="report",
        state=JobState.RUNNING,
        params={"what": "compare", "suffix": "pdf", "other": "Next"},
        progress={"stage": "building", "expected_seconds": 1000.0},
        started_at=now - timedelta(seconds=500),
        updated_at=now,
    )
    with uow:
        uow.jobs.add(running)
        uow.commit()
    with logged_in(db, "manager", Role.MANAGER) as client:
        page = client.get("/jobs/building").text
        assert "Report compare.pdf of Next" in page
        shown = re.search(r"building the file, (\d+) s \(the last one took 1000 s\)", page)
        assert shown is not None and 500 <= int(shown[1]) < 560, page
        bar = re.search(r'<progress max="100" value="(\d+)" data-testid="job-progress">', page)
        assert bar is not None and 50 <= int(bar[1]) <= 56  # of the last one's time
        assert 'data-testid="job-cancel"' in page
        assert client.get("/jobs/building/file").status_code == 404
        twin = client.get("/api/jobs/building").json()
        assert twin["state"] == "running" and twin["file_url"] is None
