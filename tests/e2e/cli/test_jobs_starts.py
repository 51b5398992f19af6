"""The independent starts of a design (`--starts K`: seeds SEED .. SEED+K-1): here they
run one after another, on a queue each is a job any free worker takes; either way the
plan kept is the best of the starts, the plan the best single-seed design makes."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from tests.e2e.cli.conftest import Run
from tests.e2e.cli.test_jobs_cli import REDIS, _redis_reason, _show
from tests.e2e.cli.test_jobs_segments import _worker

from territorial.services import jobs, starts
from territorial.services.design import DesignRequest, plan_design
from territorial.storage import UnitOfWork

SEED, STARTS = 3, 3
DESIGN = (
    "design",
    "-p",
    "4",
    "--balance",
    "potential",
    "--iterations",
    "20",
    "--seed",
    str(SEED),
    "--starts",
    str(STARTS),
    "--time-limit",
    "120",
)


@pytest.fixture
def grid(run: Run, tmp_path: Path) -> Run:
    """300 accounts on a grid."""
    rows = ["external_id,name,latitude,longitude,potential"]
    rows += [
        f"G{i:02d}{j:02d},Grid {i}-{j},{40 + i * 0.05:.2f},{-90 + j * 0.05:.2f},{1 + (i * j) % 4}"
        for i in range(20)
        for j in range(15)
    ]
    path = tmp_path / "grid.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert run("import", "accounts", path).exit_code == 0
    return run


def _assignments(db_url: str, name: str) -> dict[str, str]:
    uow = UnitOfWork.open(db_url)
    with uow:
        found = uow.scenarios.get(name)
    assert found is not None, name
    return dict(found.assignments)


def test_the_starts_keep_the_best_single_seed_plan_here_and_on_two_workers(
    grid: Run, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = grid(*DESIGN, "--name", "Here")
    assert here.exit_code == 0, here.output
    # the same designs one seed at a time: the best of them is the plan kept
    uow = UnitOfWork.open(db_url)
    single = DesignRequest(
        name="One", territories=4, balance=("potential",), iterations=20, time_limit=120
    )
    plans = []
    for seed in range(SEED, SEED + STARTS):
        request = starts.with_seed(single, seed)
        scenario, outcome = plan_design(uow, request)
        plans.append((starts.rank(request, outcome.segments[0]), scenario.assignments))
    assert len({tuple(sorted(p.items())) for _, p in plans}) > 1, "the seeds differ"
    best = min(plans, key=lambda plan: plan[0])[1]
    assert _assignments(db_url, "Here") == best

    reason = _redis_reason()
    if reason:
        if os.environ.get("TERRITORIAL_REQUIRE_REDIS"):
            pytest.fail(reason)
        pytest.skip(reason)
    monkeypatch.setenv("TERRITORIAL_QUEUE", REDIS)
    monkeypatch.setenv("TERRITORIAL_QUEUE_NAME", f"test-{os.getpid()}-{time.monotonic_ns()}")
    submitted = grid(*DESIGN, "--name", "Queued", "--background", "--json")
    assert submitted.exit_code == 0, submitted.output
    parent = json.loads(submitted.output)["job"]
    first = _worker()  # takes the design, which queues the starts of seeds 4 and 5
    for _ in range(400):
        children = [j for j in jobs.list_jobs(uow) if j.params.get(jobs.PARENT) == parent]
        if children:
            break
        time.sleep(0.1)
    second = _worker()  # a second worker, free while the first runs the start of seed 3
    assert first.wait(600) == 0 and second.wait(600) == 0
    job = _show(grid, parent)
    assert job["state"] == "done", job
    children = [jobs.get_job(uow, c.id) for c in children]
    assert sorted(c.params["seed"] for c in children) == [SEED + 1, SEED + 2]
    assert all(c.state.value == "done" for c in children)
    assert {c.worker for c in children} - {job["worker"]}, "no start ran elsewhere"
    assert _assignments(db_url, "Queued") == best
