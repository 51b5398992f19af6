"""A CRM export without potential: the assessment's territory tables (web page, CLI,
printable report) leave out the potential columns instead of showing a column of zeros
that would read as perfect balance; the JSON twin names the measures without data."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.web.login import logged_in
from typer.testing import CliRunner

from territorial.cli.main import app
from territorial.services.imports import import_accounts
from territorial.services.reports import assessment_context
from territorial.services.workspace import open_workspace

ACCOUNTS = """Id,Name,BillingCity,BillingState,AnnualRevenue,Owner
1,Bay Tools,Tampa,FL,100000,ann@example.com
2,Gulf Supply,Orlando,FL,250000,ann@example.com
3,Peach Parts,Atlanta,GA,180000,bob@example.com
4,River Works,Savannah,GA,90000,bob@example.com
"""


def test_territory_tables_leave_out_a_measure_without_data(tmp_path: Path) -> None:
    db = str(tmp_path / "crm.db")
    csv = tmp_path / "accounts.csv"
    csv.write_text(ACCOUNTS, encoding="utf-8")
    import_accounts(open_workspace(db), csv)
    with logged_in(db) as client:
        page = client.get("/assess").text
        data = client.get("/api/assess").json()
    assert "potential" in data["summary"]["measures_without_data"]
    assert "revenue" not in data["summary"]["measures_without_data"]
    table = page[page.index('id="territories"') : page.index("</table>")]
    assert "Δ revenue" in table and "Revenue" in table
    assert "Potential" not in table and "Δ potential" not in table

    cli = CliRunner().invoke(app, ["assess"], env={"TERRITORIAL_DB": db, "COLUMNS": "200"})
    assert cli.exit_code == 0, cli.output
    header = next(line for line in cli.output.splitlines() if "territory" in line)
    assert "revenue" in header and "potential" not in header

    report = assessment_context(open_workspace(db))
    assert "potential" not in report["judged"] and "potential" not in report["charts"]
