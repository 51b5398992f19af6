"""The design form proposes measures the workspace has data for: a CRM export without
a potential column is balanced on revenue and workload, not on an empty potential."""

from __future__ import annotations

import re
import time
from pathlib import Path

from fastapi.testclient import TestClient
from tests.e2e.web.login import logged_in

from territorial.services.imports import import_accounts
from territorial.services.workspace import open_workspace


def _balance_fields(html: str) -> list[str]:
    return re.findall(r'<input name="balance" value="([^"]*)"', html)


def test_the_demo_form_balances_potential_and_workload(client: TestClient) -> None:
    assert _balance_fields(client.get("/design").text) == ["potential,workload"] * 2


def test_without_potential_the_form_balances_revenue_and_workload(tmp_path: Path) -> None:
    db = str(tmp_path / "crm.db")
    csv = tmp_path / "accounts.csv"
    csv.write_text(
        "Id,Name,BillingCity,BillingState,AnnualRevenue,Owner\n"
        "1,Gator Supply,Gainesville,FL,1200000,Ann\n"
        "2,Bay Tools,Tampa,FL,800000,Bob\n",
        encoding="utf-8",
    )
    import_accounts(open_workspace(db), csv)
    with logged_in(db) as client:
        page = client.get("/design").text
        # the form's JSON twin, asked without measures, balances the same ones
        fields = {"name": "Api", "territories": 2, "tolerance": "50%", "time_limit": 1}
        started = client.post("/api/design", json=fields)
        assert started.status_code == 202, started.text
        assert started.json()["params"]["balance"] == ["revenue", "workload"]
        job = started.json()
        end = time.monotonic() + 60
        while job["state"] in ("queued", "running") and time.monotonic() < end:
            time.sleep(0.3)
            job = client.get(f"/api/jobs/{job['id']}").json()
    assert job["state"] == "done", job
    assert _balance_fields(page) == ["revenue,workload"] * 2
