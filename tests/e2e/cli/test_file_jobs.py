"""Reports and exports as jobs from the CLI: `--background` prints the job's id, `jobs
show ID -o FILE` saves what it built (kept in the database, so any worker serves it),
the same file is not built twice for the same data, and a cancelled job keeps nothing.
The queue variants run a real RQ worker on the real Redis."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.e2e.cli.conftest import Run
from tests.e2e.cli.test_jobs_cli import REDIS, _alive, _redis_reason, _running, _show

from territorial.domain.errors import NotPermitted
from territorial.domain.users import Actor, Role
from territorial.services import job_files, jobs
from territorial.services.actor import acting_as
from territorial.storage import UnitOfWork

CRM = Path(__file__).resolve().parents[2] / "fixtures" / "crm"


@pytest.fixture
def crm(run: Run) -> Run:
    """Three reps and eight accounts in three territories (alignment Current)."""
    assert run("import", "reps", CRM / "sf_reps.csv").exit_code == 0
    assert run("import", "accounts", CRM / "sf_accounts.csv").exit_code == 0
    return run


@pytest.fixture
def queue(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A queue of this test's own on the real Redis (no worker until the test starts one)."""
    reason = _redis_reason()
    if reason:
        if os.environ.get("TERRITORIAL_REQUIRE_REDIS"):
            pytest.fail(reason)
        pytest.skip(reason)
    monkeypatch.setenv("TERRITORIAL_QUEUE", REDIS)
    monkeypatch.setenv("TERRITORIAL_QUEUE_NAME", f"test-{os.getpid()}-{time.monotonic_ns()}")
    yield


def _background(run: Run, *args: str | Path) -> dict[str, object]:
    result = run(*args, "--background", "--json")
    assert result.exit_code == 0, result.output
    submitted: dict[str, object] = json.loads(result.output)
    return submitted


def _files(db_url: str) -> dict[str, set[str]]:
    """The jobs that hold a file in the database, by role."""
    uow = UnitOfWork.open(db_url)
    found: dict[str, set[str]] = {"input": set(), "output": set()}
    with uow:
        for job in uow.jobs.list(limit=100):
            for role in found:
                if uow.jobs.file(job.id, role) is not None:
                    found[role].add(job.id)
    return found


