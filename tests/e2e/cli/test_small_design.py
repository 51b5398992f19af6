"""A small design gets the exact model's bound: the gap to the optimum is reported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.e2e.cli.conftest import Run


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'small.db'}"


def test_small_design_reports_bound_and_gap(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "grid.csv"
    rows = ["external_id,name,latitude,longitude,potential"]
    for i in range(6):
        for j in range(5):
            rows.append(
                f"G{i}{j},Grid {i}-{j},{40 + i * 0.1:.2f},{-90 + j * 0.1:.2f},{1 + (i + j) % 3}"
            )
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert run("import", "accounts", path).exit_code == 0
    result = run(
        "design",
        "-p",
        "3",
        "--name",
        "Grid",
        "--balance",
        "accounts",
        "--tolerance",
        "0",
        "--objective",
        "diameter",
        "--time-limit",
        "20",
        "--json",
    )
    assert result.exit_code == 0, result.output
    segment = json.loads(result.output)["segments"][0]
    assert segment["feasible"]
    assert segment["lower_bound"] is not None
    assert 0 < segment["lower_bound"] <= segment["diameter_km"] + 1e-6
    # the reported gap is the plan's distance to the bound, relative to the plan
    diameter, bound = segment["diameter_km"], segment["lower_bound"]
    assert segment["gap"] == pytest.approx((diameter - bound) / diameter, abs=1e-3)
