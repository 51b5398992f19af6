"""Designs as background jobs: run in a process of their own, followed, cancelled, killed."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import pytest
from tests.e2e.cli.conftest import Run


@pytest.fixture
def grid(run: Run, tmp_path: Path) -> Run:
    """A workspace of 400 accounts on a grid."""
    path = tmp_path / "grid.csv"
    rows = ["external_id,name,latitude,longitude,potential"]
    rows += [
        f"G{i:02d}{j:02d},Grid {i}-{j},{40 + i * 0.05:.2f},{-90 + j * 0.05:.2f},{1 + (i * j) % 4}"
        for i in range(20)
        for j in range(20)
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert run("import", "accounts", path).exit_code == 0
    return run


def _submit(run: Run, name: str, seconds: int) -> str:
    result = run(
        "design",
        "-p",
        "4",
        "--name",
        name,
        "--balance",
        "potential",
        "--time-limit",
        str(seconds),
        "--background",
        "--json",
    )
    assert result.exit_code == 0, result.output
    job_id: str = json.loads(result.output)["job"]
    return job_id


def _show(run: Run, job_id: str, wait: float = 0) -> dict[str, object]:
    result = run("jobs", "show", job_id, "--wait", str(wait), "--json")
    assert result.exit_code == 0, result.output
    shown: dict[str, object] = json.loads(result.output)
    return shown


def _scenarios(run: Run) -> set[str]:
    return {s["name"] for s in json.loads(run("scenarios", "list", "--json").output)}


def _alive(pid: int) -> bool:
    """Running (not gone, not a zombie waiting to be reaped)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def _running(run: Run, job_id: str) -> dict[str, object]:
    for _ in range(120):
        job = _show(run, job_id)
        if job["state"] == "running" and job["worker"]:
            return job
        time.sleep(0.25)
    raise AssertionError(f"job {job_id} never started: {job}")


def test_a_background_design_runs_and_stores_its_scenario(grid: Run) -> None:
    job_id = _submit(grid, "Later", 3)
    assert "Later" not in _scenarios(grid)  # not yet: the command returned at once
    job = _show(grid, job_id, wait=120)
    assert job["state"] == "done", job
    result = job["result"]
    assert isinstance(result, dict) and result["scenario"] == "Later"
    assert "Later" in _scenarios(grid)
    listed = json.loads(grid("jobs", "list", "--json").output)
    assert [j["id"] for j in listed] == [job_id]


def test_a_second_job_for_the_same_name_is_refused(grid: Run) -> None:
    first = _submit(grid, "Twice", 30)
    refused = grid("design", "-p", "4", "--name", "Twice", "--balance", "potential", "--background")
    assert refused.exit_code == 1
    assert f"job {first} is already designing 'Twice'" in refused.output
    assert grid("jobs", "cancel", first).exit_code == 0


def test_a_cancelled_job_stores_nothing_and_its_process_stops(grid: Run) -> None:
    job_id = _submit(grid, "Stopped", 120)
    worker = str(_running(grid, job_id)["worker"])
    pid = int(worker.rpartition(":")[2])
    assert grid("jobs", "cancel", job_id).exit_code == 0
    assert _show(grid, job_id)["state"] == "cancelled"
    for _ in range(40):
        if not _alive(pid):
            break
        time.sleep(0.25)
    else:
        raise AssertionError("the job's process is still running")
    assert "Stopped" not in _scenarios(grid)
    again = grid("jobs", "cancel", job_id)
    assert again.exit_code == 1 and "already finished" in again.output


def test_a_killed_worker_fails_its_job_and_leaves_nothing(grid: Run) -> None:
    job_id = _submit(grid, "Killed", 120)
    worker = str(_running(grid, job_id)["worker"])
    os.kill(int(worker.rpartition(":")[2]), signal.SIGKILL)
    time.sleep(0.5)
    job = _show(grid, job_id)
    assert job["state"] == "failed"
    assert "stopped before finishing" in str(job["error"])
    assert "Killed" not in _scenarios(grid)


REDIS = os.environ.get("TERRITORIAL_TEST_REDIS", "redis://127.0.0.1:6379/15")


def _redis_reason() -> str | None:
    try:
        from redis import Redis

        Redis.from_url(REDIS, socket_connect_timeout=1).ping()
    except Exception as exc:  # no server: say why
        return f"Redis at {REDIS} does not answer ({exc})"
    return None


def test_with_a_queue_jobs_wait_for_a_worker_who_runs_them(
    grid: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    reason = _redis_reason()
    if reason:
        if os.environ.get("TERRITORIAL_REQUIRE_REDIS"):
            pytest.fail(reason)
        pytest.skip(reason)
    monkeypatch.setenv("TERRITORIAL_QUEUE", REDIS)
    monkeypatch.setenv("TERRITORIAL_QUEUE_NAME", f"test-{os.getpid()}-{time.monotonic_ns()}")
    job_id = _submit(grid, "Queued", 2)
    time.sleep(1.0)
    assert _show(grid, job_id)["state"] == "queued"  # no worker yet: it waits
    iterated = grid(
        "design", "-p", "4", "--name", "Iterated", "--iterations", "1", "--background", "--json"
    )
    assert iterated.exit_code == 0, iterated.output
    from redis import Redis
    from rq import Queue

    queue = Queue(os.environ["TERRITORIAL_QUEUE_NAME"], connection=Redis.from_url(REDIS))
    timeouts = {job.id: job.timeout for job in queue.jobs}
    # the time limit stops neither an iteration-bounded design nor, then, its worker
    assert timeouts == {job_id: 600 + 180 * 2 // 60, json.loads(iterated.output)["job"]: -1}
    worked = grid("worker", "--burst")
    assert worked.exit_code == 0, worked.output
    job = _show(grid, job_id)
    assert job["state"] == "done", job
    assert {"Queued", "Iterated"} <= set(_scenarios(grid))
