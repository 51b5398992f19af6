"""A contiguous ZIP design after the README tour's `lock`: the locked account stays in
its territory and every territory is one connected piece.

ACC-00002 (North Las Vegas) is locked to Central-3, whose rep lives in Denver, so the
territory must reach Nevada along a corridor of ZIPs.  The design used to leave it cut
off ("not contiguous: Central-3")."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from tests.e2e.cli.conftest import Run


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """A services test: SQLite only (storage runs on both)."""
    return f"sqlite:///{tmp_path / 'demo.db'}"


def test_a_locked_account_far_from_its_rep_keeps_a_contiguous_territory(
    run: Run, tmp_path: Path
) -> None:
    assert run("demo", "--no-serve").exit_code == 0
    assert run("lock", "ACC-00002").exit_code == 0
    result = run(
        "design",
        "-p",
        "15",
        "--name",
        "Zips",
        "--by",
        "zip",
        "--contiguous",
        "--balance",
        "potential,workload",
        "--tolerance",
        "5%",
        "--time-limit",
        "20",
        "--json",
    )
    assert result.exit_code == 0, result.output
    design = json.loads(result.output)
    segment = design["segments"][0]
    assert segment["disconnected"] == []
    assert not any("contiguous" in note for note in design["notes"])
    out = tmp_path / "zips.csv"
    assert run("export", "assignments", "--scenario", "Zips", "-o", out).exit_code == 0
    with out.open(newline="") as f:
        territory = {row["account_id"]: row["territory"] for row in csv.DictReader(f)}
    assert territory["ACC-00002"] == "Central-3"