def test_a_background_report_is_saved_by_jobs_show_and_reused(
    crm: Run, db_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "assessment.pdf"
    submitted = _background(crm, "report", "assessment", "-o", out)
    assert submitted["state"] == "queued" and submitted["reused"] is False
    assert not out.exists(), "--background writes nothing itself"
    job_id = str(submitted["job"])
    saved = crm("jobs", "show", job_id, "--wait", "120", "-o", out)
    assert saved.exit_code == 0, saved.output
    assert out.read_bytes()[:5] == b"%PDF-"
    job = _show(crm, job_id)
    assert job["state"] == "done" and job["kind"] == "report"
    assert job["file_url"] == f"/jobs/{job_id}/file"
    assert job["result"]["bytes"] == out.stat().st_size  # type: ignore[index]
    again = _background(crm, "report", "assessment", "-o", out)
    assert again == {"job": job_id, "state": "done", "reused": True}
    other = _background(crm, "report", "assessment", "-o", tmp_path / "a.html")
    assert other["job"] != job_id, "another format is another file"
    kml = tmp_path / "map.kml"
    exported = _background(crm, "export", "kml", "-o", kml, "--scenario", "Current")
    assert crm("jobs", "show", str(exported["job"]), "--wait", "120", "-o", kml).exit_code == 0
    assert b"<kml" in kml.read_bytes()
    assert crm("jobs", "show", str(other["job"]), "--wait", "120").exit_code == 0
    assert _files(db_url)["output"] == {job_id, str(other["job"]), str(exported["job"])}


def test_a_job_that_built_no_file_says_why(crm: Run, tmp_path: Path) -> None:
    submitted = _background(crm, "export", "salesforce", "-o", tmp_path / "sf")
    out = tmp_path / "sf.zip"
    shown = crm("jobs", "show", str(submitted["job"]), "--wait", "120", "-o", out)
    assert shown.exit_code == 1 and "R-3" in shown.output and "no file" in shown.output
    assert not out.exists()
    refused = crm("export", "salesforce", "-o", tmp_path / "sf", "--ids", out, "--background")
    assert refused.exit_code == 1 and "leave out --background" in refused.output


def test_a_cancelled_report_keeps_nothing_and_its_process_stops(
    crm: Run, db_url: str, tmp_path: Path
) -> None:
    submitted = _background(
        crm, "report", "compare", "Current", "Current", "-o", tmp_path / "c.pdf"
    )
    job_id = str(submitted["job"])
    pid = int(str(_running(crm, job_id)["worker"]).rpartition(":")[2])
    cancelled = crm("jobs", "cancel", job_id)
    assert cancelled.exit_code == 0, cancelled.output
    for _ in range(100):
        if not _alive(pid):
            break
        time.sleep(0.1)
    assert not _alive(pid)
    assert _show(crm, job_id)["state"] == "cancelled"
    assert job_id not in _files(db_url)["output"]
    # asked again, it is built anew (a cancelled job is not reused)
    assert (
        _background(crm, "report", "compare", "Current", "Current", "-o", tmp_path / "c.pdf")["job"]
        != job_id
    )


def test_on_the_queue_a_worker_builds_the_files_and_a_cancelled_one_is_skipped(
    crm: Run, db_url: str, tmp_path: Path, queue: None
) -> None:
    report = _background(
        crm, "report", "rep-pack", "-o", tmp_path / "p.html", "--rep", "Jane Smith"
    )
    export = _background(crm, "export", "hubspot", "-o", tmp_path / "h.csv")
    dropped = _background(crm, "export", "zoho", "-o", tmp_path / "z.csv")
    time.sleep(0.5)
    assert _show(crm, str(report["job"]))["state"] == "queued"  # no worker yet
    assert crm("jobs", "cancel", str(dropped["job"])).exit_code == 0
    worked = crm("worker", "--burst")
    assert worked.exit_code == 0, worked.output
    pack = tmp_path / "pack.html"
    assert crm("jobs", "show", str(report["job"]), "-o", pack).exit_code == 0
    assert "Acme Robotics" in pack.read_text(encoding="utf-8")
    hubspot = tmp_path / "hubspot.csv"
    assert crm("jobs", "show", str(export["job"]), "-o", hubspot).exit_code == 0
    assert hubspot.read_text(encoding="utf-8").startswith("Record ID,")
    assert _show(crm, str(dropped["job"]))["state"] == "cancelled"
    assert str(dropped["job"]) not in _files(db_url)["output"]


def _accounts(path: Path, rows: int) -> Path:
    lines = ["external_id,name,latitude,longitude,potential"]
    lines += [f"Q{i},Account {i},{40 + i * 0.01:.2f},-90.00,{i % 5 + 1}" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_an_import_job_carries_its_file_to_a_queue_worker(
    crm: Run, db_url: str, tmp_path: Path, queue: None
) -> None:
    folder = tmp_path / "upload"
    folder.mkdir()
    path = _accounts(folder / "many.csv", 120)
    uow = UnitOfWork.open(db_url)
    with acting_as(Actor("manager", Role.MANAGER)):
        job = jobs.submit_import(
            uow, path, "accounts", file="many.csv", mapping={}, allow_unlocated=False, remove=folder
        )
    jobs.dispatch(job, db_url)
    # the app's upload is gone before any worker runs: a worker elsewhere reads the copy
    # the job carries in the database
    assert not folder.exists()
    with acting_as(Actor("manager", Role.MANAGER)):
        dropped = jobs.submit_import(
            uow,
            path,
            "accounts",
            file="again.csv",
            mapping={},
            allow_unlocated=False,
            content=_accounts(tmp_path / "again.csv", 5).read_bytes(),
        )
    jobs.dispatch(dropped, db_url)
    assert _files(db_url)["input"] == {job.id, dropped.id}
    jobs.cancel(uow, dropped.id)  # queued: its carried file goes at once
    assert _files(db_url)["input"] == {job.id}
    worked = crm("worker", "--burst")
    assert worked.exit_code == 0, worked.output
    done = jobs.get_job(uow, job.id)
    assert done.state.value == "done", done
    assert done.result is not None and done.result["added"] == 120
    assert done.result["file"] == "many.csv"
    assert _files(db_url)["input"] == set(), "the carried file is dropped once imported"
    assert jobs.get_job(uow, dropped.id).state.value == "cancelled"


def test_a_manager_limited_to_a_region_is_refused_company_files(crm: Run, db_url: str) -> None:
    uow = UnitOfWork.open(db_url)
    east = Actor("east", Role.MANAGER, region="East", territories=frozenset({"Boston North"}))
    request = job_files.FileRequest("hubspot", "csv")
    with acting_as(east), pytest.raises(NotPermitted, match="whole company"):
        job_files.request_file(uow, request)
    with uow:  # refused before any job was made
        assert not [j for j in uow.jobs.list(limit=50) if j.kind == "export"]
    with acting_as(Actor("boss", Role.MANAGER)):
        job, reused = job_files.request_file(uow, request)
    assert not reused and jobs._submitter(job).territories is None
    assert jobs.wait(uow, job.id, timeout=120).state.value == "done"
