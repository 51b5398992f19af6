"""`territorial compare` on the demo workspace: one count of moves, every move written."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from tests.e2e.cli.conftest import run_ok as run
from typer.testing import CliRunner

from territorial.cli.main import app
from territorial.domain import Scenario
from territorial.storage import UnitOfWork

MOVED, DROPPED = 100, 7  # every 25th of the 2,500 accounts moves; 7 are left unassigned
FORMULA_NAME = '=HYPERLINK("http://evil")'


@pytest.fixture(scope="module")
def db(demo_db: str) -> str:
    """The demo with a draft ``Next``: every 25th account in the next territory, the last
    seven accounts unassigned (not moves), and one moving account named like a formula."""
    uow = UnitOfWork.open(demo_db)
    with uow:
        base = uow.scenarios.get("Current")
        assert base is not None
        names = [t.name for t in base.territories if t.rep_external_id]
        items = sorted(base.assignments.items())
        moved = {
            ext: names[(names.index(terr) + 1) % len(names)] if k % 25 == 0 else terr
            for k, (ext, terr) in enumerate(items[:-DROPPED])
        }
        uow.scenarios.save(
            Scenario("Next", territories=base.territories, assignments=moved, parent="Current")
        )
        first = uow.accounts.by_external_id()[items[0][0]]
        first.name = FORMULA_NAME
        uow.accounts.update_many([first])
        uow.commit()
    return demo_db


def exported(db: str, scenario: str, path: Path) -> dict[str, str]:
    run(db, "export", "assignments", "--scenario", scenario, "-o", str(path))
    with path.open(encoding="utf-8") as fh:
        return {r["account_id"]: r["territory"] for r in csv.DictReader(fh)}


def test_the_count_of_moves_is_the_accounts_whose_territory_differs(
    db: str, tmp_path: Path
) -> None:
    a = exported(db, "Current", tmp_path / "a.csv")
    b = exported(db, "Next", tmp_path / "b.csv")
    differ = {ext: (a[ext], b[ext]) for ext in a if ext in b and a[ext] != b[ext]}
    assert len(differ) == MOVED

    data = json.loads(run(db, "compare", "Current", "Next", "--json"))
    assert data["accounts_moved"] == len(differ) == len(data["moves"])
    assert {m["account_id"]: (m["from_territory"], m["to_territory"]) for m in data["moves"]} == (
        differ
    )
    assert data["assigned_only_in_a"] == DROPPED and data["assigned_only_in_b"] == 0
    assert data["revenue_moved"] == pytest.approx(sum(m["revenue"] for m in data["moves"]))
    assert all(m["from_rep"] and m["to_rep"] for m in data["moves"])
    assert sum(m["potential"] for m in data["moves"]) > 0

    text = run(db, "compare", "Current", "Next")
    assert f"{MOVED} of 2,500 accounts move" in text
    assert f"{DROPPED} accounts are assigned in Current but not in Next (not moves)" in text
    assert "Moves (first 25)" in text and f"and {MOVED - 25} more" in text


def test_compare_writes_every_move_to_csv_and_the_terminal(db: str, tmp_path: Path) -> None:
    data = json.loads(run(db, "compare", "Current", "Next", "--json"))
    path = tmp_path / "moves.csv"
    out = run(db, "compare", "Current", "Next", "-o", str(path))
    assert f"Wrote {MOVED} moves to" in out
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == [
        "account_id",
        "name",
        "from_territory",
        "to_territory",
        "from_rep",
        "to_rep",
        "revenue",
        "potential",
    ]
    assert len(rows) == MOVED + 1
    for row, move in zip(rows[1:], data["moves"], strict=True):
        assert row[0] == move["account_id"]
        assert row[2:6] == [
            move[k] for k in ("from_territory", "to_territory", "from_rep", "to_rep")
        ]
        assert float(row[6]) == pytest.approx(move["revenue"])
        assert float(row[7]) == pytest.approx(move["potential"])
    names = {row[0]: row[1] for row in rows[1:]}
    assert FORMULA_NAME in {m["name"] for m in data["moves"]}
    assert "'" + FORMULA_NAME in names.values()  # neutralised for spreadsheets
    assert not [n for n in names.values() if n[:1] in "=+@"]

    everything = run(db, "compare", "Current", "Next", "--all")
    assert "Moves (first" not in everything
    assert all(m["account_id"] in everything for m in data["moves"])

    # with --json, stdout stays JSON and the file is written all the same
    result = CliRunner().invoke(
        app, ["compare", "Current", "Next", "--json", "-o", str(tmp_path / "j.csv"), "--db", db]
    )
    assert result.exit_code == 0
    assert json.loads(result.stdout)["accounts_moved"] == MOVED
    assert (tmp_path / "j.csv").read_text(encoding="utf-8") == path.read_text(encoding="utf-8")


def test_deviations_are_percentages(db: str) -> None:
    assessed = json.loads(run(db, "assess", "--scenario", "Current", "--json"))
    worst = assessed["balance"]["potential"]["max_abs_deviation"]
    text = run(db, "compare", "Current", "Next")
    line = next(ln for ln in text.splitlines() if "potential" in ln and "max |deviation|" in ln)
    assert f"{worst:.1%}" in line
    assert f"{worst:.3f}" not in line


def test_compare_output_errors_are_one_line(db: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["compare", "Current", "Next", "-o", str(tmp_path / "no" / "m.csv"), "--db", db]
    )
    assert result.exit_code == 1
    assert "--output: cannot write" in result.output and "Traceback" not in result.output
    result = CliRunner().invoke(app, ["compare", "Current", "Nope", "--db", db])
    assert result.exit_code == 1 and "no scenario named 'Nope'" in result.output
