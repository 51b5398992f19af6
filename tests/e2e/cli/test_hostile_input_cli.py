"""Hostile and broken input: a one-line error naming the file, row or option; no
traceback; exit code 1 or 2; nothing written.

Each case of issue 9's "What we measured" list runs against one small workspace; the
whole database is dumped before and after to prove nothing changed.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from territorial.cli.main import app

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "imports"
runner = CliRunner()


def invoke(db: str, *args: str) -> Result:
    return runner.invoke(app, [*args, "--db", db], env={"COLUMNS": "200"})


def digest(db: str) -> str:
    """Every row of every table, so any write shows."""
    conn = sqlite3.connect(db)
    try:
        return hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()
    finally:
        conn.close()


def assert_clean_error(result: Result, *expected: str) -> None:
    """Exit 1 or 2, no traceback, the error names what is expected."""
    assert result.exit_code in (1, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.output
    for text in expected:
        assert text in result.output, f"{text!r} not in:\n{result.output}"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> str:
    db = str(tmp_path_factory.mktemp("hostile") / "w.db")
    assert invoke(db, "import", "reps", str(FIXTURES / "reps_template.csv")).exit_code == 0
    result = invoke(db, "import", "accounts", str(FIXTURES / "salesforce_accounts.csv"))
    assert result.exit_code == 0, result.output
    return db


@pytest.fixture
def unchanged(workspace: str) -> Iterator[str]:
    """The workspace, checked to be exactly as it was after the test."""
    before = digest(workspace)
    yield workspace
    assert digest(workspace) == before, "the database changed"


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["assess", "--detour", "0"], "--detour"),
        (["assess", "--speed", "-1"], "--speed"),
        (["assess", "--tolerance", "nan"], "--tolerance"),
        (["assess", "--tolerance", "inf"], "--tolerance"),
        (["assess", "--tolerance", "-0.1"], "--tolerance"),
        (["design", "-p", "2", "--name", "X", "--speed", "0"], "--speed"),
        (["design", "-p", "2", "--name", "X", "--time-limit", "nan"], "--time-limit"),
        (["design", "-p", "0", "--name", "X"], "--territories"),
        (["design", "-p", "2", "--name", "X", "--tolerance", "nan"], "--tolerance"),
        (["design", "-p", "2", "--name", "X", "--tolerance", "potential=-5%"], "--tolerance"),
        (["design", "-p", "2", "--name", "X", "--max-moves", "inf"], "--max-moves"),
        (["tradeoff", "--caps", "0,-1"], "--caps"),
        (["quota", "set", "--period", "2026", "--total", "1e400"], "--total"),
        (["quota", "set", "--period", "2026", "--total", "nan"], "--total"),
        (["quota", "set", "--period", "2026", "--total", "inf"], "--total"),
        (["quota", "set", "--period", "2026", "--total", "-5"], "--total"),
        (["quota", "set", "--period", "2026", "--total", "100", "--round", "1e400"], "--round"),
        (["size", "--utilisation", "nan"], "--utilisation"),
        (["monitor", "--cost-per-km", "-inf"], "--cost-per-km"),
        (["plan", "show", "Jane Smith", "--a-share", "nan"], "--a-share"),
        (["jobs", "show", "x", "--wait", "nan"], "--wait"),
        (
            [
                "goals",
                "add",
                "--territory",
                "Jane Smith",
                "--metric",
                "revenue",
                "--baseline",
                "inf",
                "--target",
                "1",
                "--due",
                "2026-12-31",
            ],
            "--baseline",
        ),
    ],
)
def test_bad_numbers_name_the_option(unchanged: str, args: list[str], option: str) -> None:
    assert_clean_error(invoke(unchanged, *args), option)


@pytest.mark.parametrize(
    "command",
    [
        ["export", "accounts"],
        ["export", "assignments"],
        ["export", "quotas"],
        ["export", "assignments-reps"],
        ["export", "goals"],
        ["export", "attainment"],
        ["compare", "Current", "Current"],
    ],
)
def test_output_to_a_folder_or_missing_folder(
    unchanged: str, tmp_path: Path, command: list[str]
) -> None:
    assert_clean_error(invoke(unchanged, *command, "-o", str(tmp_path)), "--output", "folder")
    missing = tmp_path / "no" / "such" / "x.csv"
    assert_clean_error(invoke(unchanged, *command, "-o", str(missing)), "does not exist")
    under_a_file = FIXTURES / "sales.csv" / "x.csv"
    assert_clean_error(invoke(unchanged, *command, "-o", str(under_a_file)), "--output")
    assert list(tmp_path.iterdir()) == []


def test_export_to_stdout_still_works(workspace: str) -> None:
    result = invoke(workspace, "export", "assignments", "-o", "/dev/stdout")
    assert result.exit_code == 0 and "Wrote 9 assignments" in result.output


def test_plan_file_that_is_a_folder_or_binary(unchanged: str, tmp_path: Path) -> None:
    assert_clean_error(
        invoke(unchanged, "plan", "edit", "Jane Smith", "--file", str(tmp_path)), "--file", "folder"
    )
    assert_clean_error(
        invoke(unchanged, "plan", "edit", "Jane Smith", "--file", "/dev/zero"),
        "/dev/zero",
        "not a text file",
    )
    latin = tmp_path / "plan.md"
    latin.write_bytes("## Strategies\n- caf\xe9\n".encode("latin-1"))
    assert_clean_error(
        invoke(unchanged, "plan", "edit", "Jane Smith", "--file", str(latin)),
        "plan.md",
        "line 2",
        "UTF-8",
    )
    deep = tmp_path / "plan.json"
    deep.write_text("[" * 100_000)
    assert_clean_error(
        invoke(unchanged, "plan", "edit", "Jane Smith", "--file", str(deep)),
        "plan.json",
        "not valid JSON",
    )


@pytest.mark.parametrize(
    ("db", "expected"),
    [
        ("/etc/passwd", "file is not a database"),
        ("mysql://x", "unsupported database 'mysql'"),
        ("mysql://user:secret@host/db", "user:***@host"),
        ("oracle+cx_oracle://x", "unsupported database"),
        ("not a url://x", "not a database URL"),
    ],
)
def test_db_that_is_not_a_database(db: str, expected: str) -> None:
    result = runner.invoke(app, ["status", "--db", db])
    assert_clean_error(result, expected)
    assert "secret" not in result.output


def test_db_file_that_is_text_is_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_bytes(b"Id,Name\nA,B\n")
    assert_clean_error(runner.invoke(app, ["status", "--db", str(path)]), "not a database")
    assert path.read_bytes() == b"Id,Name\nA,B\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.csv"]


def test_dev_zero_is_refused_at_once(unchanged: str) -> None:
    assert_clean_error(
        invoke(unchanged, "import", "accounts", "/dev/zero"), "/dev/zero", "not a text file"
    )


def test_file_and_line_limits_name_the_file_and_the_limit(
    unchanged: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "big.csv"
    big.write_text("Id,Name,Zip\n" + "A1,Acme,10001\n" * 200)
    monkeypatch.setenv("TERRITORIAL_MAX_FILE_BYTES", "1000")
    assert_clean_error(
        invoke(unchanged, "import", "accounts", str(big)),
        "big.csv",
        "limit",
        "TERRITORIAL_MAX_FILE_BYTES",
    )
    monkeypatch.delenv("TERRITORIAL_MAX_FILE_BYTES")
    long = tmp_path / "long.csv"
    long.write_text("Id,Name,Zip\nA1,Acme,10001\nA2," + "x" * 5000 + ",10002\n")
    monkeypatch.setenv("TERRITORIAL_MAX_LINE_CHARS", "1000")
    assert_clean_error(
        invoke(unchanged, "import", "accounts", str(long)),
        "long.csv, row 3",
        "TERRITORIAL_MAX_LINE_CHARS",
    )
    wide = tmp_path / "wide.csv"
    wide.write_text("Id,Name,Zip\nA1,Acme,10001\nA2,B," + "1," * 800 + "\n")
    assert_clean_error(invoke(unchanged, "import", "accounts", str(wide)), "wide.csv, row 3")
    monkeypatch.setenv("TERRITORIAL_MAX_LINE_CHARS", "lots")
    assert_clean_error(
        invoke(unchanged, "import", "accounts", str(long)), "TERRITORIAL_MAX_LINE_CHARS='lots'"
    )


CSV_CASES = {
    "short row": (
        b"Id,Name,BillingPostalCode\nA1,Acme,10001\nA2,Beta\n",
        "row 3",
        "--allow-short-rows",
    ),
    "NUL late in the file": (
        b"Id,Name,BillingPostalCode\n" + b"A0,Acme,10001\n" * 6000 + b"A9,Ac\x00me,10001\n",
        "row 6002",
        "NUL",
    ),
    "invalid UTF-8": (
        "Id,Name,BillingPostalCode\nA1,Café,10001\n".encode() + b"A2,Bad\xff,10002\n",
        "row 3",
        "UTF-8",
    ),
    "header only": (b"Id,Name,BillingPostalCode\n", "header but no data rows", ""),
    "duplicate column": (
        b"Id,Name,Name,BillingPostalCode\nA1,Acme,Other,10001\n",
        "column 'Name'",
        "appears twice",
    ),
    "unclosed quote": (b'Id,Name,BillingPostalCode\nA1,"Acme,10001\n', "row", ""),
    "folder": (b"", "folder", ""),
}


@pytest.mark.parametrize("case", sorted(CSV_CASES))
def test_broken_csv_names_file_and_row(unchanged: str, tmp_path: Path, case: str) -> None:
    data, *expected = CSV_CASES[case]
    path = tmp_path / "in.csv"
    if case == "folder":
        path.mkdir()
    else:
        path.write_bytes(data)
    result = invoke(unchanged, "import", "accounts", str(path))
    assert_clean_error(result, str(path), *[e for e in expected if e])


def test_short_rows_accepted_with_the_option(tmp_path: Path) -> None:
    db = str(tmp_path / "w.db")
    path = tmp_path / "short.csv"
    path.write_text("Id,Name,BillingPostalCode,Industry\nA1,Acme,10001\nA2,Beta,10002,Retail\n")
    assert_clean_error(invoke(db, "import", "accounts", str(path)), "row 2")
    ok = invoke(db, "import", "accounts", str(path), "--allow-short-rows")
    assert ok.exit_code == 0, ok.output
    assert "added 2" in ok.output


def test_boms_are_dropped(tmp_path: Path) -> None:
    db = str(tmp_path / "w.db")
    path = tmp_path / "bom.csv"
    path.write_bytes(
        b"\xef\xbb\xbfId,Name,BillingPostalCode\r\nA1,Acme,10001\r\n\xef\xbb\xbfA2,Beta,10002\r\n"
    )
    assert invoke(db, "import", "accounts", str(path)).exit_code == 0
    listed = invoke(db, "accounts", "list", "--json").output
    assert '"A2"' in listed and "\ufeff" not in listed
