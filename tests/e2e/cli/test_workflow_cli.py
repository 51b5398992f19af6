"""The workflow through the CLI: publishing needs approval, a future date schedules the
change, status/assess/monitor read the alignment in force on the day asked about, plans
follow the territories that continue."""

from __future__ import annotations

import json

from tests.e2e.cli.conftest import run_ok as run
from typer.testing import CliRunner

from territorial.cli.main import app
from territorial.domain import Scenario
from territorial.storage import UnitOfWork

FUTURE = "2099-01-01"  # after any day the suite runs on: the publish is scheduled


def fail(db: str, *args: str) -> str:
    result = CliRunner().invoke(app, [*args, "--db", db], env={"COLUMNS": "200"})
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    return result.output


def copy_of_active(db: str, name: str) -> None:
    """A draft with the active alignment's territories, every 50th account moved on."""
    uow = UnitOfWork.open(db)
    with uow:
        base = uow.scenarios.get(uow.scenarios.active_name() or "")
        assert base is not None
        names = [t.name for t in base.territories]
        moved = {
            e: names[(names.index(t) + 1) % len(names)] if k % 50 == 0 else t
            for k, (e, t) in enumerate(sorted(base.assignments.items()))
        }
        uow.scenarios.save(Scenario(name, territories=base.territories, assignments=moved))
        uow.commit()


def active_on(db: str, *as_of: str) -> str:
    data = json.loads(run(db, "status", "--json", *as_of))
    return str(data["active"])


def test_scheduled_publish_through_the_cli(demo_db: str) -> None:
    run(demo_db, "quota", "set", "--period", "2098-Q4", "--total", "1000000")
    run(
        demo_db,
        "plan",
        "edit",
        "East-2",
        "--strategies",
        "Win hospital groups",
        "--threats",
        "New rival in Boston",
    )
    copy_of_active(demo_db, "Next")
    out = fail(demo_db, "publish", "Next", "--effective", FUTURE)
    assert "'Next' is a draft, not approved" in out and "--force" in out
    run(demo_db, "scenario", "approve", "Next")
    out = run(demo_db, "publish", "Next", "--effective", FUTURE)
    assert f"Next is scheduled: it becomes the active alignment on {FUTURE}" in out
    assert "Current stays active until then" in out
    assert "carried over: the plans of 1 territories" in out
    assert active_on(demo_db) == "Current"
    assert active_on(demo_db, "--as-of", "2098-12-31") == "Current"
    assert active_on(demo_db, "--as-of", FUTURE) == "Next"
    statuses = {
        s["name"]: s["status"] for s in json.loads(run(demo_db, "status", "--json"))["scenarios"]
    }
    assert statuses == {"Current": "active", "Next": "scheduled"}
    later = json.loads(run(demo_db, "assess", "--as-of", "2099-06-01", "--json"))
    assert later["scenario"] == {"name": "Next", "status": "active"}
    assert "not a date" in fail(demo_db, "status", "--as-of", "soon")
    # the running period is still monitored on the alignment that held during it
    mon = json.loads(
        run(demo_db, "monitor", "--period", "2098-Q4", "--as-of", "2099-02-01", "--json")
    )
    assert mon["scenario"] == "Current"
    plan = json.loads(run(demo_db, "plan", "show", "East-2", "--scenario", "Next", "--json"))
    assert plan["sections"]["strategies"] == ["Win hospital groups"]
    assert plan["sections"]["threats"] == ["New rival in Boston"]
    [published] = [
        e
        for e in json.loads(run(demo_db, "scenario", "history", "Next", "--json"))["events"]
        if e["event"] == "published"
    ]
    assert published["effective"] == FUTURE and published["overridden"] is False
    rows = {
        r["name"]: r for r in json.loads(run(demo_db, "scenario", "history", "--json"))["scenarios"]
    }
    assert rows["Current"]["until"] == FUTURE and rows["Current"]["replaced_by"] == "Next"
    assert rows["Current"]["status"] == "active"  # decided, not yet in force
