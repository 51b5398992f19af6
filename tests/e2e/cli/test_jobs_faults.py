"""Faults: a job's process killed with SIGKILL in the middle of a design or an import
(the embedded runner), a queue worker killed in the middle of a job, a worker that
stops answering elsewhere. Each time the job ends failed, nothing half-made is stored
and the database is as it was; the next job runs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from tests.e2e.cli.conftest import Run
from tests.e2e.cli.test_jobs_cli import REDIS, _redis_reason, _running, _show, _submit, grid

from territorial.domain.jobs import Job, JobState
from territorial.domain.users import Actor, Role
from territorial.services import jobs
from territorial.services.actor import acting_as
from territorial.storage import UnitOfWork
from territorial.storage.tables import metadata

__all__ = ["grid"]  # the fixture, shared with the other jobs tests


def snapshot(db: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table but the jobs table, in a stable order."""
    uow = UnitOfWork.open(db)
    rows: dict[str, list[tuple[Any, ...]]] = {}
    with uow.engine.connect() as conn:
        for table in metadata.sorted_tables:
            if table.name != "jobs":
                found = conn.execute(select(table)).all()
                rows[table.name] = sorted((tuple(r) for r in found), key=repr)
    uow.engine.dispose()
    return rows


def _kill_and_expect_failed(run: Run, job_id: str, pid: int) -> dict[str, object]:
    os.kill(pid, signal.SIGKILL)
    for _ in range(40):
        job = _show(run, job_id)
        if job["state"] != "running":
            break
        time.sleep(0.25)
    assert job["state"] == "failed", job
    assert "process stopped before finishing" in str(job["error"])
    return job


def test_a_design_killed_midway_fails_and_leaves_the_database_unchanged(
    grid: Run, db_url: str
) -> None:
    before = snapshot(db_url)
    job_id = _submit(grid, "Killed midway", 120)
    _running(grid, job_id)
    time.sleep(2)  # into the design (loading, solving), far from its end
    job = _show(grid, job_id)
    assert job["state"] == "running", job
    _kill_and_expect_failed(grid, job_id, int(str(job["worker"]).rpartition(":")[2]))
    assert snapshot(db_url) == before
    assert _show(grid, _submit(grid, "Next", 2), wait=120)["state"] == "done"


