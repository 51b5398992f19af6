"""HTTP tests of the implement cycle in the web app: compare, approve and publish, the
import wizard and exports. Each test that writes gets its own copy of the workspace."""

from __future__ import annotations

import csv
import dataclasses
import io
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.e2e.web.login import logged_in
from tests.e2e.web.workspaces import copy_db

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from territorial.domain import Scenario, ScenarioStatus, Territory
from territorial.domain.users import Role
from territorial.services.compare import compare_scenarios, write_moves_csv
from territorial.services.history import scenario_history
from territorial.services.quotas import set_quotas
from territorial.services.scenarios import resolve_scenario
from territorial.services.workspace import open_workspace
from territorial.storage import UnitOfWork
from territorial.web import api_cycle

TWEAK = "Tweak"  # a draft that moves MOVED accounts and misses its designed tolerance
MOVED = 40
EVIL = "=HYPERLINK(1)"


def make_tweak(uow: UnitOfWork, name: str = TWEAK, moved: int = MOVED) -> None:
    """Copy the active alignment as draft ``name``, moving ``moved`` accounts, with a
    balance spec (potential ±5%) it misses; and quotas for 2026 on the active one."""
    with uow:
        current = resolve_scenario(uow, None)
        labels = sorted(set(current.assignments.values()))
        assignments = dict(current.assignments)
        for i, ext in enumerate(sorted(assignments)[:moved]):
            others = [t for t in labels if t != assignments[ext]]
            assignments[ext] = others[i % len(others)]
        uow.scenarios.save(
            dataclasses.replace(
                current,
                name=name,
                status=ScenarioStatus.DRAFT,
                parent=current.name,
                territories=[dataclasses.replace(t) for t in current.territories],
                assignments=assignments,
                locks={},
                balance_spec={"potential": 0.05},
            )
        )
        uow.commit()


