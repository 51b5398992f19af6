"""A segmented design on a queue runs its segments on several workers: each segment but
the first is a job of its own, any free worker takes it, and the plan is the one a
single process makes with the same seed and iterations."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.e2e.cli.conftest import Run
from tests.e2e.cli.test_jobs_cli import REDIS, _redis_reason, _show

from territorial.domain.jobs import Job, JobState
from territorial.services import jobs
from territorial.services.design import DesignRequest
from territorial.storage import UnitOfWork

DESIGN = (
    "design",
    "-p",
    "8",
    "--segment",
    "region",
    "--balance",
    "potential",
    "--iterations",
    "60",
    "--seed",
    "3",
    "--time-limit",
    "900",
)


@pytest.fixture
def regions(run: Run, tmp_path: Path) -> Run:
    """480 accounts on a grid in three regions; A, designed first, is the largest."""
    rows = ["external_id,name,latitude,longitude,potential,region"]
    rows += [
        f"G{i:02d}{j:02d},Grid {i}-{j},{40 + i * 0.05:.2f},{-90 + j * 0.05:.2f},"
        f"{1 + (i * j) % 4},{'A' if i < 12 else 'B' if i < 18 else 'C'}"
        for i in range(24)
        for j in range(20)
    ]
    path = tmp_path / "regions.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert run("import", "accounts", path).exit_code == 0
    return run


def _worker() -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "territorial.cli.main", "worker", "--burst"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_segments_run_on_two_workers_and_plan_as_one_process_does(
    regions: Run, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    reason = _redis_reason()
    if reason:
        if os.environ.get("TERRITORIAL_REQUIRE_REDIS"):
            pytest.fail(reason)
        pytest.skip(reason)
    here = regions(*DESIGN, "--name", "Here")
    assert here.exit_code == 0, here.output
    monkeypatch.setenv("TERRITORIAL_QUEUE", REDIS)
    monkeypatch.setenv("TERRITORIAL_QUEUE_NAME", f"test-{os.getpid()}-{time.monotonic_ns()}")
    submitted = regions(*DESIGN, "--name", "Queued", "--background", "--json")
    assert submitted.exit_code == 0, submitted.output
    parent = json.loads(submitted.output)["job"]
    uow = UnitOfWork.open(db_url)
    first = _worker()  # takes the design, which queues segments B and C
    for _ in range(400):
        children = [j for j in jobs.list_jobs(uow) if j.params.get(jobs.PARENT) == parent]
        if children:
            break
        time.sleep(0.1)
    assert sorted(c.params[jobs.TASK]["segment"] for c in children) == ["B", "C"]
    second = _worker()  # a second worker, free while the first designs segment A
    assert first.wait(600) == 0 and second.wait(600) == 0
    job = _show(regions, parent)
    assert job["state"] == "done", job
    children = [jobs.get_job(uow, c.id) for c in children]
    assert all(c.state.value == "done" for c in children)
    assert {c.worker for c in children} - {job["worker"]}, "no segment ran elsewhere"
    with uow:
        alone, spread = uow.scenarios.get("Here"), uow.scenarios.get("Queued")
    assert alone is not None and spread is not None
    assert spread.assignments == alone.assignments
    assert sorted(set(spread.assignments.values()))[:2] == ["A-1", "A-2"]
    result = job["result"]
    assert isinstance(result, dict)
    assert [s["segment"] for s in result["segments"]] == ["A", "B", "C"]


def test_a_segment_whose_design_ended_is_cancelled_not_run(uow: UnitOfWork) -> None:
    params = jobs.request_params(DesignRequest(name="Gone", territories=4, segment="region"))
    parent = Job(id="parent", kind="design", params=params, state=JobState.FAILED)
    task = {"segment": "B", "territories": 2, "time_limit": 5.0}
    child = Job(
        id="child", kind="segment", params={**params, jobs.PARENT: "parent", jobs.TASK: task}
    )
    with uow:
        uow.jobs.add(parent)
        uow.jobs.add(child)
        uow.commit()
    ran = jobs.run(uow, "child")
    assert ran.state is JobState.CANCELLED and ran.result is None
    assert ran.error is not None and "job parent ended (failed)" in ran.error
    assert (
        jobs.run_queued(str(uow.engine.url.render_as_string(hide_password=False)), "child")
        == "cancelled"
    )  # a worker that gets it later skips it
