"""HTTP tests: copy a published scenario to a new draft (page form and JSON twin), the
scenario page's editor link and copy form, the map editor's no-script form, and deleting
a draft (page form with its confirmation, JSON twin)."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from tests.e2e.web.login import logged_in
from tests.e2e.web.workspaces import copy_db

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from territorial.domain.users import Role
from territorial.services import editing
from territorial.services.scenarios import resolve_scenario
from territorial.services.workspace import open_workspace


@pytest.fixture(scope="module")
def drafts_db(demo_db: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    return copy_db(demo_db, str(tmp_path_factory.mktemp("drafts") / "drafts.db"))


@pytest.fixture(scope="module")
def client(drafts_db: str) -> Iterator[TestClient]:
    editing.clear_sessions()
    with logged_in(drafts_db, "manager", Role.MANAGER) as test_client:
        yield test_client


def active(path: str) -> tuple[str, dict[str, str]]:
    uow = open_workspace(path)
    with uow:
        found = resolve_scenario(uow, None)
    return found.name, found.assignments


def test_copy_json_makes_an_editable_draft(client: TestClient, drafts_db: str) -> None:
    name, assignments = active(drafts_db)
    response = client.post(f"/api/scenarios/{quote(name, safe='')}/copy", json={"name": "Copy J"})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["name"] == "Copy J" and body["status"] == "draft" and body["parent"] == name
    assert body["accounts"] == len(assignments)
    state = client.get(body["editor_url"]).json()
    assert state["editable"] is True
    # taken name, unknown scenario: refused with the reason
    again = client.post(f"/api/scenarios/{quote(name, safe='')}/copy", json={"name": "Copy J"})
    assert again.status_code == 400 and "already exists" in again.json()["error"]
    assert client.post("/api/scenarios/Nowhere/copy", json={}).status_code == 404
    # the source stays published
    assert active(drafts_db) == (name, assignments)


def test_copy_form_lands_on_the_draft_map_with_its_territories(
    client: TestClient, drafts_db: str
) -> None:
    name, assignments = active(drafts_db)
    page = client.get(f"/scenarios/{quote(name, safe='')}")
    assert page.status_code == 200
    assert f'action="/scenarios/{quote(name, safe="")}/copy"' in page.text
    assert 'id="cy-edit"' not in page.text  # published: no editor link, a copy form
    response = client.post(
        f"/scenarios/{quote(name, safe='')}/copy", data={"name": ""}, follow_redirects=False
    )
    assert response.status_code == 303
    target = response.headers["location"]
    draft = f"{name} (edit)"
    assert target.startswith(f"/map?scenario={quote(draft, safe='')}")
    map_page = client.get(target)
    assert map_page.status_code == 200 and 'id="editor"' in map_page.text
    # the no-script form: the territory list is filled by the server
    options = re.findall(
        r'<option value="([^"]+)">',
        map_page.text.split('id="editor-move"')[1].split("</select>")[0],
    )
    assert sorted(options) == sorted(set(assignments.values()))
    # and it moves accounts without scripts
    account, territory = sorted(assignments.items())[0]
    other = next(t for t in options if t != territory)
    moved = client.post(
        f"/scenarios/{quote(draft, safe='')}/moves",
        data={"accounts": account, "territory": other},
        follow_redirects=False,
    )
    assert moved.status_code == 303, moved.text
    uow = open_workspace(drafts_db)
    with uow:
        stored = uow.scenarios.get(draft)
    assert stored is not None and stored.assignments[account] == other
    # a draft's page links to the editor instead of offering a copy
    draft_page = client.get(f"/scenarios/{quote(draft, safe='')}")
    assert 'id="cy-edit"' in draft_page.text and 'id="cy-copy"' not in draft_page.text


def test_a_rep_cannot_copy(drafts_db: str) -> None:
    name, _ = active(drafts_db)
    uow = open_workspace(drafts_db)
    with uow:
        rep_id = uow.reps.list()[0].external_id
    with logged_in(drafts_db, "rep1", Role.REP, rep_id) as rep:
        response = rep.post(f"/api/scenarios/{quote(name, safe='')}/copy", json={"name": "No"})
    assert response.status_code == 403


def test_delete_a_draft_from_its_page_after_confirming(client: TestClient, drafts_db: str) -> None:
    active_name, _ = active(drafts_db)
    made = client.post(f"/api/scenarios/{quote(active_name, safe='')}/copy", json={"name": "To go"})
    assert made.status_code == 201, made.text
    page = client.get("/scenarios/To%20go")
    assert 'action="/scenarios/To%20go/delete"' in page.text
    assert 'id="cy-delete-confirm"' in page.text
    unconfirmed = client.post("/scenarios/To%20go/delete", data={}, follow_redirects=False)
    assert unconfirmed.status_code == 400 and "Not deleted" in unconfirmed.text
    gone = client.post(
        "/scenarios/To%20go/delete", data={"confirm": "To go"}, follow_redirects=False
    )
    assert gone.status_code == 303 and gone.headers["location"] == "/scenarios?deleted=To%20go"
    listing = client.get(gone.headers["location"])
    assert "To go is deleted." in listing.text
    assert "To go" not in [s["name"] for s in client.get("/api/scenarios").json()["scenarios"]]
    assert client.get("/scenarios/To%20go").status_code == 404
    # the active alignment offers no delete form, and its deletion is refused
    active_page = client.get(f"/scenarios/{quote(active_name, safe='')}")
    assert 'id="cy-delete-form"' not in active_page.text
    refused = client.post(f"/api/scenarios/{quote(active_name, safe='')}/delete")
    assert refused.status_code == 400 and "alignment in force" in refused.json()["error"]
    assert client.post("/api/scenarios/Nowhere/delete").status_code == 404


def test_delete_json_twin_and_a_rep_cannot_delete(client: TestClient, drafts_db: str) -> None:
    name, _ = active(drafts_db)
    assert (
        client.post(
            f"/api/scenarios/{quote(name, safe='')}/copy", json={"name": "Twin"}
        ).status_code
        == 201
    )
    uow = open_workspace(drafts_db)
    with uow:
        rep_id = uow.reps.list()[0].external_id
    with logged_in(drafts_db, "rep2", Role.REP, rep_id) as rep:
        assert rep.post("/api/scenarios/Twin/delete").status_code == 403
    body = client.post("/api/scenarios/Twin/delete").json()
    assert (
        body
        == {
            "name": "Twin",
            "status": "draft",
            "territories": body["territories"],
            "accounts": body["accounts"],
        }
        and body["accounts"] > 0
    )