@pytest.fixture(scope="module")
def cycle_template(demo_db: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = str(tmp_path_factory.mktemp("cycle") / "template.db")
    copy_db(demo_db, path)
    uow = open_workspace(path)
    make_tweak(uow)
    set_quotas(uow, period="2026", total=60_000_000, method="potential")
    with uow:  # a territory named like a formula, for the CSV check
        current = resolve_scenario(uow, None)
        first = sorted(current.assignments)[0]
        evil = dataclasses.replace(
            current,
            name="Evil",
            status=ScenarioStatus.DRAFT,
            territories=[*[dataclasses.replace(t) for t in current.territories], Territory(EVIL)],
            assignments={**current.assignments, first: EVIL},
            locks={},
        )
        uow.scenarios.save(evil)
        uow.commit()
    return path


@pytest.fixture
def ws(cycle_template: str, tmp_path: Path) -> str:
    """A fresh copy of the template workspace for one test."""
    path = str(tmp_path / "ws.db")
    copy_db(cycle_template, path)
    return path


@pytest.fixture
def web(ws: str) -> Iterator[TestClient]:
    with logged_in(ws) as test_client:
        yield test_client


def scenario_in(path: str, name: str | None) -> Scenario:
    uow = open_workspace(path)
    with uow:
        return resolve_scenario(uow, name)


def state(path: str) -> tuple[object, ...]:
    """Everything approve/publish/import may change: statuses, events, quotas, accounts."""
    uow = open_workspace(path)
    history = scenario_history(uow).to_dict()
    with uow:
        quotas = {n: [p.label for p in uow.quotas.periods(n)] for n, _ in uow.scenarios.names()}
        accounts = len(uow.accounts.list())
        reps = len(uow.reps.list())
    return (history, quotas, accounts, reps)


# --------------------------------------------------------------------------- compare


def test_compare_page_and_twin_agree_with_the_service(web: TestClient, ws: str) -> None:
    expected = compare_scenarios(open_workspace(ws), "Current", TWEAK)
    page = web.get(f"/compare?a=Current&b={TWEAK}")
    assert page.status_code == 200
    assert 'data-testid="cy-moved">40<' in page.text
    assert page.text.count('<td class="nowrap mono">') == MOVED
    data = web.get(f"/api/compare?a=Current&b={TWEAK}").json()
    assert data["accounts_moved"] == len(expected.moves) == MOVED
    assert data["tolerances"] == {"a": {}, "b": {"potential": 0.05}}
    assert [m["account_id"] for m in data["moves"]] == [m.account_id for m in expected.moves]
    # the designed tolerance colours B's potential deviation (missed here)
    row = page.text.split('data-measure="potential"')[1].split("</tr>")[0]
    assert "cy-miss" in row
    # every rep's book: accounts add up on both sides, distances are there
    reps = data["reps"]
    assert sum(r["accounts_a"] for r in reps) == sum(r["accounts_b"] for r in reps)
    assert all(r["mean_km_a"] is not None for r in reps if r["rep_id"])
    changed = [r for r in reps if r["accounts_a"] != r["accounts_b"]]
    assert changed and reps[0] in changed  # largest change first


def test_compare_defaults_and_bad_input(web: TestClient) -> None:
    page = web.get("/compare")  # default: active vs the newest other scenario
    assert page.status_code == 200 and "Accounts that move" in page.text
    assert web.get("/compare?b=Nope").status_code == 404
    assert web.get("/api/compare?a=Nope&b=Current").status_code == 404
    missing = web.get("/api/compare?a=Current")
    assert missing.status_code == 400 and "scenario b" in missing.json()["error"]
    assert web.get("/compare.csv?a=Current&b=Nope").status_code == 404


def test_moves_csv_is_the_cli_file(web: TestClient, ws: str) -> None:
    response = web.get(f"/compare.csv?a=Current&b={TWEAK}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    expected = io.StringIO()
    write_moves_csv(compare_scenarios(open_workspace(ws), "Current", TWEAK), expected)
    assert response.text == expected.getvalue()
    assert len(list(csv.reader(io.StringIO(response.text)))) == MOVED + 1


# --------------------------------------------------------------------------- approve


def test_scenario_page_and_twin(web: TestClient) -> None:
    page = web.get(f"/scenarios/{TWEAK}")
    assert page.status_code == 200
    assert "Misses of the designed tolerances" in page.text
    assert 'id="cy-approve-force"' in page.text  # the force checkbox is offered
    data = web.get(f"/api/scenarios/{TWEAK}").json()
    assert data["status"] == "draft" and data["can_approve"] and data["can_publish"]
    assert data["balance_check"]["passed"] is False
    assert web.get("/scenarios/Nope").status_code == 404
    assert web.get("/api/scenarios/Nope").status_code == 404
    assert web.get(f"/scenarios/{TWEAK}?effective=July").status_code == 400
    assert "/scenarios/Current" in web.get("/scenarios").text


def test_refused_approve_changes_nothing(web: TestClient, ws: str) -> None:
    before = state(ws)
    page = web.post(f"/scenarios/{TWEAK}/approve", data={})
    assert page.status_code == 400
    assert "Not approved" in page.text and "misses potential ±5%" in page.text
    assert "tick the force box" in page.text and 'id="cy-approve-force"' in page.text
    refused = web.post(f"/api/scenarios/{TWEAK}/approve", json={})
    assert refused.status_code == 400 and "misses potential" in refused.json()["error"]
    assert state(ws) == before
    assert web.post("/scenarios/Nope/approve", data={}).status_code == 404
    assert web.post(f"/api/scenarios/{TWEAK}/approve", json={"force": "maybe"}).status_code == 400


def test_only_an_admin_may_force_an_approval(ws: str) -> None:
    before = state(ws)
    with logged_in(ws, "manager", Role.MANAGER) as manager:
        refused = manager.post(f"/scenarios/{TWEAK}/approve", data={"force": "true"})
        assert refused.status_code == 403 and "needs admin" in refused.text
    assert state(ws) == before


def test_a_manager_approves_and_publishes_a_plan_that_meets_its_tolerances(ws: str) -> None:
    uow = open_workspace(ws)
    with uow:
        current = resolve_scenario(uow, None)
        uow.scenarios.save(
            dataclasses.replace(
                current,
                name="Clean",
                status=ScenarioStatus.DRAFT,
                parent=current.name,
                territories=[dataclasses.replace(t) for t in current.territories],
                assignments=dict(current.assignments),
                locks={},
                balance_spec={},
                version=0,
            )
        )
        uow.commit()
    with logged_in(ws, "manager", Role.MANAGER) as manager:
        assert manager.post("/scenarios/Clean/approve", data={}).status_code in (200, 303)
        published = manager.post("/api/scenarios/Clean/publish", json={"effective": "2026-07-01"})
        assert published.status_code == 200, published.text
        log = manager.get("/api/audit", params={"target": "Clean"}).json()["entries"]
        assert [(e["action"], e["actor"]) for e in log] == [
            ("publish", "manager"),
            ("approve", "manager"),
        ]
    assert scenario_in(ws, None).name == "Clean"


def test_forced_approve_from_the_form(web: TestClient, ws: str) -> None:
    done = web.post(f"/scenarios/{TWEAK}/approve", data={"force": "true"}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].endswith("done=approved")
    page = web.get(done.headers["location"])
    assert "is approved" in page.text and "approved with --force" in page.text
    assert scenario_in(ws, TWEAK).status is ScenarioStatus.APPROVED
    again = web.post(f"/api/scenarios/{TWEAK}/approve", json={"force": True})
    assert again.status_code == 400 and "already approved" in again.json()["error"]
    [entry] = web.get("/api/audit", params={"action": "approve"}).json()["entries"]
    assert entry["actor"] == "admin" and entry["target"] == TWEAK and entry["after"]["forced"]


# --------------------------------------------------------------------------- publish


def test_publish_preview_writes_nothing(web: TestClient, ws: str) -> None:
    before = state(ws)
    data = web.get(f"/api/scenarios/{TWEAK}/publish-preview?effective=2026-07-01").json()
    assert data["previous"] == "Current" and data["moved_accounts"] == MOVED
    assert data["needs_force"] is True
    [quotas] = data["quotas"]
    assert quotas["period"] == "2026" and len(quotas["transfers"]) == MOVED
    assert quotas["sum_after"] == quotas["total"]
    pairs = data["transfer_pairs"][0]
    assert sum(p["accounts"] for p in pairs) == MOVED
    page = web.get(f"/scenarios/{TWEAK}?effective=2026-07-01")
    assert "Quotas 2026" in page.text and 'id="cy-publish-force"' in page.text
    assert state(ws) == before
    bad = web.get(f"/api/scenarios/{TWEAK}/publish-preview?effective=soon")
    assert bad.status_code == 400 and "not a date" in bad.json()["error"]
    assert web.get("/api/scenarios/Nope/publish-preview?effective=2026-07-01").status_code == 404
    active = web.get("/api/scenarios/Current/publish-preview?effective=2026-07-01")
    assert active.status_code == 400 and "already the active" in active.json()["error"]


def test_refused_publish_changes_nothing(web: TestClient, ws: str) -> None:
    before = state(ws)
    no_date = web.post(f"/scenarios/{TWEAK}/publish", data={})
    assert no_date.status_code == 400 and "effective date" in no_date.text
    bad_date = web.post(f"/scenarios/{TWEAK}/publish", data={"effective": "2026-13-01"})
    assert bad_date.status_code == 400 and "not a date" in bad_date.text
    unforced = web.post(f"/scenarios/{TWEAK}/publish", data={"effective": "2026-07-01"})
    assert unforced.status_code == 400 and "Not published" in unforced.text
    assert 'id="cy-publish-force"' in unforced.text
    json_refused = web.post(f"/api/scenarios/{TWEAK}/publish", json={"effective": "2026-07-01"})
    assert json_refused.status_code == 400
    assert web.post(f"/api/scenarios/{TWEAK}/publish", json={}).status_code == 400
    assert state(ws) == before


def test_publish_carries_the_quotas_it_previewed(web: TestClient, ws: str) -> None:
    preview = web.get(f"/api/scenarios/{TWEAK}/publish-preview?effective=2026-07-01").json()
    done = web.post(
        f"/api/scenarios/{TWEAK}/publish",
        json={"effective": "2026-07-01", "force": True},
    )
    assert done.status_code == 200, done.text
    report = done.json()
    assert report["previous"] == "Current" and report["moved_accounts"] == MOVED
    assert report["quotas"][0]["after"] == preview["quotas"][0]["after"]
    assert report["quotas"][0]["transfers"] == preview["quotas"][0]["transfers"]
    assert scenario_in(ws, None).name == TWEAK
    page = web.get(f"/scenarios/{TWEAK}?done=published")
    assert "is the active alignment from 2026-07-01" in page.text
    assert "Current is archived" in page.text


def test_publish_from_the_form_redirects(web: TestClient, ws: str) -> None:
    done = web.post(
        f"/scenarios/{TWEAK}/publish",
        data={"effective": "2026-07-01", "force": "true"},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"].endswith("done=published")
    assert scenario_in(ws, None).name == TWEAK


# --------------------------------------------------------------------------- import

GOOD = (
    "Account ID,Account Name,Billing City,Billing State/Province,Billing Zip/Postal Code,"
    "Annual Revenue\n"
    "NEW-1,Acme Health,Boston,MA,02110,1200000\n"
    "NEW-2,Beta Labs,Chicago,IL,60601,300000\n"
)
BAD = GOOD + "NEW-3,Gamma,Nowhere,ZZ,99999x,-5\n,No Id,Boston,MA,02110,1\n"


def upload(web: TestClient, body: str, name: str = "accounts.csv", **form: str) -> object:
    return web.post("/api/import", files={"file": (name, body.encode(), "text/csv")}, data=form)


def test_import_preview_then_confirm(web: TestClient, ws: str) -> None:
    before = state(ws)
    response = upload(web, GOOD)
    assert response.status_code == 200  # type: ignore[attr-defined]
    data = response.json()  # type: ignore[attr-defined]
    assert data["ok"] and data["format"] == "salesforce" and data["would_add"] == 2
    assert data["columns"]["external_id"] == "Account ID"
    assert data["preview"]["rows"][0][:2] == ["NEW-1", "Acme Health"]
    assert data["preview"]["row_numbers"] == [2, 3]
    assert state(ws) == before  # nothing written yet
    done = web.post("/api/import/confirm", json={"token": data["token"]})
    assert done.status_code == 200, done.text
    assert done.json()["added"] == 2 and done.json()["file"] == "accounts.csv"
    after = state(ws)
    assert after[2] == before[2] + 2  # type: ignore[operator]
    again = web.post("/api/import/confirm", json={"token": data["token"]})
    assert again.status_code == 404  # the upload is gone once imported


def test_import_lists_every_problem_and_writes_nothing(web: TestClient, ws: str) -> None:
    before = state(ws)
    data = upload(web, BAD).json()  # type: ignore[attr-defined]
    assert data["ok"] is False and data["token"] is None
    rows = {p["row"] for p in data["problems"]}
    assert {4, 5} <= rows, data["problems"]
    assert all("/tmp" not in p["message"] for p in data["problems"])
    page = web.post("/import", files={"file": ("accounts.csv", BAD.encode(), "text/csv")})
    assert page.status_code == 200 and "nothing will be imported" in page.text
    assert 'id="cy-import-confirm"' not in page.text and 'id="cy-problems"' in page.text
    assert state(ws) == before


def test_import_wizard_pages(web: TestClient, ws: str) -> None:
    assert web.get("/import").status_code == 200
    page = web.post("/import", files={"file": ("accounts.csv", GOOD.encode(), "text/csv")})
    assert page.status_code == 200 and 'id="cy-import-confirm"' in page.text
    assert "Salesforce account export" in page.text and 'id="cy-mapping"' in page.text
    token = page.text.split('name="token" value="')[1].split('"')[0]
    done = web.post("/import/confirm", data={"token": token})
    assert done.status_code == 200 and "added <strong>2</strong>" in done.text
    assert web.post("/import/confirm", data={"token": token}).status_code == 404
    assert web.post("/import/confirm", data={"token": "x"}).status_code == 400


def test_import_reps_and_mapping(web: TestClient) -> None:
    reps = "Emp No,Full Name,Home ZIP\nR-900,Zed Rep,02110\n"
    data = upload(web, reps, "reps.csv", kind="reps", mapping="Emp No=external_id").json()  # type: ignore[attr-defined]
    assert data["ok"], data["problems"]
    assert data["columns"]["external_id"] == "Emp No" and data["would_add"] == 1
    missing = upload(web, reps, "reps.csv", kind="reps", mapping="Nope=external_id").json()  # type: ignore[attr-defined]
    assert missing["ok"] is False and "not in the file" in missing["problems"][0]["message"]
    bad_map = upload(web, reps, "reps.csv", kind="reps", mapping="no equals sign")
    assert bad_map.status_code == 400  # type: ignore[attr-defined]


def test_import_xlsx(web: TestClient, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    for line in GOOD.strip().splitlines():
        sheet.append(line.split(","))
    path = tmp_path / "accounts.xlsx"
    book.save(path)
    media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = web.post(
        "/api/import", files={"file": ("accounts.xlsx", path.read_bytes(), media)}, data={}
    )
    data = response.json()
    assert data["ok"], data["problems"]
    assert data["format"] == "salesforce" and data["preview"]["rows"][1][0] == "NEW-2"


def test_import_bad_uploads(web: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    assert upload(web, GOOD, "accounts.pdf").status_code == 400  # type: ignore[attr-defined]
    assert upload(web, "", "accounts.csv").status_code == 400  # type: ignore[attr-defined]
    assert upload(web, GOOD, kind="sales").status_code == 400  # type: ignore[attr-defined]
    assert web.post("/api/import", data={"kind": "accounts"}).status_code == 400
    monkeypatch.setattr(api_cycle, "MAX_UPLOAD_BYTES", 100)
    big = upload(web, GOOD * 10)
    assert big.status_code == 413 and "larger than" in big.json()["error"]  # type: ignore[attr-defined]
    page = web.post("/import", files={"file": ("a.csv", (GOOD * 10).encode(), "text/csv")})
    assert page.status_code == 413 and "larger than" in page.text


# --------------------------------------------------------------------------- exports


@pytest.mark.parametrize("name", [e.name for e in api_cycle.EXPORTS])
def test_every_export_downloads(web: TestClient, name: str) -> None:
    query = "?period=2026&as_of=2026-06-30" if name == "attainment" else ""
    response = web.get(f"/exports/{name}.csv{query}")
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    header = next(csv.reader(io.StringIO(response.text)))
    assert header and all(header)


def test_exports_page_twin_and_errors(web: TestClient) -> None:
    page = web.get(f"/exports?scenario={TWEAK}")
    assert page.status_code == 200 and page.text.count('class="panel cy-export"') == 6
    data = web.get(f"/api/exports?scenario={TWEAK}").json()
    urls = {e["name"]: e["url"] for e in data["exports"]}
    assert urls["assignments"] == f"/exports/assignments.csv?scenario={TWEAK}"
    assert urls["accounts"] == "/exports/accounts.csv"
    assert web.get("/exports/nope.csv").status_code == 404
    assert web.get("/exports/assignments.csv?scenario=Nope").status_code == 404
    assert web.get("/exports/goals.csv?as_of=yesterday").status_code == 400
    assert web.get("/api/exports?scenario=Nope").status_code == 404


def test_exported_cells_never_run_as_formulas(web: TestClient) -> None:
    text = web.get("/exports/assignments.csv?scenario=Evil").text
    cells = [row[1] for row in csv.reader(io.StringIO(text))]
    assert "'" + EVIL in cells and EVIL not in cells
    reps = web.get("/exports/assignments-reps.csv?scenario=Evil").text
    assert ",'" + EVIL + "," in reps or "\n" + "Evil,'" + EVIL in reps
