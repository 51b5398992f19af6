"""HTTP tests of the planning pages: reps, quotas, goals, territory plans, monitoring.

They run on a copy of the demo workspace (they write quotas, goals, plans and drafts),
and check that each JSON twin says what the services say, that bad input is a 400 or
404 with a reason, and that a request that fails writes nothing.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from tests.e2e.web.login import logged_in

from territorial.services.goals import list_goals
from territorial.services.monitor import run_monitor
from territorial.services.plans import show_plan
from territorial.services.publish import approve_scenario, publish_scenario
from territorial.services.quotas import quota_set_dict, set_quotas, show_quotas
from territorial.services.reps_assign import assign_scenario_reps
from territorial.services.scenarios import list_scenarios, resolve_scenario
from territorial.services.sizing import size_sales_force
from territorial.services.workspace import open_workspace
from territorial.storage import UnitOfWork

DRAFT = "Draft B"  # made by the demo_db fixture
TERRITORY = "East-2"
QUOTA_FORM = {
    "period": "2027",
    "total": "60000000",
    "method": "blend",
    "weights": "potential=0.6,history=0.4",
    "round": "1000",
    "granularity": "quarter",
    "overrides": "East-2=4600000",
}


def copy_workspace(source: str, target: str | Path) -> str:
    """A consistent copy of a SQLite workspace (its WAL included)."""
    src, dst = sqlite3.connect(source), sqlite3.connect(str(target))
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    return str(target)


@pytest.fixture(scope="module")
def plan_db(demo_db: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A copy of the demo workspace with 2026 quotas (for the monitoring tests)."""
    path = copy_workspace(demo_db, tmp_path_factory.mktemp("plan") / "plan.db")
    set_quotas(open_workspace(path), period="2026", total="58000000", method="potential")
    return path


@pytest.fixture(scope="module")
def puow(plan_db: str) -> UnitOfWork:
    return open_workspace(plan_db)


@pytest.fixture(scope="module")
def pclient(plan_db: str) -> Iterator[TestClient]:
    with logged_in(plan_db) as test_client:
        yield test_client


def _periods(uow: UnitOfWork, scenario: str = "Current") -> list[str]:
    with uow:
        return [p.label for p in uow.quotas.periods(scenario)]


def _scenarios(uow: UnitOfWork) -> list[str]:
    with uow:
        return [n for n, _ in list_scenarios(uow)]


PAGES = [
    "/reps",
    "/reps/assignment",
    f"/reps/assignment?scenario={DRAFT}&capacity_hours=38",
    "/quotas",
    "/quotas?period=2026",
    "/goals",
    "/goals?as_of=2026-06-30",
    "/plans",
    f"/plans?scenario={DRAFT}",
    f"/plans/{TERRITORY}",
    "/monitor?period=2026-Q3&as_of=2026-10-31",
    "/monitor",
]
TWINS = [
    "/api/reps/assignment",
    "/api/quotas",
    "/api/quotas?period=2026",
    "/api/goals",
    "/api/plans",
    f"/api/plans/{TERRITORY}",
    "/api/monitor?period=2026-Q3&as_of=2026-10-31",
]


@pytest.mark.parametrize("url", PAGES)
def test_every_planning_page_answers(pclient: TestClient, url: str) -> None:
    response = pclient.get(url)
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", response.text)  # no CDN
    for link in ("/quotas", "/goals", "/plans", "/monitor"):
        assert f'href="{link}"' in response.text  # the nav


@pytest.mark.parametrize("url", TWINS)
def test_every_planning_twin_is_json(pclient: TestClient, url: str) -> None:
    response = pclient.get(url)
    assert response.status_code == 200, response.text[:500]
    assert isinstance(response.json(), dict)