def _big_csv(path: Path, rows: int) -> None:
    lines = ["external_id,name,latitude,longitude,potential"]
    lines += [
        f"K{i},Account {i},{40 + (i % 300) * 0.01:.2f},{-90 + (i // 300) * 0.01:.2f},{i % 5 + 1}"
        for i in range(rows)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_an_import_killed_midway_fails_imports_nothing_and_removes_its_upload(
    grid: Run, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch = tmp_path / "tmp"  # the runners' temporary folder
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    folder = tmp_path / "upload"
    folder.mkdir()
    path = folder / "big.csv"
    _big_csv(path, 150_000)
    before = snapshot(db_url)
    uow = UnitOfWork.open(db_url)
    with acting_as(Actor("manager", Role.MANAGER)):
        job = jobs.submit_import(
            uow, path, "accounts", file="big.csv", mapping={}, allow_unlocated=False, remove=folder
        )
    jobs.start(job, db_url)
    for _ in range(400):
        shown = jobs.describe(jobs.get_job(uow, job.id))
        progress = shown["progress"]
        if isinstance(progress, dict) and progress.get("rows"):
            break
        time.sleep(0.05)
    assert shown["state"] == "running", shown
    assert isinstance(progress, dict) and progress["rows"] > 0, shown
    pid = int(str(shown["worker"]).rpartition(":")[2])
    _kill_and_expect_failed(grid, job.id, pid)
    assert snapshot(db_url) == before
    assert not folder.exists(), "a failed import job's upload is removed"
    left = [p.name for p in scratch.iterdir()]
    assert [n for n in left if n.startswith(f"territorial-import-p{pid}-")], left
    small = tmp_path / "small.csv"  # the next job removes what the killed one left
    _big_csv(small, 5)
    with acting_as(Actor("manager", Role.MANAGER)):
        second = jobs.submit_import(
            uow, small, "accounts", file="small.csv", mapping={}, allow_unlocated=False
        )
    jobs.start(second, db_url)
    assert jobs.wait(uow, second.id, 60).state is JobState.DONE
    assert list(scratch.iterdir()) == []


def test_a_running_job_whose_heartbeat_stopped_elsewhere_is_failed(
    uow: UnitOfWork, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = datetime.now(UTC)
    silent = Job(
        id="silent",
        kind="design",
        params={"name": "A"},
        state=JobState.RUNNING,
        started_at=now - timedelta(minutes=5),
        updated_at=now - timedelta(seconds=90),
        worker="another-machine:4242",
    )
    beating = Job(
        id="beating",
        kind="design",
        params={"name": "B"},
        state=JobState.RUNNING,
        started_at=now - timedelta(minutes=5),
        updated_at=now - timedelta(seconds=5),
        worker="another-machine:4243",
    )
    with uow:
        uow.jobs.add(silent)
        uow.jobs.add(beating)
        uow.commit()
    lost = jobs.get_job(uow, "silent")
    assert lost.state is JobState.FAILED and lost.error is not None
    assert "no heartbeat from another-machine:4242" in lost.error
    assert jobs.get_job(uow, "beating").state is JobState.RUNNING
    monkeypatch.setenv(jobs.STALE_ENV, "2")  # a tighter limit fails it too
    assert jobs.get_job(uow, "beating").state is JobState.FAILED


def test_the_runner_beats_while_the_job_runs(
    uow: UnitOfWork, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(jobs, "HEARTBEAT_EVERY", 0.05)
    job = Job(
        id="beat",
        kind="design",
        params={},
        state=JobState.RUNNING,
        updated_at=datetime.now(UTC) - timedelta(seconds=30),
    )
    with uow:
        uow.jobs.add(job)
        uow.commit()
    stop = threading.Event()
    thread = threading.Thread(target=jobs._heartbeat, args=(uow, "beat", stop))
    thread.start()
    time.sleep(0.5)
    stop.set()
    thread.join()
    found = jobs.get_job(uow, "beat")
    assert found.updated_at is not None
    assert datetime.now(UTC) - found.updated_at < timedelta(seconds=2)


def test_a_queue_worker_killed_midway_fails_its_job_and_the_next_job_runs(
    grid: Run, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    reason = _redis_reason()
    if reason:
        if os.environ.get("TERRITORIAL_REQUIRE_REDIS"):
            pytest.fail(reason)
        pytest.skip(reason)
    monkeypatch.setenv("TERRITORIAL_QUEUE", REDIS)
    monkeypatch.setenv("TERRITORIAL_QUEUE_NAME", f"test-{os.getpid()}-{time.monotonic_ns()}")
    before = snapshot(db_url)
    worker = subprocess.Popen(
        [sys.executable, "-m", "territorial.cli.main", "worker"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        job_id = _submit(grid, "On the queue", 120)
        job = _running(grid, job_id)
        horse = int(str(job["worker"]).rpartition(":")[2])
        assert horse != worker.pid  # RQ runs the job in a forked work horse
        os.killpg(worker.pid, signal.SIGKILL)  # the worker ...
        os.kill(horse, signal.SIGKILL)  # ... and its horse (in a session of its own)
        worker.wait(10)
        for _ in range(40):
            job = _show(grid, job_id)
            if job["state"] != "running":
                break
            time.sleep(0.25)
        assert job["state"] == "failed", job
        assert "stopped before finishing" in str(job["error"])
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(10)
    assert snapshot(db_url) == before
    next_id = _submit(grid, "After the crash", 2)
    assert grid("worker", "--burst").exit_code == 0
    assert _show(grid, next_id)["state"] == "done"
