"""The planning and monitoring commands on the demo workspace (built once per module)."""

from __future__ import annotations

import csv
import json
import sqlite3
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from tests.e2e.cli.conftest import run_ok as run
from typer.testing import CliRunner

from territorial.cli.main import app

runner = CliRunner()


def test_assign_size_and_apply(demo_db: str) -> None:
    data = json.loads(run(demo_db, "assign", "--json", "--pin", "REP-001=West-2"))
    assert len(data["assignments"]) == 15 and data["vacancies"] == []
    assert {a["territory"]: a["rep_external_id"] for a in data["assignments"]}["West-2"] == (
        "REP-001"
    )
    assert all(a["reason"] for a in data["assignments"])
    plain = json.loads(run(demo_db, "assign", "--json"))
    # with continuity weighted, every rep keeps the territory they already own
    assert all(a["continuity_share"] == pytest.approx(1.0) for a in plain["assignments"])
    out = run(demo_db, "size", "--capacity-hours", "40", "--utilisation", "0.85")
    assert "reps" in out and "Adding one rep" in out
    bad = runner.invoke(app, ["assign", "--weights", "speed=1", "--db", demo_db])
    assert bad.exit_code == 1 and "unknown component" in bad.output


def test_quota_goals_plan_monitor_exports(demo_db: str, tmp_path: Path) -> None:
    out = json.loads(
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
            "--override",
            "West-1=1000000",
            "--json",
        )
    )
    assert sum(Decimal(t["quota"]) for t in out["territories"]) == Decimal(12000000)
    shown = json.loads(run(demo_db, "quota", "show", "--period", "2026", "--json"))
    assert shown["sum"] == "12000000"
    assert {t["territory"]: t["quota"] for t in shown["territories"]}["West-1"] == "1000000"
    assert sum(Decimal(v) for v in shown["reps"].values()) == Decimal(12000000)

    run(
        demo_db,
        "goals",
        "add",
        "--territory",
        "East-2",
        "--metric",
        "revenue",
        "--baseline",
        "0",
        "--target",
        "2000000",
        "--start",
        "2026-01-01",
        "--due",
        "2026-12-31",
    )
    goals = json.loads(run(demo_db, "goals", "list", "--as-of", "2026-10-31", "--json"))
    assert goals[0]["status"] in {"achieved", "on_track", "at_risk", "behind"}
    assert goals[0]["actual"] > 0

    run(demo_db, "plan", "edit", "East-2", "--goals", "Grow hospitals", "--threats", "Rival")
    plan = json.loads(run(demo_db, "plan", "show", "East-2", "--json"))
    assert plan["sections"]["goals"] == ["Grow hospitals"]
    assert sum(plan["tiers"].values()) == plan["accounts"] > 0
    assert len(plan["seasonal_calendar"]["months"]) == 12

    mon = json.loads(
        run(demo_db, "monitor", "--period", "2026-Q3", "--as-of", "2026-10-31", "--json")
    )
    assert len(mon["territories"]) == 15 and mon["company"]["actual"] > 0
    table = run(demo_db, "monitor", "--period", "2026-Q3", "--as-of", "2026-10-31")
    assert "company" in table and "Alerts" in table

    files = {
        k: tmp_path / f"{k}.csv" for k in ("quotas", "assignments-reps", "goals", "attainment")
    }
    for kind, path in files.items():
        extra = ["--period", "2026-Q3", "--as-of", "2026-10-31"] if kind == "attainment" else []
        run(demo_db, "export", kind, "-o", str(path), *extra)
    _recompute_attainment(demo_db, files["quotas"], files["attainment"])


def _recompute_attainment(db: str, quotas_csv: Path, attainment_csv: Path) -> None:
    """Quota from the quotas export, actuals straight from the database, by hand."""
    quota: dict[str, Decimal] = defaultdict(Decimal)
    with quotas_csv.open() as fh:
        for r in csv.DictReader(fh):
            if r["period"] == "2026" and r["slice"] in ("2026-07", "2026-08", "2026-09"):
                quota[r["territory"]] += Decimal(r["quota"])
    con = sqlite3.connect(db)
    actual = dict(
        con.execute(
            "select t.name, sum(s.amount) from sales s "
            "join assignments a on a.account_id = s.account_id "
            "join scenarios sc on sc.id = a.scenario_id and sc.status = 'active' "
            "join territories t on t.id = a.territory_id "
            "where s.date between '2026-07-01' and '2026-09-30' group by t.name"
        ).fetchall()
    )
    con.close()
    with attainment_csv.open() as fh:
        rows = [r for r in csv.DictReader(fh) if r["level"] == "territory"]
    assert len(rows) == 15
    for r in rows:
        t = r["territory"]
        assert Decimal(r["quota"]) == quota[t]
        assert float(r["actual"]) == pytest.approx(actual[t], abs=0.01)
        assert float(r["attainment"]) == pytest.approx(actual[t] / float(quota[t]), abs=1e-6)


def test_actuals_import_cli(demo_db: str, tmp_path: Path) -> None:
    good = tmp_path / "orders.csv"
    good.write_text(
        "Account ID,Order Date,Amount,Order ID\n"
        "ACC-00001,2026-11-02,500,SO-1\nACC-00002,2026-11-03,250,SO-2\n"
    )
    bad = tmp_path / "bad.csv"
    bad.write_text("Account ID,Order Date,Amount\nACC-00001,2026-11-02,abc\n")
    con = sqlite3.connect(demo_db)
    before = con.execute("select count(*) from sales").fetchone()[0]
    con.close()
    first = json.loads(run(demo_db, "actuals", "import", str(good), "--json"))
    assert first["added"] == 2
    second = json.loads(run(demo_db, "actuals", "import", str(good), "--json"))
    assert (second["added"], second["unchanged"]) == (0, 2)
    result = runner.invoke(app, ["actuals", "import", str(bad), "--db", demo_db])
    assert result.exit_code == 1 and "row 2" in result.output and "Amount" in result.output
    con = sqlite3.connect(demo_db)
    assert con.execute("select count(*) from sales").fetchone()[0] == before + 2
    con.close()
