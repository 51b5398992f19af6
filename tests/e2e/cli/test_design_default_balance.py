"""Without --balance, a design balances what the workspace has data for: a CRM export
with no potential column is balanced on revenue and workload, not refused."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.cli.conftest import Run


def test_a_crm_export_without_potential_is_designed_on_revenue_and_workload(
    run: Run, fixtures: Path
) -> None:
    imported = run("import", "accounts", fixtures / "salesforce_accounts.csv")
    assert imported.exit_code == 0, imported.output
    result = run(
        "design", "-p", "2", "--name", "CRM", "--tolerance", "50%", "--iterations", "2", "--json"
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["balance"] == ["revenue", "workload"]
    assert set(out["segments"][0]["max_deviation"]) == {"revenue", "workload"}
    asked = run("design", "-p", "2", "--name", "Pot", "--balance", "potential", "--json")
    assert asked.exit_code == 1 and "potential is 0 for every account" in asked.output
    # the trade-off redesigns the imported owners' territories, so one big account needs
    # a wide tolerance there
    traded = run("tradeoff", "--caps", "0", "--tolerance", "150%", "--time-limit", "1", "--json")
    assert traded.exit_code == 0, traded.output
    assert set(json.loads(traded.output)[0]["max_deviation"]) == {"revenue", "workload"}
