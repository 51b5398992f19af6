"""Competitor presence as measures: assessed per territory, balanced by design (small file)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.e2e.cli.conftest import Run

from territorial.storage import UnitOfWork

# (id, latitude, longitude, potential, competitor present?, territory); "" = unknown
ACCOUNTS = [
    ("C01", 40.0, -90.0, 100, "yes", "North"),
    ("C02", 40.1, -90.0, 200, "no", "North"),
    ("C03", 40.2, -90.0, 300, "yes", "North"),
    ("C04", 40.3, -90.0, 400, "", "North"),
    ("C05", 40.0, -89.0, 500, "yes", "South"),
    ("C06", 40.1, -89.0, 600, "yes", "South"),
    ("C07", 40.2, -89.0, 700, "yes", "South"),
    ("C08", 40.3, -89.0, 800, "no", "South"),
    ("C09", 40.0, -88.0, 900, "no", "South"),
    ("C10", 40.1, -88.0, 50, "yes", "North"),
]


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'competitors.db'}"


@pytest.fixture
def workspace(run: Run, tmp_path: Path) -> Run:
    path = tmp_path / "accounts.csv"
    lines = ["external_id,name,latitude,longitude,potential,competitor_presence,territory"]
    lines += [f"{a},Account {a},{la},{lo},{p},{c},{t}" for a, la, lo, p, c, t in ACCOUNTS]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run("import", "accounts", path)
    assert result.exit_code == 0, result.output
    return run


def expected(territory: str) -> tuple[float, int]:
    present = [p for _, _, _, p, c, t in ACCOUNTS if t == territory and c == "yes"]
    return float(sum(present)), len(present)


def test_assessment_shows_competitor_presence_per_territory(workspace: Run) -> None:
    result = workspace("assess", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    rows = {r["label"]: r for r in data["territories"]}
    for label in ("North", "South"):
        potential, count = expected(label)  # North 450 (3), South 1,800 (3)
        assert rows[label]["totals"]["competitors"] == potential
        assert rows[label]["totals"]["competitor_accounts"] == count
    mean = (450 + 1800) / 2
    assert rows["South"]["deviation"]["competitors"] == pytest.approx((1800 - mean) / mean)
    balance = data["balance"]["competitors"]
    assert balance["judged"] is False and balance["territories_outside"] == 2
    assert data["balance"]["potential"]["judged"] is True
    # shown, not judged: no finding about competitors however unbalanced
    assert not [
        f for f in data["findings"] if f["measure"] in ("competitors", "competitor_accounts")
    ]
    text = workspace("assess").output
    assert "competitors" in text and "comp. accounts" in text and "1,800" in text
    assert "shown, not judged" in text


def test_design_balances_competitors_by_name(workspace: Run, db_url: str) -> None:
    result = workspace(
        "design",
        "-p",
        "2",
        "--name",
        "Even",
        "--balance",
        "competitors,competitor_accounts",
        "--tolerance",
        "0.25",
        "--time-limit",
        "3",
        "--json",
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["balance"] == ["competitors", "competitor_accounts"]
    uow = UnitOfWork.open(db_url)
    with uow:
        even = uow.scenarios.get("Even")
        assert even is not None
        assert even.balance_spec == {"competitors": 0.25, "competitor_accounts": 0.25}
    assessed = json.loads(workspace("assess", "--scenario", "Even", "--json").output)
    totals = [r["totals"]["competitors"] for r in assessed["territories"]]
    assert sum(totals) == 450 + 1800  # every competitor account is somewhere
    worst = max(assessed["balance"][m]["max_abs_deviation"] for m in out["balance"])
    assert out["feasible"] == (worst <= 0.25 + 1e-9)  # the flag says what the plan meets


def test_unknown_measure_lists_the_competitor_measures(workspace: Run) -> None:
    result = workspace(
        "design", "-p", "2", "--name", "X", "--balance", "rivals", "--time-limit", "1"
    )
    assert result.exit_code == 1
    assert "unknown measure 'rivals'" in result.output
    assert "competitor_accounts" in result.output and "competitors" in result.output
