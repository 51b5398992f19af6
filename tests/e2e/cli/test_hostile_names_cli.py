"""Names that look like Rich markup print as text in every command, and crash nothing.

A workspace whose territories, reps, accounts, scenario, goals and plan are named with
markup (``East [/x]``, ``[link=...]``, ``[bold]``, emoji codes) is built once; every
read command runs on it, must exit 0 and must print the names literally. What is left
once the names are cut out must hold no markup of ours either (all styling goes through
``Text``, since the consoles read no markup).
"""

from __future__ import annotations

import csv
import random
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from territorial.cli.main import app

# short enough for the widest table (assess: 14 columns) not to fold them
TERRITORIES = ["East [/x]", "[link=h]W[/]", "[bold]N[/]", ":smile:S[red]"]
REPS = ["Ann [/] L", "[link=h]B[/]", "[italic]C", ":smile: D"]
ACCOUNT = "[bold red]Acme[/] [/x]"
SCENARIO = "Plan [/p]"
STRATEGY = "[blink]Win[/blink] hospitals"
NAMES = [*TERRITORIES, *REPS, ACCOUNT, SCENARIO, STRATEGY]
CENTRES = [(42.36, -71.06), (37.77, -122.42), (45.0, -93.3), (29.76, -95.37)]

runner = CliRunner()


def _write_workspace_files(folder: Path) -> tuple[Path, Path, Path]:
    rng = random.Random(7)
    accounts = folder / "accounts.csv"
    with accounts.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(
            [
                "external_id",
                "name",
                "latitude",
                "longitude",
                "potential",
                "annual_revenue",
                "territory",
                "owner",
            ]
        )
        for i in range(48):
            t = i % 4
            lat, lon = CENTRES[t]
            name = ACCOUNT if i == 0 else f"Account {i}"
            w.writerow(
                [
                    f"A{i:03}",
                    name,
                    lat + rng.uniform(-1, 1),
                    lon + rng.uniform(-1, 1),
                    rng.randint(1000, 9000),
                    rng.randint(500, 5000),
                    TERRITORIES[t],
                    REPS[t],
                ]
            )
    reps = folder / "reps.csv"
    with reps.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["external_id", "name", "home_latitude", "home_longitude"])
        for t, name in enumerate(REPS):
            w.writerow([f"R{t}", name, *CENTRES[t]])
    sales = folder / "sales.csv"
    with sales.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["account_external_id", "date", "amount"])
        for i in range(48):
            for month in (1, 4, 7):
                w.writerow([f"A{i:03}", f"2026-{month:02}-15", rng.randint(100, 900)])
    return accounts, reps, sales


def _run(db: str, *args: str) -> str:
    result = runner.invoke(app, [*args, "--db", db], env={"COLUMNS": "250"})
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        args,
        result.output,
    )
    assert result.exit_code == 0, (args, result.output)
    return result.output


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("hostile")
    db = str(folder / "hostile.db")
    accounts, reps, sales = _write_workspace_files(folder)
    _run(db, "import", "reps", str(reps))
    _run(db, "import", "accounts", str(accounts))
    _run(db, "actuals", "import", str(sales))
    return db


def _assert_literal(output: str, *names: str) -> None:
    for name in names:
        assert name in output, f"{name!r} not printed literally in:\n{output}"
    rest = output
    for name in NAMES:
        rest = rest.replace(name, "")
    leftover = re.findall(r"\[/?(?:bold|red|green|yellow|dim|cyan|italic|link)[^\]]*\]|\[/\]", rest)
    assert not leftover, f"markup printed as text: {leftover} in:\n{output}"


def test_every_read_command_prints_hostile_names_as_text(hostile_db: str) -> None:
    db = hostile_db
    _assert_literal(_run(db, "status"), *TERRITORIES, *REPS)
    _assert_literal(_run(db, "assess"), *TERRITORIES, *REPS)
    _assert_literal(_run(db, "accounts", "list", "--search", "Acme"), ACCOUNT)
    _assert_literal(_run(db, "reps", "list"), *REPS)
    _assert_literal(_run(db, "assign"), *TERRITORIES, *REPS)
    _run(db, "size")
    out = _run(
        db,
        "design",
        "-p",
        "4",
        "--name",
        SCENARIO,
        "--iterations",
        "1",
        "--time-limit",
        "20",
        "--balance",
        "potential",
        "--tolerance",
        "50%",
    )
    _assert_literal(out, SCENARIO)
    _assert_literal(_run(db, "scenarios", "list"), SCENARIO)
    _assert_literal(_run(db, "assess", "--scenario", SCENARIO), SCENARIO)
    _run(db, "compare", "Current", SCENARIO)
    _assert_literal(
        _run(db, "quota", "set", "--period", "2026", "--total", "1000000"), *TERRITORIES
    )
    _assert_literal(_run(db, "quota", "show", "--period", "2026"), *TERRITORIES)
    _run(
        db,
        "goals",
        "add",
        "--territory",
        TERRITORIES[0],
        "--metric",
        "revenue",
        "--baseline",
        "0",
        "--target",
        "5000",
        "--start",
        "2026-01-01",
        "--due",
        "2026-12-31",
    )
    _assert_literal(_run(db, "goals", "list", "--as-of", "2026-08-01"), TERRITORIES[0])
    _run(db, "plan", "edit", TERRITORIES[1], "--strategies", STRATEGY)
    _assert_literal(_run(db, "plan", "show", TERRITORIES[1]), TERRITORIES[1], STRATEGY)
    _assert_literal(_run(db, "monitor", "--period", "2026", "--as-of", "2026-08-01"), *TERRITORIES)
    _run(db, "lock", "A000", "--to", TERRITORIES[2])
    _run(db, "jobs", "list")
    _assert_literal(_run(db, "scenario", "history"), SCENARIO)
    out = _run(db, "publish", SCENARIO, "--effective", "2026-09-01", "--force")
    _assert_literal(out, SCENARIO)
