"""The CRM files, maps and reports as downloads of the web app, listed on /exports."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from tests.e2e.web.login import logged_in

from territorial.domain.users import Role
from territorial.services.imports import import_accounts, import_reps
from territorial.storage import UnitOfWork

CRM = Path(__file__).resolve().parents[2] / "fixtures" / "crm"


def test_downloads_listed_and_served(tmp_path: Path) -> None:
    db = str(tmp_path / "crm.db")
    uow = UnitOfWork.open(db)
    import_reps(uow, CRM / "sf_reps.csv")
    import_accounts(uow, CRM / "sf_accounts.csv")
    with logged_in(db, "manager", Role.MANAGER) as client:
        listed = client.get("/api/exports", params={"scenario": "Current"}).json()
        urls = {d["name"]: d["url"] for d in listed["downloads"]}
        assert urls["kml"] == "/downloads/kml.kml?scenario=Current"
        assert urls["rep-pack"] == "/reports/rep-pack.pdf?scenario=Current"
        page = client.get("/exports").text
        assert 'id="cy-download-salesforce"' in page and 'action="/reports/rep-pack.pdf"' in page
        # the scenario's own page offers every export and report, and a pack per rep
        scenario_page = client.get("/scenarios/Current").text
        for name in ("salesforce", "hubspot", "zoho", "geojson", "kml", "gpkg", "assessment"):
            assert f'data-testid="cy-download-{name}"' in scenario_page, name
        assert "/reports/rep-pack.html?rep=" in scenario_page

        hubspot = client.get(urls["hubspot"])
        assert hubspot.status_code == 200 and hubspot.text.startswith("Record ID,")
        # R-3 has no Salesforce User Id and the web has no User export: a clear 400
        refused = client.get(urls["salesforce"])
        assert refused.status_code == 400 and "R-3" in refused.text
        geo = client.get(urls["geojson"])
        assert geo.headers["content-type"].startswith("application/geo+json")
        assert len(json.loads(geo.content)["features"]) == 3 + 8
        gpkg = client.get(urls["gpkg"])
        assert gpkg.status_code == 200 and gpkg.content[:16] == b"SQLite format 3\x00"
        pack = client.get("/reports/rep-pack.html", params={"rep": "Jane Smith"})
        assert pack.status_code == 200 and "Acme Robotics" in pack.text
        pdf = client.get("/reports/assessment.pdf")
        assert pdf.status_code == 200 and pdf.content[:5] == b"%PDF-"
        assert client.get("/reports/rep-pack.pdf").status_code == 400  # no rep named
        assert client.get("/downloads/nothing.csv").status_code == 404


def test_salesforce_zip_when_every_rep_has_a_user_id(tmp_path: Path) -> None:
    db = str(tmp_path / "crm.db")
    uow = UnitOfWork.open(db)
    reps = tmp_path / "reps.csv"
    reps.write_text((CRM / "sf_reps.csv").read_text(encoding="utf-8").replace(
        "R-3,", "005000000000003AAA,"), encoding="utf-8")
    import_reps(uow, reps)
    accounts = tmp_path / "accounts.csv"
    accounts.write_text((CRM / "sf_accounts.csv").read_text(encoding="utf-8"), encoding="utf-8")
    import_accounts(uow, accounts)
    with logged_in(db, "manager", Role.MANAGER) as client:
        response = client.get("/downloads/salesforce.zip")
        assert response.status_code == 200
        names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
        assert "README.txt" in names and "02_Territory2Model_insert.csv" in names
