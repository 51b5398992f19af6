"""Cached answers are never stale (SQLite and PostgreSQL): after an import, a move, an
approval, a design or a publish, the next request shows the change, and what it shows is
exactly what a cold computation shows.

The assessment, overview, reps and map are computed once per data version
(:mod:`territorial.services.answers`); each test asks, changes the data through the
services on an engine of its own (as another worker or the CLI would), and asks again.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from tests.e2e.web.login import logged_in

from territorial.services import editing, mapdata
from territorial.services.answers import clear_answers
from territorial.services.design import DesignRequest, design_scenario
from territorial.services.drafts import copy_to_draft
from territorial.services.imports import import_accounts
from territorial.services.publish import approve_scenario, publish_scenario
from territorial.services.workspace import open_workspace
from territorial.storage import UnitOfWork

N = 60
CACHED = ("/api/overview", "/api/reps", "/api/assess", "/api/map")


def write_accounts(path: Path, count: int, potential: float) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["external_id", "name", "latitude", "longitude", "potential", "territory"])
        for k in range(count):
            out.writerow(
                [
                    f"A{k:03d}",
                    f"Account {k}",
                    40 + (k % 7) * 0.3,
                    -80 - (k // 7) * 0.3,
                    potential + k,
                    f"T{k % 3}",
                ]
            )
    return path


@pytest.fixture
def workspace(db_url: str, tmp_path: Path) -> Iterator[tuple[Any, UnitOfWork, Path]]:
    """A client on ``db_url`` holding ``N`` accounts in 3 territories, and a unit of work
    on an engine of its own (the other writer)."""
    writer = open_workspace(db_url)
    import_accounts(writer, write_accounts(tmp_path / "seed.csv", N, 100.0))
    clear_answers()
    mapdata.clear_shape_cache()
    editing.clear_sessions()
    with logged_in(db_url) as client:
        yield client, writer, tmp_path
    writer.engine.dispose()


def get(client: Any, url: str) -> Any:
    answer = client.get(url)
    assert answer.status_code == 200, (url, answer.text[:300])
    return answer.json()


def cold(client: Any, writer: UnitOfWork, url: str) -> Any:
    """``url`` computed with every cache emptied (this process's and the shared ones)."""
    clear_answers(writer)
    mapdata.clear_shape_cache()
    return get(client, url)


def potential_of(assessment: dict[str, Any]) -> float:
    return sum(t["potential"] for t in assessment["territories"])


def counts(assessment: dict[str, Any]) -> dict[str, int]:
    return {t["label"]: t["accounts"] for t in assessment["territories"]}


def test_an_import_shows_at_once(workspace: tuple[Any, UnitOfWork, Path]) -> None:
    client, writer, folder = workspace
    before = {url: get(client, url) for url in CACHED}
    assert get(client, "/api/assess") == before["/api/assess"]  # answered again, unchanged
    import_accounts(writer, write_accounts(folder / "more.csv", N + 6, 1000.0))
    after = {url: get(client, url) for url in CACHED}
    assert before["/api/overview"]["accounts"] == N
    assert after["/api/overview"]["accounts"] == N + 6
    assert potential_of(after["/api/assess"]) > potential_of(before["/api/assess"])
    assert len(after["/api/map"]["accounts"]["id"]) == N + 6
    page = get(client, "/api/accounts?q=A065")
    assert [a["potential"] for a in page["accounts"]] == [1065.0]
    for url in CACHED:
        fresh = cold(client, writer, url)
        if url == "/api/map":
            fresh.pop("shapes_seconds"), after[url].pop("shapes_seconds")
        assert after[url] == fresh, url


def test_a_move_shows_at_once(workspace: tuple[Any, UnitOfWork, Path]) -> None:
    client, writer, _ = workspace
    copy_to_draft(writer, "Current", "Draft")
    url = "/api/assess?scenario=Draft"
    before = get(client, url)
    map_before = get(client, "/api/map?scenario=Draft")
    editing.move(writer, "Draft", ["A000", "A001", "A002"], "T2")  # T0, T1, T2 before
    after = get(client, url)
    assert counts(after) == {**counts(before), "T0": 19, "T1": 19, "T2": 22}
    assert after == cold(client, writer, url)
    moved = get(client, "/api/map?scenario=Draft")
    names = [t["name"] for t in moved["territories"]]
    assert moved["accounts"]["territory"][:3] == [names.index("T2")] * 3
    assert moved != map_before


def test_an_approval_and_a_publish_show_at_once(workspace: tuple[Any, UnitOfWork, Path]) -> None:
    client, writer, _ = workspace
    copy_to_draft(writer, "Current", "Next")
    assert get(client, "/api/assess?scenario=Next")["scenario"]["status"] == "draft"
    overview = get(client, "/api/overview")
    assert {"name": "Next", "status": "draft"} in overview["scenarios"]
    approve_scenario(writer, "Next", force=True)
    assert get(client, "/api/assess?scenario=Next")["scenario"]["status"] == "approved"
    assert {"name": "Next", "status": "approved"} in get(client, "/api/overview")["scenarios"]
    assert get(client, "/api/assess")["scenario"]["name"] == "Current"
    publish_scenario(writer, "Next", date.today(), force=True)
    assert get(client, "/api/assess")["scenario"] == {"name": "Next", "status": "active"}
    assert get(client, "/api/overview")["active"] == "Next"
    assert get(client, "/api/map")["scenario"]["name"] == "Next"


def test_a_design_shows_at_once(workspace: tuple[Any, UnitOfWork, Path]) -> None:
    client, writer, _ = workspace
    assert client.get("/api/assess?scenario=Plan").status_code == 404
    names = [s["name"] for s in get(client, "/api/overview")["scenarios"]]
    assert "Plan" not in names
    request = DesignRequest(
        name="Plan", territories=3, balance=("potential",), tolerance=0.2, iterations=20
    )
    design_scenario(writer, request)
    assert client.get("/api/assess?scenario=Plan").status_code == 200  # the 404 was not kept
    assert "Plan" in [s["name"] for s in get(client, "/api/overview")["scenarios"]]
    assert sum(counts(get(client, "/api/assess?scenario=Plan")).values()) == N


def test_workers_share_an_answer_on_postgresql(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An answer one worker computed is read by the others (here: this process with its
    own memory emptied) until the data changes; then it is computed once more."""
    from territorial.web import views

    writer = open_workspace(pg_url)
    import_accounts(writer, write_accounts(tmp_path / "seed.csv", N, 100.0))
    clear_answers(writer)
    computed: list[str | None] = []
    original = views.assess_scenario

    def counted(uow: UnitOfWork, scenario: str | None = None, **kw: Any) -> Any:
        computed.append(scenario)
        return original(uow, scenario, **kw)

    monkeypatch.setattr(views, "assess_scenario", counted)
    try:
        with logged_in(pg_url) as client:
            first = get(client, "/api/assess")
            clear_answers()  # another worker: nothing in its memory
            assert get(client, "/api/assess") == first
            assert len(computed) == 1
            import_accounts(writer, write_accounts(tmp_path / "more.csv", N + 1, 100.0))
            clear_answers()
            assert sum(counts(get(client, "/api/assess")).values()) == N + 1
            assert len(computed) == 2
    finally:
        writer.engine.dispose()


def test_the_live_alignment_survives_a_new_draft_and_not_a_change_it_reads(
    workspace: tuple[Any, UnitOfWork, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The assessment, map and overview counts of the alignment in force read that
    scenario and the common data only: a new draft design and an edit of a draft leave
    them cached (the overview's list of scenarios shows the new ones); new sales, an
    import or a publish compute them again, and what they show is what a cold
    computation shows."""
    from territorial.domain.activity import Sale
    from territorial.web import views

    client, writer, folder = workspace
    computed: list[str] = []
    assess, draw = views.assess_scenario, mapdata.scenario_map

    def counted_assess(uow: UnitOfWork, scenario: str | None = None, **kw: Any) -> Any:
        computed.append("assess")
        return assess(uow, scenario, **kw)

    def counted_map(uow: UnitOfWork, scenario: str | None = None, *a: Any, **kw: Any) -> Any:
        computed.append("map")
        return draw(uow, scenario, *a, **kw)

    summarise = views.summarise

    def counted_summary(uow: UnitOfWork, *a: Any, **kw: Any) -> Any:
        computed.append("overview")
        return summarise(uow, *a, **kw)

    monkeypatch.setattr(views, "assess_scenario", counted_assess)
    monkeypatch.setattr(mapdata, "scenario_map", counted_map)
    monkeypatch.setattr(views, "summarise", counted_summary)
    live = ("/api/assess", "/api/map", "/api/overview")
    clear_answers(writer)  # logging in showed the overview
    before = {url: get(client, url) for url in live}
    assert sorted(computed) == ["assess", "map", "overview"]
    request = DesignRequest(
        name="Plan", territories=3, balance=("potential",), tolerance=0.2, iterations=20
    )
    design_scenario(writer, request)
    copy_to_draft(writer, "Current", "Draft")
    editing.move(writer, "Draft", ["A000"], "T2")
    overview = get(client, "/api/overview")
    assert [s["name"] for s in overview["scenarios"]] == ["Current", "Plan", "Draft"]
    assert {**overview, "scenarios": before["/api/overview"]["scenarios"]} == before[
        "/api/overview"
    ]
    assert {url: get(client, url) for url in live[:2]} == {u: before[u] for u in live[:2]}
    assert sorted(computed) == ["assess", "map", "overview"]  # not computed again
    assert get(client, "/api/assess?scenario=Draft")["scenario"]["name"] == "Draft"

    def recomputed(change: str) -> dict[str, Any]:
        computed.clear()
        after = {url: get(client, url) for url in live}
        assert sorted(computed) == ["assess", "map", "overview"], change
        for url in live:
            fresh = cold(client, writer, url)
            if url == "/api/map":
                fresh.pop("shapes_seconds"), after[url].pop("shapes_seconds")
            assert after[url] == fresh, (change, url)
        return after

    with writer:
        writer.sales.add_many([Sale("A000", date.today(), 5000.0)])
        writer.commit()
    recomputed("new sales")
    import_accounts(writer, write_accounts(folder / "more.csv", N + 3, 100.0))
    after = recomputed("an import")
    assert len(after["/api/map"]["accounts"]["id"]) == N + 3
    approve_scenario(writer, "Draft", force=True)
    publish_scenario(writer, "Draft", date.today(), force=True)
    after = recomputed("a publish")
    assert after["/api/assess"]["scenario"] == {"name": "Draft", "status": "active"}
