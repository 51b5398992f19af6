"""`territorial export salesforce|hubspot|zoho|geojson|kml|gpkg` and `territorial report`."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from tests.e2e.cli.conftest import run_ok
from typer.testing import CliRunner

from territorial.cli.main import app

CRM = Path(__file__).resolve().parents[2] / "fixtures" / "crm"


def _workspace(tmp_path: Path) -> str:
    db = str(tmp_path / "crm.db")
    run_ok(db, "import", "reps", str(CRM / "sf_reps.csv"))
    run_ok(db, "import", "accounts", str(CRM / "sf_accounts.csv"))
    return db


def test_crm_and_gis_exports_from_the_command_line(tmp_path: Path) -> None:
    db = _workspace(tmp_path)
    refused = CliRunner().invoke(
        app, ["export", "salesforce", "-o", str(tmp_path / "sf"), "--db", db]
    )
    assert refused.exit_code == 1 and "R-3 (maria@example.com)" in refused.output
    out = json.loads(
        run_ok(
            db,
            "export",
            "salesforce",
            "-o",
            str(tmp_path / "sf"),
            "--users",
            str(CRM / "sf_users.csv"),
            "--role",
            "Owner",
            "--json",
        )
    )
    assert out["previous"] is None and (tmp_path / "sf" / "README.txt").is_file()
    users = tmp_path / "sf" / "04_UserTerritory2Association_insert.csv"
    with users.open(encoding="utf-8") as f:
        assert {r["RoleInTerritory2"] for r in csv.DictReader(f)} == {"Owner"}
    run_ok(db, "export", "hubspot", "-o", str(tmp_path / "h.csv"))
    assert (tmp_path / "h.csv").read_text(encoding="utf-8").startswith("Record ID,")
    run_ok(db, "export", "zoho", "-o", str(tmp_path))
    assert (tmp_path / "zoho_accounts.csv").is_file()
    for fmt in ("geojson", "kml", "gpkg"):
        printed = run_ok(db, "export", fmt, "-o", str(tmp_path / f"map.{fmt}"))
        assert "3 territories and 8 accounts" in printed
        assert (tmp_path / f"map.{fmt}").stat().st_size > 0
    # the existing exports still work
    run_ok(db, "export", "assignments", "-o", str(tmp_path / "a.csv"))
    assert (tmp_path / "a.csv").read_text(encoding="utf-8").count("\n") == 9


def test_reports_from_the_command_line(tmp_path: Path) -> None:
    db = _workspace(tmp_path)
    printed = run_ok(db, "report", "assessment", "-o", str(tmp_path / "a.pdf"))
    assert "pages" in printed and (tmp_path / "a.pdf").read_bytes()[:5] == b"%PDF-"
    run_ok(db, "report", "rep-pack", "--rep", "Maria Garcia", "-o", str(tmp_path / "p.html"))
    assert "Empire Clinics" in (tmp_path / "p.html").read_text(encoding="utf-8")
    bad = CliRunner().invoke(
        app,
        ["report", "monitoring", "--period", "2026-Q1", "-o", str(tmp_path / "m.html"), "--db", db],
    )
    assert bad.exit_code == 1 and "no quotas" in bad.output
    assert not (tmp_path / "m.html").exists()
