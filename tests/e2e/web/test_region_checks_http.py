"""HTTP: a manager limited to region Central gets Central's answer from the scenario
page's balance check and the rep plan's sizing, and is refused a rebalance (which
redesigns every region). The same requests as an unlimited manager answer for the whole
company, so each check can fail."""

from __future__ import annotations

import warnings

import pytest
from tests.e2e.web.login import PASSWORD
from tests.e2e.web.workspaces import copy_db
from tests.integration.workspaces import save_draft_of_current

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from territorial.domain import ScenarioStatus
from territorial.domain.users import Role
from territorial.services.quotas import set_quotas
from territorial.services.users import add_user
from territorial.services.workspace import open_workspace

TIGHT = "Tight"  # a draft designed (it says) to balance potential within 0.1%
PERIOD = "2026"
AS_OF = "2026-10-15"


@pytest.fixture(scope="module")
def region_db(demo_db: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The demo with a 2026 quota set, a draft whose tolerance most territories miss,
    and carla, a manager limited to Central."""
    path = copy_db(demo_db, str(tmp_path_factory.mktemp("checks") / "region.db"))
    uow = open_workspace(path)
    set_quotas(uow, period=PERIOD, total=50_000_000)
    add_user(uow, "carla", PASSWORD, Role.MANAGER, region="Central")
    save_draft_of_current(uow, TIGHT, balance_spec={"potential": 0.001})
    return path


@pytest.fixture(scope="module")
def central(region_db: str) -> frozenset[str]:
    """Central's territories in today's alignment (those named Central-N)."""
    uow = open_workspace(region_db)
    with uow:
        current = uow.scenarios.get("Current")
    assert current is not None
    found = frozenset(t.name for t in current.territories if t.name.startswith("Central-"))
    assert found, "the demo has no Central territory"
    return found


def test_the_balance_check_names_the_regions_misses_and_counts_the_rest(
    carla: TestClient, maria: TestClient, central: frozenset[str]
) -> None:
    every = maria.get(f"/api/scenarios/{TIGHT}").json()["balance_check"]
    mine = carla.get(f"/api/scenarios/{TIGHT}").json()["balance_check"]
    named = {m["territory"] for m in every["misses"]}
    assert named - central and named & central  # misses in and outside the region
    assert every["outside_region"] == 0
    assert {m["territory"] for m in mine["misses"]} == named & central
    assert mine["misses"] == [m for m in every["misses"] if m["territory"] in central]
    assert mine["outside_region"] == len(every["misses"]) - len(mine["misses"])
    assert not mine["passed"]  # a miss elsewhere still fails the scenario's check
    page = carla.get(f"/scenarios/{TIGHT}").text
    assert "outside your region" in page
    for territory in named - central:
        assert f"<td>{territory}</td>" not in page
    assert all(f"<td>{t}</td>" in maria.get(f"/scenarios/{TIGHT}").text for t in named)


def test_the_refusal_to_approve_names_no_territory_outside(
    carla: TestClient, central: frozenset[str], region_db: str
) -> None:
    refused = carla.post(f"/api/scenarios/{TIGHT}/approve", json={})
    assert refused.status_code == 400
    reason = refused.json()["error"]
    assert "outside your region" in reason
    uow = open_workspace(region_db)
    with uow:
        draft = uow.scenarios.get(TIGHT)
    assert draft is not None and draft.status is ScenarioStatus.DRAFT
    others = {t.name for t in draft.territories} - central
    assert not [t for t in others if f" in {t} (" in reason]


def test_the_preview_of_publishing_counts_misses_outside(
    carla: TestClient, maria: TestClient, central: frozenset[str]
) -> None:
    url = f"/api/scenarios/{TIGHT}/publish-preview"
    every = maria.get(url, params={"effective": "2027-01-01"}).json()
    mine = carla.get(url, params={"effective": "2027-01-01"}).json()
    assert {m["territory"] for m in mine["balance_check"]["misses"]} <= central
    assert mine["balance_check"]["outside_region"] > 0
    assert len(every["balance_check"]["misses"]) == (
        len(mine["balance_check"]["misses"]) + mine["balance_check"]["outside_region"]
    )
    assert any("outside your region" in r for r in mine["refusals"])


def test_sizing_covers_the_regions_territories_and_reps(
    carla: TestClient, maria: TestClient, central: frozenset[str], region_db: str
) -> None:
    every = maria.get("/api/reps/assignment").json()["sizing"]
    mine = carla.get("/api/reps/assignment").json()["sizing"]
    uow = open_workspace(region_db)
    with uow:
        current = uow.scenarios.get("Current")
    assert current is not None
    reps = {t.rep_external_id for t in current.territories if t.name in central} - {None}
    assert mine["current_reps"] == len(reps) < every["current_reps"]
    assert 0 < mine["total_workload_hours"] < every["total_workload_hours"]
    assert [w["reps"] for w in mine["what_if"]] == [len(reps) + 1, len(reps) - 1]
    with uow:
        held = {r.name for r in uow.reps.list() if r.external_id in reps}
    assert {b["rep"] for b in mine["busiest_reps"]} <= held
    assert {b["rep"] for b in every["busiest_reps"]} - held  # someone elsewhere is busier
    assert any("region Central only" in n for n in mine["notes"])
    assert "region Central only" in carla.get("/reps/assignment").text


def test_a_rebalance_is_refused_with_the_reason_and_queues_nothing(
    carla: TestClient, maria: TestClient, region_db: str
) -> None:
    form = {"period": PERIOD, "as_of": AS_OF, "max_moves": "10%", "time_limit": "2"}
    uow = open_workspace(region_db)
    with uow:  # the demo may hold jobs of other tests: count what this one adds
        before = {j.id for j in uow.jobs.list()}
    for url in ("/api/monitor/rebalance", "/monitor/rebalance"):
        refused = carla.post(url, data=form, follow_redirects=False)
        assert refused.status_code == 403
        assert "would move accounts of other regions" in refused.text
    with uow:
        assert {j.id for j in uow.jobs.list()} == before
        names = [n for n, _ in uow.scenarios.names()]
    assert not [n for n in names if n.startswith("Rebalance")]
    page = carla.get("/monitor", params={"period": PERIOD, "as_of": AS_OF}).text
    assert 'data-testid="pl-rebalance-form"' not in page and "pl-rebalance-refused" in page
    full = maria.get("/monitor", params={"period": PERIOD, "as_of": AS_OF}).text
    assert 'data-testid="pl-rebalance-form"' in full
