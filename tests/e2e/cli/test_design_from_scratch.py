"""A first design with no alignment yet: accounts imported without an owner or
territory column, reps with homes, one territory per rep (it raised an IndexError)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from tests.e2e.cli.conftest import Run


def _files(tmp_path: Path) -> tuple[Path, Path]:
    rng = np.random.default_rng(7)
    accounts = tmp_path / "accounts.csv"
    rows = ["id,name,latitude,longitude,potential"]
    for i in range(240):
        lat, lon = rng.uniform(30, 45), rng.uniform(-115, -80)
        rows.append(f"A{i:03d},Account {i},{lat:.4f},{lon:.4f},{int(rng.integers(1, 100)) * 1000}")
    accounts.write_text("\n".join(rows) + "\n", encoding="utf-8")
    reps = tmp_path / "reps.csv"
    reps.write_text(
        "id,name,latitude,longitude\n"
        "R1,Ann West,37.0,-110.0\nR2,Bo Centre,38.0,-97.0\nR3,Cy East,36.0,-84.0\n",
        encoding="utf-8",
    )
    return accounts, reps


def test_a_first_design_gives_each_rep_a_territory_around_home(run: Run, tmp_path: Path) -> None:
    accounts, reps = _files(tmp_path)
    assert run("import", "reps", reps).exit_code == 0
    assert run("import", "accounts", accounts).exit_code == 0
    args = ["-p", "3", "--name", "First", "--balance", "accounts", "--iterations", "1"]
    result = run("design", *args, "--json")
    assert result.exit_code == 0, result.output
    outcome = json.loads(result.output)
    assert outcome["base"] == "(no alignment)" and outcome["feasible"]
    rows = json.loads(run("assess", "--scenario", "First", "--json").output)["territories"]
    assert sorted(r["rep"] for r in rows) == ["Ann West", "Bo Centre", "Cy East"]
    assert sum(r["accounts"] for r in rows) == 240
    # each rep's territory lies around their home: west, centre, east by mean longitude
    west, centre, east = (
        next(r for r in rows if r["rep"] == name) for name in ("Ann West", "Bo Centre", "Cy East")
    )
    assert west["centre_lon"] < centre["centre_lon"] < east["centre_lon"]
