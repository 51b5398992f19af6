"""Fuzzing the CLI with Hypothesis: arbitrary CSV bytes and numeric option values.

Whatever the input, a command either succeeds or ends in a clean error: exit code 1 or
2, no traceback, the file (or option) named; and a refused import leaves the database
exactly as it was.
"""

from __future__ import annotations

import hashlib
import math
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from territorial.cli.main import app

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "imports"
FUZZ = settings(
    max_examples=30, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
runner = CliRunner()

ACCOUNT_HEADERS = [
    "Id",
    "Name",
    "BillingPostalCode",
    "BillingCity",
    "BillingState",
    "BillingLatitude",
    "BillingLongitude",
    "AnnualRevenue",
    "Owner",
    "Type",
    "external_id",
    "territory",
    "potential",
    "Extra",
]
REP_HEADERS = [
    "external_id",
    "name",
    "email",
    "home_zip",
    "home_latitude",
    "home_longitude",
    "skills",
    "years_experience",
    "capacity_hours_per_week",
    "yearly_cost",
]
CELLS = st.one_of(
    st.sampled_from(
        [
            "",
            "A1",
            "A2",
            "Acme",
            "10001",
            "02139",
            "42.36",
            "-71.06",
            "1e400",
            "nan",
            "-5",
            "=1+1",
            "@SUM(A1)",
            "'=x",
            "Boston",
            "MA",
            "Customer",
            '"',
            '""',
            ",",
            "\n",
            "\r\n",
            "[/x]",
            "\ufeff",
            "\x00",
            "é",
        ]
    ),
    st.text(max_size=12),
)


def _row(cells: list[str], delimiter: str) -> str:
    out = []
    for cell in cells:
        needs = any(ch in cell for ch in (delimiter, '"', "\n", "\r"))
        out.append('"' + cell.replace('"', '""') + '"' if needs else cell)
    return delimiter.join(out)


@st.composite
def csv_bytes(draw: st.DrawFn, headers: list[str]) -> bytes:
    """CSV-like bytes: a real-looking header, odd rows, odd quoting, odd encodings, cut."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=300))
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    header = draw(st.lists(st.sampled_from(headers), min_size=1, max_size=7))
    rows = [header]
    for _ in range(draw(st.integers(0, 6))):
        width = draw(st.integers(0, len(header) + 2))
        rows.append(draw(st.lists(CELLS, min_size=width, max_size=width)))
    text = "\n".join(_row(r, delimiter) for r in rows) + draw(st.sampled_from(["", "\n"]))
    if draw(st.booleans()):
        text = text.replace('""', '"', draw(st.integers(1, 3)))  # break the quoting
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
    data = text.encode(encoding, errors="replace")
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]  # truncated file
    return data


def digest(db: str) -> str:
    conn = sqlite3.connect(db)
    try:
        return hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()
    finally:
        conn.close()


def assert_ok_or_clean(result: Result, *named: str) -> None:
    if result.exit_code == 0:
        assert result.exception is None, repr(result.exception)
        return
    assert result.exit_code in (1, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        repr(result.exception),
        result.output,
    )
    assert "Traceback" not in result.output
    assert any(n in result.output for n in named), result.output


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    folder = tmp_path_factory.mktemp("fuzz")
    db = str(folder / "w.db")
    for kind, name in (("reps", "reps_template.csv"), ("accounts", "salesforce_accounts.csv")):
        result = runner.invoke(app, ["import", kind, str(FIXTURES / name), "--db", db])
        assert result.exit_code == 0, result.output
    return db, folder


def _fuzz_import(workspace: tuple[str, Path], kind: str, data: bytes) -> None:
    db, folder = workspace
    path = folder / f"fuzz_{kind}.csv"
    path.write_bytes(data)
    before = digest(db)
    result = runner.invoke(app, ["import", kind, str(path), "--db", db])
    assert_ok_or_clean(result, str(path))
    if result.exit_code != 0:
        assert digest(db) == before, "a refused import changed the database"


@FUZZ
@given(data=csv_bytes(ACCOUNT_HEADERS))
def test_import_accounts_any_bytes(workspace: tuple[str, Path], data: bytes) -> None:
    _fuzz_import(workspace, "accounts", data)


@FUZZ
@given(data=csv_bytes(REP_HEADERS))
def test_import_reps_any_bytes(workspace: tuple[str, Path], data: bytes) -> None:
    _fuzz_import(workspace, "reps", data)


NUMBERS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(
        [
            "nan",
            "-nan",
            "inf",
            "-inf",
            "1e400",
            "-1e400",
            "0",
            "-0",
            "1e-400",
            "0x10",
            "1_000",
            "",
            " ",
            "1,5",
            "abc",
        ]
    ),
)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(option=st.sampled_from(["--detour", "--speed", "--tolerance", "--findings"]), value=NUMBERS)
def test_assess_numeric_options(workspace: tuple[str, Path], option: str, value: str) -> None:
    db, _ = workspace
    result = runner.invoke(app, ["assess", "--json", f"{option}={value}", "--db", db])
    assert_ok_or_clean(result, option)


@settings(max_examples=30, deadline=None, derandomize=True)
@given(option=st.sampled_from(["--total", "--round"]), value=NUMBERS)
def test_quota_amounts(workspace: tuple[str, Path], option: str, value: str) -> None:
    db, _ = workspace
    values = {"--total": "1000000", "--round": "1", option: value}
    result = runner.invoke(
        app,
        [
            "quota",
            "set",
            "--period",
            "2026",
            "--total",
            values["--total"],
            "--round",
            values["--round"],
            "--json",
            "--db",
            db,
        ],
    )
    assert_ok_or_clean(result, option)


@settings(max_examples=15, deadline=None, derandomize=True)
@given(
    option=st.sampled_from(["--speed", "--detour", "--time-limit"]),
    value=st.one_of(st.floats(max_value=0.0), st.sampled_from([math.nan, math.inf, -math.inf])).map(
        repr
    ),
)
def test_design_numeric_options(workspace: tuple[str, Path], option: str, value: str) -> None:
    """Out-of-range values only (for all three options): a valid one would start a design."""
    db, _ = workspace
    result = runner.invoke(
        app,
        [
            "design",
            "-p",
            "2",
            "--name",
            "Fuzz",
            "--replace",
            "--iterations",
            "1",
            f"{option}={value}",
            "--db",
            db,
        ],
    )
    assert_ok_or_clean(result, option)
