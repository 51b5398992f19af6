"""Approve, publish and rebalance through the CLI on the demo workspace (built once)."""

from __future__ import annotations

import csv
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from tests.e2e.cli.conftest import run_ok as run
from typer.testing import CliRunner

from territorial.cli.main import app
from territorial.domain import Scenario
from territorial.storage import UnitOfWork

runner = CliRunner()


def fail(db: str, *args: str) -> str:
    result = runner.invoke(app, [*args, "--db", db], env={"COLUMNS": "200"})
    assert result.exit_code == 1, result.output
    return result.output


def draft(db: str, name: str, every: int) -> None:
    """A draft copy of the active alignment where every ``every``-th account moves to the
    next territory (a fixed plan, so the test does not depend on the engine's timing)."""
    uow = UnitOfWork.open(db)
    with uow:
        active = uow.scenarios.active_name()
        assert active is not None
        base = uow.scenarios.get(active)
        assert base is not None
        names = [t.name for t in base.territories]
        moved = {
            ext: names[(names.index(terr) + 1) % len(names)] if k % every == 0 else terr
            for k, (ext, terr) in enumerate(sorted(base.assignments.items()))
        }
        uow.scenarios.save(
            Scenario(name, territories=base.territories, assignments=moved, parent=base.name)
        )
        uow.commit()


def assignments(db: str, scenario: str, path: Path) -> dict[str, str]:
    run(db, "export", "assignments", "--scenario", scenario, "-o", str(path))
    with path.open(encoding="utf-8") as fh:
        return {r["account_id"]: r["territory"] for r in csv.DictReader(fh)}


def test_approve_publish_quota_history_and_monitor(demo_db: str, tmp_path: Path) -> None:
    run(
        demo_db,
        "quota",
        "set",
        "--period",
        "2026",
        "--total",
        "12000000",
        "--method",
        "blend",
        "--weights",
        "potential=0.6,history=0.4",
        "--round",
        "1000",
    )
    draft(demo_db, "Next", every=25)  # 100 of the 2,500 accounts change territory
    out = run(demo_db, "scenario", "approve", "Next")
    assert "Approved Next" in out
    old = assignments(demo_db, "Current", tmp_path / "old.csv")
    new = assignments(demo_db, "Next", tmp_path / "new.csv")
    moved = {a for a in old if new.get(a) != old[a]}
    assert len(moved) == 100

    fail(demo_db, "publish", "Next", "--effective", "2026-13-01")  # not a date
    data = json.loads(run(demo_db, "publish", "Next", "--effective", "2026-07-01", "--json"))
    assert data["status"] == "active" and data["previous"] == "Current"
    assert data["status_before"] == "approved" and data["moved_accounts"] == len(moved)
    [carried] = data["quotas"]
    assert carried["period"] == "2026" and carried["sum_after"] == "12000000"
    assert sum(Decimal(v) for v in carried["after"].values()) == Decimal(12000000)
    transfers = carried["transfers"]
    assert {t["account_id"] for t in transfers} == moved  # one per moved account, no other
    for t in transfers:
        assert (t["from"], t["to"]) == (old[t["account_id"]], new[t["account_id"]])
    # each territory's change is what it received minus what it gave
    net: dict[str, Decimal] = {}
    for t in transfers:
        net[t["from"]] = net.get(t["from"], Decimal(0)) - Decimal(t["amount"])
        net[t["to"]] = net.get(t["to"], Decimal(0)) + Decimal(t["amount"])
    for terr, after in carried["after"].items():
        before = Decimal(carried["before"].get(terr, "0"))
        assert Decimal(after) - before == net.get(terr, Decimal(0))

    statuses = {
        s["name"]: s["status"] for s in json.loads(run(demo_db, "scenarios", "list", "--json"))
    }
    assert statuses == {"Current": "archived", "Next": "active"}
    shown = json.loads(run(demo_db, "quota", "show", "--json"))
    assert shown["scenario"] == "Next" and shown["sum"] == "12000000"
    assert len(shown["transfers"]) == len(moved)
    table = run(demo_db, "quota", "show")
    assert "Quota moved with accounts when published" in table
    history = json.loads(run(demo_db, "scenario", "history", "--json"))
    rows = {r["name"]: r for r in history["scenarios"]}
    assert rows["Next"]["effective"] == "2026-07-01" and rows["Next"]["replaced"] == "Current"
    assert rows["Current"]["replaced_by"] == "Next" and rows["Current"]["status"] == "archived"
    assert "2026-07-01" in run(demo_db, "scenario", "history")

    assert "archived" in fail(demo_db, "publish", "Current", "--effective", "2026-09-01")
    draft(demo_db, "Later", every=100)
    assert "before 'Next' takes effect" in fail(
        demo_db, "publish", "Later", "--effective", "2026-06-30", "--force"
    )

    mon = json.loads(run(demo_db, "monitor", "--period", "2026", "--as-of", "2026-10-31", "--json"))
    assert mon["scenario"] == "Next" and mon["company"]["quota"] == pytest.approx(12_000_000)
    assert not [a for a in mon["alerts"] if a["kind"] == "drift"]
    assert any("publish snapshot" in n for n in mon["notes"])
    assert mon["rebalance"] is None


def test_monitor_rebalance(demo_db: str) -> None:
    run(demo_db, "quota", "set", "--period", "2027", "--total", "13000000")
    mon = json.loads(
        run(
            demo_db,
            "monitor",
            "--period",
            "2027-Q1",
            "--as-of",
            "2027-02-01",
            "--rebalance",
            "--max-moves",
            "5%",
            "--time-limit",
            "5",
            "--json",
        )
    )
    proposal = mon["rebalance"]
    name = f"Rebalance {date.today().isoformat()}"
    assert proposal["scenario"] == name and proposal["base"] == mon["scenario"]
    assert proposal["balance"] == ["potential", "workload"]
    assert proposal["accounts_moved"] <= 0.05 * proposal["accounts"]
    measures = {m["measure"]: m for m in proposal["measures"]}
    assert set(measures) == {"potential", "workload"}
    # the demo alignment is deliberately unbalanced: the engine never makes it worse
    worst = measures["potential"]
    assert worst["worst_deviation_after"] <= worst["worst_deviation_before"]
    assert proposal["revenue_moved"] == pytest.approx(sum(m["revenue"] for m in proposal["moves"]))
    statuses = {
        s["name"]: s["status"] for s in json.loads(run(demo_db, "scenarios", "list", "--json"))
    }
    assert statuses[name] == "draft"
    text = run(
        demo_db,
        "monitor",
        "--period",
        "2027-Q1",
        "--as-of",
        "2027-02-01",
        "--rebalance",
        "--max-moves",
        "20",
        "--time-limit",
        "1",
    )
    assert "Rebalance proposal" in text and f"{name} (2)" in text
