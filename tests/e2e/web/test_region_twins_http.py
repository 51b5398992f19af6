"""HTTP: every page a manager limited to region Central reaches, and its JSON twin, holds
Central only (the overview, reps, quotas, goals, plans, monitoring, the editor's balance,
the exports); a territory outside is 404 in pages and JSON alike; files made for the
whole company are refused. The same requests as an unlimited manager show every region,
so each check can fail."""

from __future__ import annotations

import csv
import io
import warnings
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from tests.e2e.web.login import PASSWORD
from tests.e2e.web.workspaces import copy_db
from tests.integration.workspaces import save_draft_of_current

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from territorial.domain.users import Role
from territorial.services.goals import add_goal
from territorial.services.plans import edit_plan
from territorial.services.quotas import set_quotas
from territorial.services.users import add_user
from territorial.services.workspace import open_workspace

MOVES = "Moves"
PERIOD = "2026"
AS_OF = "2026-10-15"
CENTRAL = {f"Central-{i}" for i in range(1, 6)}


@pytest.fixture(scope="module")
def region_db(demo_db: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The demo with a 2026 quota set, goals and plans in Central and East, and carla, a
    manager limited to Central."""
    path = copy_db(demo_db, str(tmp_path_factory.mktemp("twins") / "region.db"))
    uow = open_workspace(path)
    set_quotas(uow, period=PERIOD, total=50_000_000)
    for territory in ("Central-1", "East-1"):
        add_goal(
            uow,
            territory=territory,
            metric="revenue",
            baseline=1,
            target=2,
            due=date(2026, 12, 31),
            start=date(2026, 1, 1),
        )
        edit_plan(uow, territory, {"strategies": [f"Grow {territory}"]})
    add_user(uow, "carla", PASSWORD, Role.MANAGER, region="Central")
    with uow:
        current = uow.scenarios.get("Current")
    assert current is not None
    moves = {}
    for source, target in (("Central-1", "Central-2"), ("East-1", "East-2")):
        moves[min(a for a, t in current.assignments.items() if t == source)] = target
    save_draft_of_current(uow, MOVES, assignments={**current.assignments, **moves})
    return path


def _overview(body: dict[str, Any]) -> set[str]:
    return {t["name"] for t in body["territories"]}


def _reps(body: dict[str, Any]) -> set[str]:
    return {t for r in body["reps"] for t in r["territories"]}


def _rep_plan(body: dict[str, Any]) -> set[str]:
    return {a["territory"] for a in body["assignment"]["assignments"]}


def _quotas(body: dict[str, Any]) -> set[str]:
    return {t["territory"] for t in body["quota"]["territories"]}


def _goals(body: dict[str, Any]) -> set[str]:
    return {g["subject"] for g in body["goals"]}


def _plans(body: dict[str, Any]) -> set[str]:
    return {t["name"] for t in body["territories"] if t["accounts"]}


def _monitor(body: dict[str, Any]) -> set[str]:
    return {t["territory"] for t in body["territories"]}


def _editor(body: dict[str, Any]) -> set[str]:
    return {t["name"] for t in body["balance"]["territories"]}


#: (page, JSON twin, the territories the twin's answer shows)
TWINS: list[tuple[str, str, Callable[[dict[str, Any]], set[str]]]] = [
    ("/", "/api/overview", _overview),
    ("/reps", "/api/reps", _reps),
    ("/reps/assignment", "/api/reps/assignment", _rep_plan),
    (f"/quotas?period={PERIOD}", f"/api/quotas?period={PERIOD}", _quotas),
    ("/goals", "/api/goals", _goals),
    ("/plans", "/api/plans", _plans),
    (
        f"/monitor?period={PERIOD}&as_of={AS_OF}",
        f"/api/monitor?period={PERIOD}&as_of={AS_OF}",
        _monitor,
    ),
    ("/map?scenario=Current", "/api/scenarios/Current/editor", _editor),
]


@pytest.mark.parametrize(("page", "api", "shown"), TWINS, ids=[t[1] for t in TWINS])
def test_each_twin_holds_the_region(
    carla: TestClient,
    maria: TestClient,
    page: str,
    api: str,
    shown: Callable[[dict[str, Any]], set[str]],
) -> None:
    mine = carla.get(api)
    assert mine.status_code == 200, mine.text
    territories = shown(mine.json())
    assert territories and territories <= CENTRAL, territories
    everyone = shown(maria.get(api).json())
    assert "East-1" in everyone and territories < everyone
    html = carla.get(page)
    assert html.status_code == 200
    if page != "/map?scenario=Current":  # the map names every territory for its colours
        assert "East-1" not in html.text and ("Central-1" in html.text or page == "/reps")


def test_the_totals_are_the_regions(carla: TestClient, maria: TestClient) -> None:
    overview, full = carla.get("/api/overview").json(), maria.get("/api/overview").json()
    assert overview["accounts"] == sum(t["accounts"] for t in overview["territories"])
    assert 0 < overview["accounts"] < full["accounts"]
    assert 0 < overview["sales_rows"] < full["sales_rows"] and overview["reps"] == 5
    quota = carla.get("/api/quotas", params={"period": PERIOD}).json()["quota"]
    assert float(quota["sum"]) == pytest.approx(
        sum(float(t["quota"]) for t in quota["territories"])
    )
    assert float(quota["sum"]) < float(quota["total"])
    monitor = carla.get("/api/monitor", params={"period": PERIOD, "as_of": AS_OF}).json()
    assert monitor["company"]["quota"] == pytest.approx(float(quota["sum"]))
    assert monitor["scope"] == "Central"
    assert {r["rep_external_id"] for r in monitor["reps"]} == {
        t["rep_external_id"] for t in monitor["territories"]
    }


@pytest.mark.parametrize(
    "url", ["/plans/East-1", "/api/plans/East-1", "/plans/East-1?scenario=Current"]
)
def test_a_territory_outside_is_not_found(carla: TestClient, maria: TestClient, url: str) -> None:
    assert carla.get(url).status_code == 404
    assert maria.get(url).status_code == 200
    assert carla.get(url.replace("East-1", "Central-1")).status_code == 200


def test_exports_hold_the_region_and_company_files_are_refused(
    carla: TestClient, maria: TestClient
) -> None:
    listing = carla.get("/api/exports").json()
    assert listing["region"] == "Central" and listing["downloads"] == []
    assert maria.get("/api/exports").json()["downloads"]
    for name, column in (
        ("assignments", "territory"),
        ("quotas", "territory"),
        ("assignments-reps", "territory"),
        ("goals", "subject"),
    ):
        got = carla.get(f"/exports/{name}.csv")
        assert got.status_code == 200 and "Central" in got.headers["content-disposition"]
        rows = list(csv.DictReader(io.StringIO(got.text)))
        assert rows and {r[column] for r in rows} <= CENTRAL, name
    accounts = list(csv.DictReader(io.StringIO(carla.get("/exports/accounts.csv").text)))
    overview = carla.get("/api/overview").json()
    assert len(accounts) == overview["accounts"]
    for url in ("/downloads/hubspot.csv", "/downloads/geojson.geojson", "/reports/assessment.html"):
        for refused in (carla.get(url), carla.post(url)):  # to look, or to build
            assert refused.status_code == 403, url
            assert "whole company" in refused.text
    assert "Central" in carla.get("/exports").text


def test_the_publish_preview_holds_the_region(carla: TestClient, maria: TestClient) -> None:
    url = f"/api/scenarios/{MOVES}/publish-preview?effective=2026-11-01"
    mine, everyone = carla.get(url).json()["quotas"], maria.get(url).json()["quotas"]
    assert mine and everyone
    moved = {(x["from"], x["to"]) for q in everyone for x in q["transfers"]}
    assert moved == {("Central-1", "Central-2"), ("East-1", "East-2")}
    assert {(x["from"], x["to"]) for q in mine for x in q["transfers"]} == {
        ("Central-1", "Central-2")
    }
    assert all(set(q["before"]) | set(q["after"]) <= CENTRAL for q in mine)
    page = carla.get(f"/scenarios/{MOVES}")
    assert page.status_code == 200


def test_a_scenario_page_names_no_rep_outside_the_region(
    carla: TestClient, maria: TestClient
) -> None:
    full = maria.get(f"/api/scenarios/{MOVES}").json()["reps"]
    assert full, "an unlimited manager is offered every rep's pack"
    assert carla.get(f"/api/scenarios/{MOVES}").json()["reps"] == []
    page = carla.get(f"/scenarios/{MOVES}")
    assert page.status_code == 200 and 'data-testid="cy-rep-packs"' not in page.text
    assert 'data-testid="cy-rep-packs"' in maria.get(f"/scenarios/{MOVES}").text
