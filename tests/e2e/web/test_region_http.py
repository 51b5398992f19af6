"""HTTP: a manager limited to region Central sees and changes only Central's accounts."""

from __future__ import annotations

import warnings

import pytest
from tests.e2e.web.login import PASSWORD, logged_in
from tests.e2e.web.test_web_editor_http import add_drafts, stored
from tests.e2e.web.workspaces import copy_db

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from territorial.domain.users import Role
from territorial.services.locks import move_accounts, set_locks
from territorial.services.users import add_user
from territorial.services.workspace import open_workspace

DRAFT = "Region draft"
MIXED = "Mixed draft"


@pytest.fixture(scope="module")
def region_db(demo_db: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = copy_db(demo_db, str(tmp_path_factory.mktemp("region") / "region.db"))
    add_drafts(path, {DRAFT: None, MIXED: None})
    mixed = stored(path, MIXED)  # one Central and one East account move, both locked
    central = sorted(a for a, t in mixed.assignments.items() if t == "Central-1")[0]
    east = sorted(a for a, t in mixed.assignments.items() if t == "East-1")[0]
    move_accounts(open_workspace(path), [central], "Central-2", MIXED)
    move_accounts(open_workspace(path), [east], "East-2", MIXED)
    set_locks(open_workspace(path), [central, east], MIXED)
    add_user(open_workspace(path), "carla", PASSWORD, Role.MANAGER, region="Central")
    return path


def _of(path: str, prefix: str) -> list[str]:
    draft = stored(path, DRAFT)
    return sorted(a for a, t in draft.assignments.items() if t.startswith(prefix))


def test_accounts_outside_the_region_are_not_found(carla: TestClient, region_db: str) -> None:
    central, east = _of(region_db, "Central-"), _of(region_db, "East-")
    listed = carla.get("/api/accounts", params={"size": 500}).json()
    assert listed["total"] == len(central)
    assert {a["territory"].split("-")[0] for a in listed["accounts"]} == {"Central"}
    assert carla.get(f"/api/accounts/{central[0]}").json()["external_id"] == central[0]
    page = carla.get(f"/accounts/{central[0]}")
    assert page.status_code == 200 and central[0] in page.text
    for url in (f"/api/accounts/{east[0]}", f"/accounts/{east[0]}"):
        assert carla.get(url).status_code == 404, url
    shown = carla.get("/api/map").json()
    assert set(shown["accounts"]["id"]) <= set(central) and shown["accounts"]["id"]
    assessed = carla.get("/api/assess").json()
    assert {t["label"] for t in assessed["territories"]} == {f"Central-{i}" for i in range(1, 6)}
    assert sum(t["accounts"] for t in assessed["territories"]) == len(central)


def test_a_move_touching_another_region_is_refused_with_the_reason(
    carla: TestClient, region_db: str
) -> None:
    central, east = _of(region_db, "Central-"), _of(region_db, "East-")
    refused = carla.post(
        f"/api/scenarios/{DRAFT}/moves", json={"accounts": east[:1], "territory": "Central-1"}
    )
    assert refused.status_code in (400, 403)
    assert "limited to region Central" in refused.json()["error"]
    assert "East-" in refused.json()["error"]
    into_east = carla.post(
        f"/api/scenarios/{DRAFT}/moves", json={"accounts": central[:1], "territory": "East-1"}
    )
    assert into_east.status_code in (400, 403) and "East-1" in into_east.json()["error"]
    assert stored(region_db, DRAFT).assignments[east[0]].startswith("East-")
    source = stored(region_db, DRAFT).assignments[central[0]]
    target = "Central-2" if source != "Central-2" else "Central-1"
    allowed = carla.post(
        f"/api/scenarios/{DRAFT}/moves", json={"accounts": central[:1], "territory": target}
    )
    assert allowed.status_code == 200, allowed.text
    assert stored(region_db, DRAFT).assignments[central[0]] == target


def test_the_admin_sets_a_region_on_the_users_page(region_db: str) -> None:
    with logged_in(region_db, "admin", Role.ADMIN) as admin:
        added = admin.post(
            "/users",
            data={"username": "ed", "password": PASSWORD, "role": "manager", "region": "East"},
            follow_redirects=False,
        )
        assert added.status_code == 303
        unknown = admin.post(
            "/users",
            data={"username": "bad", "password": PASSWORD, "role": "manager", "region": "Nowhere"},
        )
        assert unknown.status_code == 400 and "no region or district" in unknown.text
        changed = admin.post("/api/users/ed/region", params={"region": "West"})
        assert changed.status_code == 200 and changed.json()["region"] == "West"
        users = {u["username"]: u for u in admin.get("/api/users").json()["users"]}
        assert users["ed"]["region"] == "West" and users["carla"]["region"] == "Central"
        assert "Region" in admin.get("/users").text


def test_compare_and_the_editor_show_only_the_region(carla: TestClient, region_db: str) -> None:
    mixed = stored(region_db, MIXED)
    moved = carla.get("/api/compare", params={"b": MIXED}).json()
    assert [(m["from_territory"], m["to_territory"]) for m in moved["moves"]] == [
        ("Central-1", "Central-2")
    ]
    assert all(
        set(r["territories_a"] + r["territories_b"]) <= {f"Central-{i}" for i in range(1, 6)}
        for r in moved["reps"]
    )
    editor = carla.get(f"/api/scenarios/{MIXED}/editor").json()
    assert len(mixed.locks) == 2 and len(editor["locked"]) == 1
    assert mixed.assignments[editor["locked"][0]] == "Central-2"
    refused = carla.post(
        f"/api/scenarios/{MIXED}/locks", json={"accounts": sorted(mixed.locks), "locked": "false"}
    )
    assert refused.status_code in (400, 403) and "East-2" in refused.json()["error"]
    assert stored(region_db, MIXED).locks == mixed.locks
