"""Issue 12, the CLI half: commands load lazily, fit 80 and 120 columns, print numbers as
people write them, keep old spellings working, and never create a workspace to read it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from tests.e2e.cli.conftest import run_ok
from tests.e2e.web.workspaces import copy_db
from typer.testing import CliRunner, Result

from territorial.cli.lazy import load
from territorial.cli.main import COMMANDS, app
from territorial.services.listing import list_reps
from territorial.storage import UnitOfWork

SRC = Path(__file__).resolve().parents[3] / "src"
CUT = "…"


def invoke(db: str, width: int, *args: str) -> Result:
    return CliRunner().invoke(app, [*args, "--db", db], env={"COLUMNS": str(width)})


def table_rows(output: str) -> list[list[str]]:
    """The body cells of every Rich table in ``output`` (rows drawn with │)."""
    return [
        [cell.strip() for cell in line.strip().strip("│").split("│")]
        for line in output.splitlines()
        if line.strip().startswith("│")
    ]


def rep_names(db: str) -> set[str]:
    with UnitOfWork.open(db) as uow:
        return {r.rep.name for r in list_reps(uow)}


# --- start-up: what a command loads --------------------------------------------------


MODULES = "--- modules ---"
# What a light command never needs: the metrics' SciPy, the optimizer (Numba, HiGHS), the
# web stack, pandas.
HEAVY = {
    "scipy",
    "numba",
    "highspy",
    "pandas",
    "territorial.optimize.design",
    "territorial.metrics.assessment",
    "fastapi",
    "starlette",
    "jinja2",
    "territorial.web.app",
}


def _modules_after(args: list[str]) -> set[str]:
    """The modules loaded by running ``territorial ARGS`` in a new process (it must succeed)."""
    code = (
        "import sys\n"
        "from territorial.cli.main import app\n"
        "try:\n"
        f"    app({args!r})\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        f"print({MODULES!r})\n"
        "print('\\n'.join(sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(SRC), "COLUMNS": "100", "PATH": "/usr/bin:/bin"},
    )
    return set(out.stdout.split(MODULES)[1].split())


@pytest.mark.parametrize("args", [["--help"], ["assess", "--help"], ["quota", "set", "--help"]])
def test_help_loads_no_database_layer_or_optimizer(args: list[str]) -> None:
    loaded = _modules_after(args)
    heavy = {"sqlalchemy", "territorial.services.workspace", *HEAVY}
    assert not heavy & loaded, heavy & loaded
    other_commands = {m for m in loaded if m.startswith("territorial.cli.")}
    assert "territorial.cli.design" not in other_commands


@pytest.mark.parametrize(
    "args",
    [
        ["status"],
        ["accounts", "list"],
        ["reps", "list"],
        ["scenario", "list"],
        ["scenario", "show", "Current"],
        ["scenario", "history"],
        ["jobs", "list"],
        ["users", "list"],
        ["audit"],
    ],
)
def test_reading_commands_load_no_metrics_optimizer_or_web(demo_db: str, args: list[str]) -> None:
    loaded = _modules_after([*args, "--db", demo_db])
    assert "territorial.storage" in loaded  # it did read the workspace
    assert not HEAVY & loaded, HEAVY & loaded


def test_monitor_without_rebalance_loads_no_optimizer(demo_db: str, tmp_path: Path) -> None:
    db = copy_db(demo_db, str(tmp_path / "monitor.db"))
    run_ok(db, "quota", "set", "--period", "2026", "--total", "5000000")
    loaded = _modules_after(["monitor", "--period", "2026", "--db", db])
    assert "territorial.services.monitor" in loaded
    optimizer = {"numba", "highspy", "territorial.optimize.design", "territorial.services.design"}
    assert not optimizer & loaded, optimizer & loaded


def test_root_help_imports_no_command_module() -> None:
    loaded = _modules_after(["--help"])
    commands = {m for m in loaded if m.startswith("territorial.cli.")}
    assert commands <= {"territorial.cli", "territorial.cli.main", "territorial.cli.lazy"}


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_the_table_help_is_the_commands_own(name: str) -> None:
    entry = COMMANDS[name]
    command = load(name, entry)
    assert command.name == name and command.hidden == entry.hidden
    if not entry.hidden:
        assert command.get_short_help_str(1000) == entry.help


def test_root_help_lists_every_visible_command_and_no_alias() -> None:
    out = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "200"}).output
    listed = {row[0].split()[0] for row in table_rows(out) if row[0].split()}
    visible = {n for n, e in COMMANDS.items() if not e.hidden}
    assert visible <= listed
    assert not {"scenarios", "actuals"} & listed


# --- names: one scenario group, one import group, flags as flags ---------------------


def test_old_spellings_still_work(demo_db: str) -> None:
    new = json.loads(run_ok(demo_db, "scenario", "list", "--json"))
    old = json.loads(run_ok(demo_db, "scenarios", "list", "--json"))
    assert new == old and new
    assert run_ok(demo_db, "scenario", "history", "--json") == run_ok(
        demo_db, "scenarios", "history", "--json"
    )
    for args in (["actuals", "import", "--help"], ["import", "actuals", "--help"]):
        out = CliRunner().invoke(app, args, env={"COLUMNS": "200"}).output
        assert "Import sales" in out


def test_scenario_show(demo_db: str) -> None:
    name = json.loads(run_ok(demo_db, "scenario", "list", "--json"))[0]["name"]
    out = run_ok(demo_db, "scenario", "show", name)
    assert name in out
    shown = json.loads(run_ok(demo_db, "scenario", "show", name, "--json"))
    assert [s["name"] for s in shown["scenarios"]] == [name]


def test_import_actuals_imports_like_actuals_import(demo_db: str, tmp_path: Path) -> None:
    accounts = json.loads(run_ok(demo_db, "accounts", "list", "--limit", "2", "--json"))
    ids = [a["external_id"] for a in accounts["accounts"]]
    sales = tmp_path / "sales.csv"
    sales.write_text(
        "account_id,date,amount\n"
        + "".join(f"{i},2026-03-0{n + 1},1200\n" for n, i in enumerate(ids)),
        encoding="utf-8",
    )
    report = json.loads(run_ok(demo_db, "import", "actuals", str(sales), "--json"))
    assert report["rows"] == len(ids)


@pytest.mark.parametrize(
    "args", [["status"], ["import", "accounts"], ["design"], ["assign"], ["--help"]]
)
def test_flags_are_shown_as_flags(args: list[str]) -> None:
    out = CliRunner().invoke(app, [*args, "--help"], env={"COLUMNS": "200"}).output
    assert "<bool>" not in out
    assert not re.search(r"--no-(allow|apply|contiguous|replace|rebalance|reset)", out)


# --- no workspace, no file -------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["status"],
        ["accounts", "list"],
        ["reps", "list"],
        ["scenario", "list"],
        ["assess"],
        ["quota", "show"],
        ["goals", "list"],
        ["audit"],
        ["scenario", "history"],
    ],
)
def test_reading_an_empty_folder_creates_nothing(
    args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TERRITORIAL_DB", raising=False)
    result = CliRunner().invoke(app, args, env={"COLUMNS": "200"})
    assert result.exit_code == 1
    assert "no workspace" in result.output
    assert "territorial demo" in result.output and "territorial init" in result.output
    assert list(tmp_path.iterdir()) == []


def test_a_missing_db_file_is_not_created(tmp_path: Path) -> None:
    db = tmp_path / "nowhere.db"
    result = CliRunner().invoke(app, ["status", "--db", str(db)])
    assert result.exit_code == 1 and "no workspace" in result.output
    assert not db.exists()
    assert CliRunner().invoke(app, ["init", "--db", str(db)]).exit_code == 0
    assert db.exists()
    assert CliRunner().invoke(app, ["status", "--db", str(db)]).exit_code == 0


# --- readable at 80 and 120 columns ---------------------------------------------------


@pytest.mark.parametrize("width", [80, 120])
def test_assess_fits_and_names_reps(demo_db: str, width: int) -> None:
    result = invoke(demo_db, width, "assess")
    assert result.exit_code == 0, result.output
    out = result.output
    assert CUT not in out
    assert max(len(line) for line in out.splitlines()) <= width
    rows = table_rows(out)
    reps = rep_names(demo_db)
    assert sum(1 for r in rows if r[1] in reps) >= 10  # reps by name, whole
    assert "--wide" in out  # the columns left out are named, with the way to see them
    wide = invoke(demo_db, width, "assess", "--wide").output
    assert "home→centre km" in wide and "competitors" in wide


@pytest.mark.parametrize("width", [80, 120])
def test_assess_deviations_are_percentages(demo_db: str, width: int) -> None:
    rows = table_rows(invoke(demo_db, width, "assess").output)
    deviations = [cell for r in rows for cell in r if re.fullmatch(r"[+-]\d+%", cell)]
    assert len(deviations) >= 15


@pytest.mark.parametrize("width", [80, 120])
def test_quota_tables_fit_with_rep_names(demo_db: str, width: int) -> None:
    set_out = invoke(
        demo_db, width, "quota", "set", "--period", "2027", "--total", "46000000", "--round", "1000"
    )
    assert set_out.exit_code == 0, set_out.output
    for out in (set_out.output, invoke(demo_db, width, "quota", "show").output):
        assert CUT not in out
        assert max(len(line) for line in out.splitlines()) <= width
        rows = [r for r in table_rows(out) if len(r) >= 3]
        assert sum(1 for r in rows if r[1] in rep_names(demo_db)) >= 10
        quotas = [r[2] for r in rows]
        assert all(re.fullmatch(r"\d{1,3}(,\d{3})*", q) for q in quotas), quotas
        assert sum(int(q.replace(",", "")) for q in quotas) == pytest.approx(46_000_000, rel=1e-3)


@pytest.mark.parametrize("width", [80, 120])
def test_lists_fit(demo_db: str, width: int) -> None:
    for args in (["accounts", "list"], ["reps", "list"]):
        out = invoke(demo_db, width, *args).output
        assert CUT not in out, args
        assert max(len(line) for line in out.splitlines()) <= width


# --- numbers as people write them ------------------------------------------------------


def test_goal_sentences_have_no_scientific_notation(demo_db: str) -> None:
    run_ok(
        demo_db,
        "goals",
        "add",
        "--territory",
        "West-1",
        "--metric",
        "revenue",
        "--baseline",
        "1000000",
        "--target",
        "4600000",
        "--start",
        "2026-01-01",
        "--due",
        "2026-12-31",
    )
    goals = json.loads(run_ok(demo_db, "goals", "list", "--as-of", "2026-06-30", "--json"))
    sentence = next(g["sentence"] for g in goals if g["target"] == 4_600_000)
    assert "4,600,000" in sentence and "1,000,000" in sentence
    assert not re.search(r"\de[+-]\d", sentence)
    table = invoke(demo_db, 120, "goals", "list", "--as-of", "2026-06-30").output
    assert "4,600,000" in table and not re.search(r"\de[+-]\d", table)


# --- long lists: the count and the way to see them all --------------------------------


def test_long_lists_say_how_to_see_all(demo_db: str) -> None:
    out = invoke(demo_db, 120, "accounts", "list").output
    total = json.loads(run_ok(demo_db, "accounts", "list", "--json", "--limit", "1"))["total"]
    assert f"50 of {total:,} shown" in out and "--limit 0" in out
    full = invoke(demo_db, 200, "accounts", "list", "--limit", "0").output
    assert "shown:" not in full
    findings = json.loads(run_ok(demo_db, "assess", "--json"))["findings"]
    assert len(findings) > 15
    few = invoke(demo_db, 120, "assess").output
    assert f"and {len(findings) - 15} more" in few and "--findings 0" in few
    every = invoke(demo_db, 200, "assess", "--findings", "0").output
    assert "more:" not in every
    assert sum(1 for f in findings if f["text"] in every) == len(findings)
