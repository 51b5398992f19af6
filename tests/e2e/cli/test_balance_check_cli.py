"""Approve and publish check the balance a scenario was designed to meet (demo workspace)."""

from __future__ import annotations

import dataclasses
import json

import pytest
from tests.e2e.cli.conftest import run_ok as run
from typer.testing import CliRunner

from territorial.cli.main import app
from territorial.domain import ScenarioStatus
from territorial.storage import UnitOfWork


def fail(db: str, *args: str) -> str:
    result = CliRunner().invoke(app, [*args, "--db", db], env={"COLUMNS": "200"})
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    return result.output


def copy_of_current(db: str, name: str, spec: dict[str, float]) -> None:
    """A draft with Current's assignments that claims to balance ``spec``."""
    uow = UnitOfWork.open(db)
    with uow:
        current = uow.scenarios.get("Current")
        assert current is not None
        uow.scenarios.save(
            dataclasses.replace(
                current,
                name=name,
                status=ScenarioStatus.DRAFT,
                parent="Current",
                balance_spec=spec,
            )
        )
        uow.commit()


def statuses(db: str) -> dict[str, str]:
    return {s["name"]: s["status"] for s in json.loads(run(db, "scenarios", "list", "--json"))}


def worst(db: str, scenario: str, measure: str) -> tuple[str, float]:
    """The territory farthest from the mean on ``measure``, as ``assess`` reports it."""
    data = json.loads(run(db, "assess", "--scenario", scenario, "--json"))
    row = max(data["territories"], key=lambda r: abs(r["deviation"][measure]))
    return row["label"], row["deviation"][measure]


def test_a_plan_that_misses_its_tolerance_needs_force(demo_db: str) -> None:
    copy_of_current(demo_db, "Tight", {"potential": 0.05, "workload": 0.05})
    label, dev = worst(demo_db, "Tight", "workload")  # the demo is far off on both
    potential_label, potential_dev = worst(demo_db, "Tight", "potential")
    worst_measure, worst_label, worst_dev = max(
        [("workload", label, dev), ("potential", potential_label, potential_dev)],
        key=lambda m: abs(m[2]),
    )
    message = f"Tight misses {worst_measure} ±5% in {worst_label} ({worst_dev:+.1%})"

    out = fail(demo_db, "scenario", "approve", "Tight")
    assert message in out and "use --force to approve anyway" in out
    assert statuses(demo_db)["Tight"] == "draft"
    out = fail(demo_db, "publish", "Tight", "--effective", "2026-07-01")
    assert message in out and "use --force to publish anyway" in out
    assert statuses(demo_db) == {"Current": "active", "Tight": "draft"}
    assert json.loads(run(demo_db, "scenario", "history", "Tight", "--json"))["events"] == []

    out = run(demo_db, "scenario", "approve", "Tight", "--force")
    assert "warning" in out and message in out and "Approved Tight" in out
    assert statuses(demo_db)["Tight"] == "approved"
    [event] = json.loads(run(demo_db, "scenario", "history", "Tight", "--json"))["events"]
    assert message in event["note"] and "--force" in event["note"]

    fail(demo_db, "publish", "Tight", "--effective", "2026-07-01")  # approval is not enough
    report = json.loads(
        run(demo_db, "publish", "Tight", "--effective", "2026-07-01", "--force", "--json")
    )
    assert report["status"] == "active" and not report["balance_check"]["passed"]
    misses = report["balance_check"]["misses"]
    assert {m["measure"] for m in misses} == {"potential", "workload"}
    first = misses[0]
    assert (first["measure"], first["territory"]) == (worst_measure, worst_label)
    assert first["deviation"] == pytest.approx(worst_dev)
    assert statuses(demo_db)["Tight"] == "active"


def test_the_tolerance_is_checked_as_assess_computes_it(demo_db: str) -> None:
    copy_of_current(demo_db, "Probe", {})
    _, dev = worst(demo_db, "Probe", "potential")
    # exactly the worst deviation is within; a hair less is not
    copy_of_current(demo_db, "Exact", {"potential": abs(dev)})
    assert "Approved Exact" in run(demo_db, "scenario", "approve", "Exact")
    copy_of_current(demo_db, "Short", {"potential": abs(dev) - 1e-4})
    assert "Short misses potential" in fail(demo_db, "scenario", "approve", "Short")
    # a scenario that balances nothing (imported, hand-made) is not checked
    out = run(demo_db, "scenario", "approve", "Probe")
    assert "Approved Probe" in out and "warning" not in out


def test_a_measure_the_workspace_lost_is_named(demo_db: str) -> None:
    copy_of_current(demo_db, "Lost", {"shoe_size": 0.05})
    out = fail(demo_db, "scenario", "approve", "Lost")
    assert "'shoe_size'" in out and "--force" in out
    out = run(demo_db, "scenario", "approve", "Lost", "--force")
    assert "'shoe_size' could not be checked" in out


def test_a_design_remembers_its_balance_and_approve_agrees_with_it(demo_db: str) -> None:
    out = json.loads(
        run(
            demo_db,
            "design",
            "-p",
            "15",
            "--name",
            "Designed",
            "--balance",
            "potential,competitors",
            "--tolerance",
            "potential=0.1,competitors=0.2",
            "--time-limit",
            "5",
            "--json",
        )
    )
    uow = UnitOfWork.open(demo_db)
    with uow:
        designed = uow.scenarios.get("Designed")
        assert designed is not None
        assert designed.balance_spec == {"potential": 0.1, "competitors": 0.2}
    result = CliRunner().invoke(app, ["scenario", "approve", "Designed", "--db", demo_db])
    # a plan the design calls feasible passes the check; one it does not is refused
    assert (result.exit_code == 0) == bool(out["feasible"]), result.output