def test_reps_page_loads_the_assignment_panel(pclient: TestClient) -> None:
    page = pclient.get("/reps").text
    assert 'hx-get="/reps/assignment"' in page
    partial = pclient.get("/reps/assignment", headers={"HX-Request": "true"})
    assert partial.status_code == 200
    assert "<html" not in partial.text and 'id="pl-assignment"' in partial.text


def test_assignment_twin_equals_services(pclient: TestClient, puow: UnitOfWork) -> None:
    report = assign_scenario_reps(puow).to_dict()
    sizing = size_sales_force(puow).to_dict()
    data = pclient.get("/api/reps/assignment").json()
    assert data["assignment"] == report
    assert data["sizing"] == sizing
    assert data["can_apply"] is False  # the active alignment
    assert [w["reps"] for w in sizing["what_if"]] == [
        sizing["current_reps"] + 1,
        sizing["current_reps"] - 1,
    ]
    page = pclient.get("/reps/assignment").text
    for row in report["assignments"]:
        assert row["reason"].replace("'", "&#39;") in page
    for w in sizing["what_if"]:
        assert w["sentence"].replace("'", "&#39;") in page
    assert sizing["sentence"].replace("'", "&#39;") in page
    assert "Apply these reps" not in page  # only on drafts
    other = pclient.get("/api/reps/assignment", params={"capacity_hours": 30}).json()
    assert other["sizing"]["capacity_hours_per_rep"] < sizing["capacity_hours_per_rep"]


