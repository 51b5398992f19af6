"""HTTP tests of the scenario editor: moves, locks, undo/redo, refusals, the JSON twin."""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from tests.e2e.web.login import logged_in
from tests.e2e.web.workspaces import copy_db

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from territorial.domain import ScenarioStatus
from territorial.domain.users import Role
from territorial.services import editing
from territorial.services.locks import set_locks
from territorial.services.scenarios import resolve_scenario
from territorial.services.workspace import open_workspace
from territorial.storage import UnitOfWork

DRAFT = "Edit HTTP"
ZIP_DRAFT = "Edit ZIP"


def add_drafts(path: str, names: dict[str, str | None]) -> None:
    """Copies of the active alignment as drafts (name -> description)."""
    uow = open_workspace(path)
    with uow:
        current = resolve_scenario(uow, None)
        for name, description in names.items():
            uow.scenarios.save(
                dataclasses.replace(
                    current,
                    name=name,
                    status=ScenarioStatus.DRAFT,
                    parent=current.name,
                    description=description,
                    locks={},
                    territories=[dataclasses.replace(t) for t in current.territories],
                )
            )
        uow.commit()


@pytest.fixture(scope="module")
def editor_db(demo_db: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A copy of the demo workspace (the session's is shared) with two drafts."""
    path = copy_db(demo_db, str(tmp_path_factory.mktemp("editor") / "editor.db"))
    add_drafts(path, {DRAFT: None, ZIP_DRAFT: "Balanced territories by zip"})
    return path


@pytest.fixture(scope="module")
def ed(editor_db: str) -> Iterator[TestClient]:
    editing.clear_sessions()
    with logged_in(editor_db, "manager", Role.MANAGER) as test_client:
        yield test_client


def state(ed: TestClient, name: str = DRAFT) -> dict[str, Any]:
    response = ed.get(f"/api/scenarios/{name}/editor")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def stored(path: str, name: str) -> Any:
    uow: UnitOfWork = open_workspace(path)
    with uow:
        return uow.scenarios.get(name)


def row(body: dict[str, Any], territory: str) -> dict[str, Any]:
    found: dict[str, Any] = next(
        t for t in body["balance"]["territories"] if t["name"] == territory
    )
    return found


def pick(path: str, name: str, k: int) -> tuple[list[str], str, str]:
    """``k`` accounts of the first territory, that territory and another one."""
    scenario = stored(path, name)
    names = [t.name for t in scenario.territories if t.name in set(scenario.assignments.values())]
    source, target = names[0], names[1]
    accounts = sorted(a for a, t in scenario.assignments.items() if t == source)[:k]
    return accounts, source, target


def test_move_updates_balance_storage_and_version(ed: TestClient, editor_db: str) -> None:
    before = state(ed)
    assert before["editable"] and before["reason"] is None
    assert [m["name"] for m in before["balance"]["measures"]] == list(editing.DEFAULT_MEASURES)
    accounts, source, target = pick(editor_db, DRAFT, 3)
    saved_version = stored(editor_db, DRAFT).version
    response = ed.post(
        f"/api/scenarios/{DRAFT}/moves",
        json={"accounts": accounts, "territory": target, "expect_version": before["version"]},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["moved"] == 3 and body["version"] == before["version"] + 1
    assert row(body, target)["accounts"] == row(before, target)["accounts"] + 3
    assert row(body, source)["accounts"] == row(before, source)["accounts"] - 3
    assert row(body, target)["deviations"] != row(before, target)["deviations"]
    assert all(
        t == body["balance"]["territories"].index(row(body, target))
        for t in body["changed"]["territory"]
    )
    scenario = stored(editor_db, DRAFT)
    assert all(scenario.assignments[a] == target for a in accounts)
    # a save based on the older read (CLI, another tab) is now refused; the log says who
    assert scenario.version == saved_version + 1 and scenario.changed_by == "manager"
    logged = ed.get("/api/audit", params={"action": "editor.move", "target": DRAFT}).json()
    assert logged["entries"][0]["actor"] == "manager"
    assert set(accounts) <= set(logged["entries"][0]["after"]["accounts"])
    # the incremental figures equal a session rebuilt from the database
    editing.clear_sessions()
    fresh = state(ed)
    assert fresh["version"] == body["version"]
    for got, want in zip(
        body["balance"]["territories"], fresh["balance"]["territories"], strict=True
    ):
        assert got["accounts"] == want["accounts"]
        np.testing.assert_allclose(got["totals"], want["totals"], rtol=1e-9)
        assert got["travel_km"] == pytest.approx(want["travel_km"], abs=0.11)


def test_undo_and_redo_follow_the_log(ed: TestClient, editor_db: str) -> None:
    accounts, source, target = pick(editor_db, DRAFT, 2)
    before = state(ed)
    moved = ed.post(
        f"/api/scenarios/{DRAFT}/moves", data={"accounts": ",".join(accounts), "territory": target}
    ).json()
    assert moved["can_undo"] == before["can_undo"] + 1 and moved["can_redo"] == 0
    undone = ed.post(f"/api/scenarios/{DRAFT}/undo", json={})
    assert undone.status_code == 200, undone.text
    assert undone.json()["can_redo"] == 1
    assert all(stored(editor_db, DRAFT).assignments[a] == source for a in accounts)
    assert row(undone.json(), source)["accounts"] == row(before, source)["accounts"]
    redone = ed.post(f"/api/scenarios/{DRAFT}/redo", json={}).json()
    assert all(stored(editor_db, DRAFT).assignments[a] == target for a in accounts)
    assert row(redone, target)["accounts"] == row(moved, target)["accounts"]
    nothing = ed.post(f"/api/scenarios/{DRAFT}/redo", json={})
    assert nothing.status_code == 400 and "nothing to redo" in nothing.json()["error"]


def test_locked_accounts_cannot_move(ed: TestClient, editor_db: str) -> None:
    accounts, source, target = pick(editor_db, DRAFT, 2)
    locked = ed.post(f"/api/scenarios/{DRAFT}/locks", json={"accounts": accounts[:1]})
    assert locked.status_code == 200, locked.text
    assert stored(editor_db, DRAFT).locks == {accounts[0]: source}
    refused = ed.post(
        f"/api/scenarios/{DRAFT}/moves", json={"accounts": accounts, "territory": target}
    )
    assert refused.status_code == 409
    assert "locked" in refused.json()["error"] and accounts[0] in refused.json()["error"]
    assert all(stored(editor_db, DRAFT).assignments[a] == source for a in accounts)
    unlocked = ed.post(
        f"/api/scenarios/{DRAFT}/locks", json={"accounts": accounts[:1], "locked": False}
    )
    assert unlocked.status_code == 200 and stored(editor_db, DRAFT).locks == {}


def test_published_and_stale_edits_are_refused(ed: TestClient, editor_db: str) -> None:
    active = stored(editor_db, DRAFT).parent
    accounts, _, target = pick(editor_db, active, 1)
    refused = ed.post(
        f"/api/scenarios/{active}/moves", json={"accounts": accounts, "territory": target}
    )
    assert refused.status_code == 409 and "published alignment" in refused.json()["error"]
    assert stored(editor_db, active).assignments[accounts[0]] != target
    assert state(ed, active)["editable"] is False
    stale = ed.post(
        f"/api/scenarios/{DRAFT}/moves",
        json={
            "accounts": accounts,
            "territory": target,
            "expect_version": state(ed)["version"] - 1,
        },
    )
    assert stale.status_code == 409 and "reload" in stale.json()["error"]
    unknown = ed.post(
        f"/api/scenarios/{DRAFT}/moves", json={"accounts": ["NOPE"], "territory": target}
    )
    assert unknown.status_code == 400 and "'NOPE'" in unknown.json()["error"]
    assert ed.get("/api/scenarios/Nope/editor").status_code == 404


def test_change_made_elsewhere_clears_the_log(ed: TestClient, editor_db: str) -> None:
    accounts, _, target = pick(editor_db, DRAFT, 1)
    ed.post(f"/api/scenarios/{DRAFT}/moves", json={"accounts": accounts, "territory": target})
    before = state(ed)
    assert before["can_undo"] >= 1
    set_locks(open_workspace(editor_db), accounts, DRAFT)  # the CLI's lock command
    after = state(ed)
    assert after["version"] == before["version"] + 1
    assert after["can_undo"] == 0 and accounts[0] in after["locked"]


def test_form_posts_return_to_the_map(ed: TestClient, editor_db: str) -> None:
    accounts, _, target = pick(editor_db, DRAFT, 1)
    response = ed.post(
        f"/scenarios/{DRAFT}/moves",
        data={"accounts": accounts[0], "territory": target},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"].startswith("/map?scenario=Edit%20HTTP&done=moved")
    page = ed.get(response.headers["location"])
    assert 'id="editor"' in page.text and "moved 1 account" in page.text
    refused = ed.post("/scenarios/Nope/undo", data={})
    assert refused.status_code == 404 and "no scenario named" in refused.text


def test_zip_moves_take_whole_units_and_flag_contiguity(ed: TestClient, editor_db: str) -> None:
    before = state(ed, ZIP_DRAFT)
    assert before["by"] == "zip"
    uow = open_workspace(editor_db)
    with uow:
        accounts = {a.external_id: a for a in uow.accounts.list()}
    scenario = stored(editor_db, ZIP_DRAFT)
    # the account of the first territory farthest from the second's accounts
    source, target = before["territories"][0], before["territories"][1]
    tgt = [accounts[a] for a, t in scenario.assignments.items() if t == target]
    lat0 = np.mean([a.latitude for a in tgt])
    lon0 = np.mean([a.longitude for a in tgt])
    mine = [a for a, t in scenario.assignments.items() if t == source]
    far = max(
        mine, key=lambda a: (accounts[a].latitude - lat0) ** 2 + (accounts[a].longitude - lon0) ** 2
    )
    same_zip = [a for a in mine if accounts[a].zip == accounts[far].zip]
    body = ed.post(
        f"/api/scenarios/{ZIP_DRAFT}/moves", json={"accounts": [far], "territory": target}
    ).json()
    assert body["moved"] == len(same_zip) >= 1
    assert body["message"].endswith(f"to {target} (whole ZIP codes)")
    assert sorted(body["changed"]["accounts"]) == sorted(same_zip)
    assert target in body["contiguity"]["broken"]
    assert target in body["contiguity"]["split"]
