"""Importing CRM exports through the CLI, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from tests.e2e.cli.conftest import Run


def _status(run: Run) -> dict[str, object]:
    result = run("status", "--json")
    assert result.exit_code == 0, result.output
    data: dict[str, object] = json.loads(result.output)
    return data


@pytest.mark.parametrize(
    ("name", "fmt", "rows"),
    [
        ("salesforce_accounts.csv", "salesforce", 9),
        ("hubspot_companies.csv", "hubspot", 9),
        ("zoho_accounts_cp1252.csv", "zoho", 8),
    ],
)
def test_each_crm_export_imports(run: Run, fixtures: Path, name: str, fmt: str, rows: int) -> None:
    result = run("import", "accounts", fixtures / name, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["format"] == fmt
    assert report["added"] == rows
    assert sum(report["located"].values()) == rows
    assert _status(run)["accounts"] == rows


def test_reimport_creates_no_duplicates(run: Run, fixtures: Path) -> None:
    path = fixtures / "salesforce_accounts.csv"
    assert run("import", "accounts", path).exit_code == 0
    again = run("import", "accounts", path, "--json")
    report = json.loads(again.output)
    assert (report["added"], report["updated"], report["unchanged"]) == (0, 0, 9)
    assert _status(run)["accounts"] == 9


def test_owner_column_becomes_the_active_alignment_and_reps_link(run: Run, fixtures: Path) -> None:
    run("import", "accounts", fixtures / "salesforce_accounts.csv")
    status = _status(run)
    assert status["active"] == "Current"
    territories = status["territories"]
    assert isinstance(territories, list)
    assert sum(t["accounts"] for t in territories) == 9
    assert all(t["rep"] is None for t in territories)
    assert run("import", "reps", fixtures / "reps_template.csv").exit_code == 0
    linked = _status(run)["territories"]
    assert isinstance(linked, list)
    assert {t["name"]: t["rep"] for t in linked}["Jane Smith"] == "Jane Smith"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("broken_types.csv", "row 2, column 'AnnualRevenue'"),
        ("broken_duplicates.csv", "row"),
        ("broken_missing_columns.csv", "broken_missing_columns.csv"),
        ("broken_formulas.csv", "formula"),
        ("broken_binary.csv", "broken_binary.csv"),
        ("empty.csv", "empty.csv"),
        ("header_only.csv", "header_only.csv"),
    ],
)
def test_broken_file_is_rejected_and_database_unchanged(
    run: Run, fixtures: Path, name: str, expected: str
) -> None:
    run("import", "accounts", fixtures / "salesforce_accounts.csv")
    before = run("export", "accounts", "-o", "/dev/stdout").output
    result = run("import", "accounts", fixtures / name)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert expected in result.output
    assert "Nothing was imported" in result.output
    assert run("export", "accounts", "-o", "/dev/stdout").output == before


def test_one_bad_row_rejects_the_whole_file(run: Run, fixtures: Path, tmp_path: Path) -> None:
    path = tmp_path / "accounts.csv"
    shutil.copy(fixtures / "salesforce_accounts.csv", path)
    with path.open(encoding="utf-8-sig") as handle:
        header = next(csv.reader(handle))
        rows = sum(1 for _ in csv.reader(handle))
    with path.open("a", encoding="utf-8", newline="") as handle:
        row = dict.fromkeys(header, "")
        row.update(Id="001BAD", Name="Bad Row Inc", BillingPostalCode="99999")
        csv.DictWriter(handle, header).writerow(row)
    result = run("import", "accounts", path)
    assert result.exit_code == 1
    assert f"row {rows + 2}, column 'BillingPostalCode' (value '99999')" in result.output
    assert _status(run)["accounts"] == 0


def test_mapping_imports_a_custom_file(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "custom.csv"
    path.write_text("Cust No,Customer,Post Code\nC1,Alpha,02139\nC2,Beta,10001\n", encoding="utf-8")
    result = run(
        "import",
        "accounts",
        path,
        "--map",
        "Cust No=external_id",
        "--map",
        "Customer=name,Post Code=zip",
        "--json",
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["added"] == 2


def test_unlocated_rows_need_the_flag(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("external_id,name,zip\nA1,Alpha,02139\nA2,Nowhere,\n", encoding="utf-8")
    refused = run("import", "accounts", path)
    assert refused.exit_code == 1
    assert "row 3" in refused.output
    assert "--allow-unlocated" in refused.output  # the way on, beside fixing the row
    nameless = tmp_path / "n.csv"
    nameless.write_text("external_id,name,zip\nA1,,02139\n", encoding="utf-8")
    other = run("import", "accounts", nameless)
    assert other.exit_code == 1 and "--allow-unlocated" not in other.output
    result = run("import", "accounts", path, "--allow-unlocated", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["located"]["unlocated"] == 1
    assert "A2" in report["unlocated"][0]


def test_export_accounts_has_every_field(run: Run, fixtures: Path, tmp_path: Path) -> None:
    run("import", "accounts", fixtures / "hubspot_companies.csv")
    out = tmp_path / "out.csv"
    assert run("export", "accounts", "-o", out).exit_code == 0
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 9
    for column in ("external_id", "latitude", "longitude", "located_by", "potential"):
        assert column in rows[0]
    assert all(r["latitude"] and r["located_by"] in ("zip", "city", "coordinates") for r in rows)


def test_a_crm_export_without_potential_designs_on_measures_it_has(
    run: Run, fixtures: Path
) -> None:
    """Without --balance, a HubSpot export (no potential) is designed on revenue and
    workload; asked for potential, a one-line reason names the measures with data."""
    assert run("import", "accounts", fixtures / "hubspot_companies.csv").exit_code == 0
    refused = run("design", "-p", "2", "--name", "Pot", "--balance", "potential")
    assert refused.exit_code == 1
    assert "potential is 0 for every account" in refused.output
    assert "--balance revenue,workload" in refused.output
    assert [s["name"] for s in _status(run)["scenarios"]] == ["Current"]
    args = ("-p", "2", "--name", "Default", "--tolerance", "50%", "--iterations", "2")
    designed = run("design", *args, "--json")
    assert designed.exit_code == 0, designed.output
    out = json.loads(designed.output)
    assert out["balance"] == ["revenue", "workload"]
    assert set(out["segments"][0]["max_deviation"]) == {"revenue", "workload"}


def test_the_tradeoff_of_a_crm_export_balances_revenue_and_workload(
    run: Run, fixtures: Path
) -> None:
    assert run("import", "accounts", fixtures / "salesforce_accounts.csv").exit_code == 0
    # one account is a third of the revenue: a wide tolerance
    traded = run("tradeoff", "--caps", "0", "--tolerance", "150%", "--time-limit", "1", "--json")
    assert traded.exit_code == 0, traded.output
    assert set(json.loads(traded.output)[0]["max_deviation"]) == {"revenue", "workload"}


def test_unknown_database_url_is_a_one_line_error(run: Run) -> None:
    from typer.testing import CliRunner

    from territorial.cli.main import app

    result = CliRunner().invoke(app, ["status", "--db", "nosuchdialect://x"])
    assert result.exit_code == 1
    assert result.output.startswith("error:")
    assert "Traceback" not in result.output


def _owner_files(tmp_path: Path) -> tuple[Path, Path]:
    reps = tmp_path / "reps.csv"
    reps.write_text(
        "Id,Name,Email,PostalCode\n"
        "005A00000000001AAA,Ava Brooks,ava@acme.example,98101\n"
        "005A00000000002AAA,Liam Chen,liam@acme.example,94105\n",
        encoding="utf-8",
    )
    accounts = tmp_path / "accounts.csv"
    accounts.write_text(
        "Id,Name,BillingPostalCode,AnnualRevenue,OwnerId\n"
        "001A1,Alpha,98109,100,005A00000000001AAA\n"
        "001A2,Beta,98052,200,005A00000000001AAA\n"
        "001A3,Gamma,94110,300,liam@acme.example\n"
        "001A4,Delta,10001,400,Someone Else\n",
        encoding="utf-8",
    )
    return reps, accounts


def _territory_reps(run: Run) -> dict[str, object]:
    territories = _status(run)["territories"]
    assert isinstance(territories, list)
    return {t["name"]: t["rep"] for t in territories}


def test_territories_owned_by_a_known_rep_are_named_after_the_rep(run: Run, tmp_path: Path) -> None:
    """A CRM's owner column often holds a user id or an email: the territory takes the
    name of the rep it matches, and a re-import keeps the same territories."""
    reps, accounts = _owner_files(tmp_path)
    assert run("import", "reps", reps).exit_code == 0
    listed = run("reps", "list", "--wide")
    assert "ZIP 98101" in listed.output, listed.output  # a home given by its ZIP alone
    assert run("import", "accounts", accounts).exit_code == 0
    expected = {"Ava Brooks": "Ava Brooks", "Liam Chen": "Liam Chen", "Someone Else": None}
    assert _territory_reps(run) == expected
    assert run("import", "accounts", accounts).exit_code == 0
    assert _territory_reps(run) == expected
    # the reasons of `assign` name each rep once, and claim no experience the file lacks
    assigned = run("assign").output
    assert "  Ava Brooks: home " in assigned and "Ava Brooks: Ava Brooks" not in assigned
    assert "of experience for" not in assigned
    assert "No rep has years of experience on record" in assigned


def test_a_territory_named_after_an_owner_id_keeps_its_name(run: Run, tmp_path: Path) -> None:
    """Accounts imported before the reps name their territories after the owner as
    written; importing them again once the reps are known does not split them."""
    reps, accounts = _owner_files(tmp_path)
    assert run("import", "accounts", accounts).exit_code == 0
    assert run("import", "reps", reps).exit_code == 0
    expected = {
        "005A00000000001AAA": "Ava Brooks",
        "liam@acme.example": "Liam Chen",
        "Someone Else": None,
    }
    assert _territory_reps(run) == expected
    assert run("import", "accounts", accounts).exit_code == 0
    assert _territory_reps(run) == expected


def test_the_import_says_in_words_how_accounts_were_placed(run: Run, tmp_path: Path) -> None:
    accounts = tmp_path / "accounts.csv"
    accounts.write_text(
        "Id,Name,BillingCity,BillingState,BillingPostalCode\n"
        "1,Gator Supply,Gainsville,FL,\n2,Bay Tools,Tampa,FL,\n3,Zip Co,,,33602\n",
        encoding="utf-8",
    )
    result = run("import", "accounts", accounts)
    assert result.exit_code == 0, result.output
    assert "located: 1 by ZIP, 1 by city, 1 by a guessed city" in result.output, result.output
    status = run("status").output
    assert "(1 by ZIP, 1 by city, 1 by a guessed city)" in status, status