def test_assignment_of_a_draft_shows_vacancies_and_applies(
    pclient: TestClient, puow: UnitOfWork
) -> None:
    data = pclient.get("/api/reps/assignment", params={"scenario": DRAFT}).json()
    assert data["can_apply"] is True
    assert "New-1" in data["assignment"]["vacancies"] + [
        a["territory"] for a in data["assignment"]["assignments"]
    ]
    page = pclient.get("/reps/assignment", params={"scenario": DRAFT}).text
    assert "Apply these reps to Draft B" in page
    response = pclient.post(
        "/reps/assignment/apply", data={"scenario": DRAFT}, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/reps/assignment?scenario=Draft+B&applied=1"
    with puow:
        draft = resolve_scenario(puow, DRAFT)
    reps = {t.name: t.rep_external_id for t in draft.territories}
    for a in data["assignment"]["assignments"]:
        assert reps[a["territory"]] == a["rep_external_id"]
    assert "Applied:" in pclient.get(response.headers["location"]).text


def test_applying_to_the_active_alignment_is_refused(pclient: TestClient, puow: UnitOfWork) -> None:
    with puow:
        before = [(t.name, t.rep_external_id) for t in resolve_scenario(puow).territories]
    response = pclient.post("/api/reps/assignment/apply", json={"scenario": "Current"})
    assert response.status_code == 400
    assert "drafts only" in response.json()["error"]
    assert pclient.post("/api/reps/assignment/apply", json={}).status_code == 400
    missing = pclient.post("/api/reps/assignment/apply", json={"scenario": "Nope"})
    assert missing.status_code == 404 and "Nope" in missing.json()["error"]
    with puow:
        assert [(t.name, t.rep_external_id) for t in resolve_scenario(puow).territories] == before


def test_bad_sizing_parameters_are_400(pclient: TestClient) -> None:
    for params in ({"utilisation": 2}, {"capacity_hours": 0}, {"capacity_hours": "x"}):
        response = pclient.get("/api/reps/assignment", params=params)
        assert response.status_code == 400, params
        assert response.json()["error"]
    assert pclient.get("/api/reps/assignment?scenario=Nope").status_code == 404


def test_quota_preview_stores_nothing_then_store(pclient: TestClient, puow: UnitOfWork) -> None:
    assert "2027" not in _periods(puow)
    expected = quota_set_dict(
        set_quotas(
            puow,
            period="2027",
            total="60000000",
            method="blend",
            weights={"potential": 0.6, "history": 0.4},
            unit="1000",
            overrides={"East-2": "4600000"},
            granularity="quarter",
            store=False,
        )
    )
    preview = pclient.post("/api/quotas/preview", data=QUOTA_FORM)
    assert preview.status_code == 200, preview.text
    data = preview.json()
    assert data["stored"] is False
    assert {k: v for k, v in data.items() if k not in ("notes", "stored", "rep_count")} == expected
    assert data["sum"] == data["total"] == "60000000"
    east = next(t for t in data["territories"] if t["territory"] == TERRITORY)
    assert east["quota"] == "4600000" and east["overridden"]
    assert [s["label"] for s in east["slices"]] == ["2027-Q1", "2027-Q2", "2027-Q3", "2027-Q4"]
    assert "2027" not in _periods(puow)  # a preview writes nothing
    # The page shows the preview, the chart and a Store button carrying the same fields.
    page = pclient.post("/quotas/preview", data=QUOTA_FORM).text
    assert "Preview (not stored)" in page and 'data-pl-chart="pl-split-chart-config"' in page
    assert 'action="/quotas"' in page and 'name="overrides" value="East-2=4600000"' in page
    assert "vendor/chartjs/chart.umd.min.js" in page
    assert "2027" not in _periods(puow)
    # Store (the page's button): redirect to the stored set.
    response = pclient.post("/quotas", data=QUOTA_FORM, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/quotas?period=2027&stored=1"
    assert "2027" in _periods(puow)
    stored = pclient.get("/api/quotas", params={"period": "2027"}).json()["quota"]
    assert stored["territories"] == expected["territories"]
    assert stored["reps"] == expected["reps"]
    shown = pclient.get(response.headers["location"]).text
    assert "Stored quotas for 2027." in shown and "Stored quotas: 2027" in shown
    # The JSON twin of Store answers 201 with the stored set.
    again = pclient.post("/api/quotas", json={**QUOTA_FORM, "granularity": "month"})
    assert again.status_code == 201 and again.json()["stored"] is True
    assert len(again.json()["territories"][0]["slices"]) == 12
    assert show_quotas(puow, "2027").granularity == "month"


@pytest.mark.parametrize(
    ("change", "status", "reason"),
    [
        ({"period": "2027-Q7"}, 400, "period '2027-Q7' is not a year"),
        ({"period": ""}, 400, "period is required"),
        ({"total": "lots"}, 400, "total: 'lots' is not an amount"),
        ({"method": "magic"}, 400, "method: 'magic' is not one of"),
        ({"weights": ""}, 400, "weights are required for the blend method"),
        ({"weights": "potential=x"}, 400, "weights: potential='x' is not a number"),
        ({"overrides": "Nowhere=100"}, 400, "no territory 'Nowhere'"),
        ({"overrides": "East-2"}, 400, "overrides: expected NAME=VALUE"),
        ({"granularity": "week"}, 400, "granularity: 'week'"),
        ({"round": "-5"}, 400, ""),
        ({"scenario": "Nope"}, 404, "no scenario named 'Nope'"),
    ],
)
def test_bad_quota_forms_store_nothing(
    pclient: TestClient, puow: UnitOfWork, change: dict[str, str], status: int, reason: str
) -> None:
    form = {**QUOTA_FORM, "period": "2028", **change}
    for url in ("/api/quotas/preview", "/api/quotas"):
        response = pclient.post(url, data=form)
        assert response.status_code == status, (url, response.text)
        assert reason in response.json()["error"]
    page = pclient.post("/quotas", data=form)
    assert page.status_code == status
    assert "Nothing was stored" in page.text and 'data-testid="pl-quota-form"' in page.text
    assert "2028" not in _periods(puow)


def test_unknown_quota_period_is_404_and_bad_body_400(pclient: TestClient) -> None:
    response = pclient.get("/api/quotas", params={"period": "2031"})
    assert response.status_code == 404
    assert "no quotas for 2031" in response.json()["error"]
    assert pclient.get("/quotas", params={"period": "2031"}).status_code == 404
    assert pclient.get("/api/quotas", params={"period": "soon"}).status_code == 400
    bad_json = pclient.post(
        "/api/quotas", content=b"{nope", headers={"content-type": "application/json"}
    )
    assert bad_json.status_code == 400 and "not valid JSON" in bad_json.json()["error"]
    listed = pclient.post("/api/quotas", json=["2027"])
    assert listed.status_code == 400 and "JSON object" in listed.json()["error"]


GOAL = {
    "scope": "territory",
    "territory": TERRITORY,
    "metric": "revenue",
    "baseline": "0",
    "target": "4600000",
    "start": "2026-01-01",
    "due": "2026-12-31",
    "description": "Grow <b>hospitals</b>",
}


def test_goals_add_and_list(pclient: TestClient, puow: UnitOfWork) -> None:
    response = pclient.post("/goals", data=GOAL, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/goals?added=")
    created = pclient.post(
        "/api/goals",
        json={
            "scope": "rep",
            "rep": "REP-001",
            "metric": "visits",
            "baseline": 0,
            "target": 300,
            "start": "2026-01-01",
            "due": "2026-12-31",
        },
    )
    assert created.status_code == 201 and created.json()["subject"] == "REP-001"
    as_of = date(2026, 9, 30)
    expected = [r.to_dict() for r in list_goals(puow, as_of)]
    data = pclient.get("/api/goals", params={"as_of": "2026-09-30"}).json()
    assert data["goals"] == expected and len(expected) >= 2
    page = pclient.get("/goals", params={"as_of": "2026-09-30"}).text
    assert "Grow &lt;b&gt;hospitals&lt;/b&gt;" in page  # user text escaped
    assert "<b>hospitals</b>" not in page
    for g in expected:
        assert g["sentence"].replace("'", "&#39;") in page


@pytest.mark.parametrize(
    ("change", "status", "reason"),
    [
        ({"due": ""}, 400, "due is required"),
        ({"due": "31/12/2026"}, 400, "due: '31/12/2026' is not a date"),
        ({"target": "many"}, 400, "target: 'many' is not a number"),
        ({"territory": "Nowhere"}, 400, "no territory 'Nowhere'"),
        ({"scope": "region"}, 400, "scope: 'region'"),
        ({"scope": "rep", "rep": "Nobody"}, 400, "no rep with id or name 'Nobody'"),
        ({"start": "2027-01-01"}, 400, ""),
        ({"metric": ""}, 400, "metric is required"),
    ],
)
def test_bad_goal_forms_store_nothing(
    pclient: TestClient, puow: UnitOfWork, change: dict[str, str], status: int, reason: str
) -> None:
    before = len(list_goals(puow))
    response = pclient.post("/api/goals", data={**GOAL, **change})
    assert response.status_code == status, response.text
    assert reason in response.json()["error"]
    page = pclient.post("/goals", data={**GOAL, **change})
    assert page.status_code == status and "Nothing was stored" in page.text
    assert len(list_goals(puow)) == before


def test_plan_edit_escapes_and_twin_equals_service(pclient: TestClient, puow: UnitOfWork) -> None:
    form = {
        "goals": "Grow revenue 8%\r\nKeep every A account",
        "strategies": "Win hospital groups\n<script>alert('x')</script>",
        "threats": "New rival in Boston",
        "strengths": "",
        "weaknesses": "",
        "opportunities": "",
        "objectives": "",
        "tactics": "Quarterly reviews",
    }
    response = pclient.post(f"/plans/{TERRITORY}", data=form, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/plans/{TERRITORY}?saved=1"
    expected = show_plan(puow, TERRITORY).to_dict()
    assert expected["sections"]["goals"] == ["Grow revenue 8%", "Keep every A account"]
    data = pclient.get(f"/api/plans/{TERRITORY}").json()
    assert {k: v for k, v in data.items() if k != "status"} == expected
    page = pclient.get(response.headers["location"]).text
    assert "<script>alert(" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    assert "Plan saved." in page and "New rival in Boston" in page
    # The JSON twin edits one section and keeps the others.
    twin = pclient.post(f"/api/plans/{TERRITORY}", json={"opportunities": ["Two new clinics"]})
    assert twin.status_code == 200
    assert twin.json()["sections"]["opportunities"] == ["Two new clinics"]
    assert twin.json()["sections"]["threats"] == ["New rival in Boston"]


def test_bad_plan_edits_write_nothing(pclient: TestClient, puow: UnitOfWork) -> None:
    before = show_plan(puow, TERRITORY).to_dict()["sections"]
    unknown = pclient.post(f"/api/plans/{TERRITORY}", json={"wishes": "more"})
    assert (
        unknown.status_code == 400 and "unknown plan section(s) wishes" in unknown.json()["error"]
    )
    assert pclient.post(f"/api/plans/{TERRITORY}", json={}).status_code == 400
    nowhere = pclient.post("/api/plans/Nowhere", json={"goals": "x"})
    assert nowhere.status_code == 404 and "no territory 'Nowhere'" in nowhere.json()["error"]
    assert pclient.get("/api/plans/Nowhere").status_code == 404
    assert pclient.get("/plans/Nowhere").status_code == 404
    page = pclient.post(f"/plans/{TERRITORY}", data={"goals": "x", "wishes": "y"})
    assert page.status_code == 400 and "Nothing was saved" in page.text
    assert show_plan(puow, TERRITORY).to_dict()["sections"] == before


def test_monitor_twin_equals_service(pclient: TestClient, puow: UnitOfWork) -> None:
    expected = run_monitor(puow, "2026-Q3", date(2026, 10, 31)).to_dict()
    data = pclient.get("/api/monitor", params={"period": "2026-Q3", "as_of": "2026-10-31"}).json()
    extra = {"charts", "drift_alerts", "can_rebalance"}
    assert data["can_rebalance"] is True  # an unlimited manager
    rows = data.pop("reps")
    assert [{k: v for k, v in r.items() if k != "rep"} for r in rows] == expected.pop("reps")
    assert {k: v for k, v in data.items() if k not in extra} == {
        k: v for k, v in expected.items() if k != "reps"
    }
    charts = data["charts"]
    assert charts["territories"]["data"]["labels"] == [t["territory"] for t in data["territories"]]
    assert len(charts["trend"]["data"]["datasets"]) == len(data["territories"])
    page = pclient.get("/monitor", params={"period": "2026-Q3", "as_of": "2026-10-31"}).text
    for chart in ("pl-chart-territories", "pl-chart-reps", "pl-chart-trend"):
        assert f'data-pl-chart="{chart}-config"' in page
    for alert in expected["alerts"][:10]:
        assert alert["message"].replace("'", "&#39;") in page
    assert "Propose a rebalance" in page


@pytest.mark.parametrize(
    ("params", "status", "reason"),
    [
        ({"period": "2031"}, 404, "no quotas for 2031"),
        ({"period": "2026-Q9"}, 400, "period '2026-Q9' is not"),
        ({"period": "2026-Q3", "as_of": "yesterday"}, 400, "as_of: 'yesterday' is not a date"),
        ({"period": "2026-Q3", "scenario": "Nope"}, 404, "no scenario named 'Nope'"),
    ],
)
def test_monitor_bad_input(
    pclient: TestClient, params: dict[str, str], status: int, reason: str
) -> None:
    response = pclient.get("/api/monitor", params=params)
    assert response.status_code == status
    assert reason in response.json()["error"]
    page = pclient.get("/monitor", params=params)
    assert page.status_code == status and reason.replace("'", "&#39;") in page.text


def test_monitor_without_quotas_points_to_the_quota_page(tmp_path: Path, demo_db: str) -> None:
    path = copy_workspace(demo_db, tmp_path / "noquota.db")
    with logged_in(str(path)) as client:
        page = client.get("/monitor")  # the nav link on a fresh workspace: a page, not 404
        assert page.status_code == 200
        assert 'href="/quotas"' in page.text and "no quotas in scenario" in page.text
        assert client.get("/monitor?period=2031").status_code == 404
        assert client.get("/api/quotas").json()["quota"] is None


def test_rebalance_button_stores_a_draft(pclient: TestClient, puow: UnitOfWork) -> None:
    before = _scenarios(puow)
    for bad, reason in (
        ({"max_moves": "150%"}, "max_moves"),
        ({"max_moves": "lots"}, "max_moves: 'lots' is not a number"),
        ({"time_limit": "600"}, "time_limit must be between"),
        ({"period": "2031"}, "no quotas for 2031"),
    ):
        response = pclient.post("/api/monitor/rebalance", data={"period": "2026-Q3", **bad})
        assert response.status_code in (400, 404) and reason in response.json()["error"]
    assert _scenarios(puow) == before
    form = {"period": "2026-Q3", "as_of": "2026-10-31", "max_moves": "5%", "time_limit": "3"}
    queued = pclient.post("/monitor/rebalance", data=form, follow_redirects=False)
    assert queued.status_code == 303 and queued.headers["location"].startswith("/jobs/")
    job = _finished(pclient, queued.headers["location"].rsplit("/", 1)[1])
    assert job["state"] == "done", job
    after = _scenarios(puow)
    (created,) = set(after) - set(before)
    assert job["result"]["scenario"] == created
    with puow:
        assert resolve_scenario(puow, created).status.value == "draft"
    page = pclient.get(queued.headers["location"])
    assert 'data-testid="pl-flows"' in page.text
    assert 'data-testid="pl-rebalance-result"' in page.text
    assert f"/map?scenario={quote(created, safe='')}" in page.text
    twin = pclient.post("/api/monitor/rebalance", json={**form, "max_moves": "10"})
    assert twin.status_code == 202
    result = _finished(pclient, twin.json()["id"])["result"]
    assert result["scenario"] not in after and result["accounts_moved"] <= 10
    assert sum(f["accounts"] for f in result["flows"]) == result["accounts_moved"]


def _finished(client: TestClient, job_id: str, seconds: float = 120) -> dict[str, Any]:
    """The job once it has finished (it runs in a process of its own)."""
    end = time.monotonic() + seconds
    while True:
        job: dict[str, Any] = client.get(f"/api/jobs/{job_id}").json()
        if job["state"] not in ("queued", "running") or time.monotonic() > end:
            return job
        time.sleep(0.5)


def test_quotas_of_a_period_after_a_scheduled_change_belong_to_the_new_alignment(
    demo_db: str, tmp_path: Path
) -> None:
    """With "Draft B" published for next year, the quota page stores and shows next
    year's quotas on it (not on the alignment in force today), as the CLI does."""
    path = copy_workspace(demo_db, tmp_path / "scheduled.db")
    uow = open_workspace(path)
    nxt = date(date.today().year + 1, 1, 1)
    approve_scenario(uow, DRAFT, force=True)
    publish_scenario(uow, DRAFT, nxt, today=date.today(), force=True)
    form = {**QUOTA_FORM, "period": str(nxt.year), "overrides": ""}
    with logged_in(path) as client:
        stored = client.post("/api/quotas", data=form)
        assert stored.status_code == 201, stored.text
        assert stored.json()["scenario"] == DRAFT
        shown = client.get("/api/quotas", params={"period": str(nxt.year)}).json()
        assert shown["scenario"] == DRAFT and shown["quota"]["scenario"] == DRAFT
    assert _periods(uow, DRAFT) == [str(nxt.year)] and str(nxt.year) not in _periods(uow)
