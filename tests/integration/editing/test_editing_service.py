"""The editor service on SQLite and PostgreSQL: moves, locks, undo and redo are stored."""

from __future__ import annotations

from dataclasses import replace

import pytest

from territorial.domain import Account, LocatedBy, Rep, Scenario, ScenarioStatus, Territory
from territorial.services import editing
from territorial.services.mapdata import scenario_map
from territorial.storage import UnitOfWork

# (id, lat, lon, potential, territory)
ACCOUNTS = [
    ("A1", 40.0, -75.0, 100.0, "T1"),
    ("A2", 40.1, -75.1, 300.0, "T1"),
    ("A3", 41.0, -80.0, 200.0, "T2"),
    ("A4", 41.1, -80.1, 200.0, "T2"),
    ("A5", 35.0, -90.0, 50.0, None),
]


def seed(uow: UnitOfWork) -> None:
    with uow:
        uow.accounts.add_many(
            [
                Account(
                    a,
                    a,
                    latitude=lat,
                    longitude=lon,
                    located_by=LocatedBy.COORDINATES,
                    potential=pot,
                )
                for a, lat, lon, pot, _ in ACCOUNTS
            ]
        )
        uow.reps.add_many([Rep("R1", "Rep One", home_latitude=40.0, home_longitude=-75.0)])
        uow.scenarios.save(
            Scenario(
                "Draft",
                ScenarioStatus.DRAFT,
                territories=[Territory("T1", rep_external_id="R1"), Territory("T2")],
                assignments={a: t for a, *_, t in ACCOUNTS if t},
                balance_spec={"potential": 0.1},
            )
        )
        uow.scenarios.save(
            Scenario(
                "Live",
                ScenarioStatus.ACTIVE,
                territories=[Territory("T1")],
                assignments={"A1": "T1"},
            )
        )
        uow.commit()


def stored(uow: UnitOfWork) -> Scenario:
    with uow:
        found = uow.scenarios.get("Draft")
    assert found is not None
    return found


def totals(result: dict[str, object]) -> dict[str, float]:
    rows = result["balance"]["territories"]  # type: ignore[index]
    return {r["name"]: r["totals"][0] for r in rows}  # type: ignore[index]


def test_edit_cycle_is_stored(uow: UnitOfWork) -> None:
    editing.clear_sessions()
    seed(uow)
    state = editing.editor_state(uow, "Draft")
    assert state["balance"]["spec"] == "designed"
    assert totals(state) == {"T1": 400.0, "T2": 400.0}
    moved = editing.move(uow, "Draft", ["A2", "A5"], "T2", expect_version=0)
    assert totals(moved) == {"T1": 100.0, "T2": 750.0}
    assert stored(uow).assignments == {"A1": "T1", "A2": "T2", "A3": "T2", "A4": "T2", "A5": "T2"}
    editing.set_locked(uow, "Draft", ["A3"], True, expect_version=1)
    assert stored(uow).locks == {"A3": "T2"}
    with pytest.raises(editing.EditRefused, match="locked"):
        editing.move(uow, "Draft", ["A3"], "T1")
    with pytest.raises(editing.EditConflict):
        editing.move(uow, "Draft", ["A4"], "T1", expect_version=1)
    editing.undo(uow, "Draft")  # the lock
    editing.undo(uow, "Draft")  # the move: A5 is unassigned again
    assert stored(uow).assignments == {"A1": "T1", "A2": "T1", "A3": "T2", "A4": "T2"}
    assert stored(uow).locks == {}
    redone = editing.redo(uow, "Draft")
    assert totals(redone) == {"T1": 100.0, "T2": 750.0}
    editing.clear_sessions()  # another process: the log is in the database
    again = editing.editor_state(uow, "Draft")
    assert again["version"] == 5 and (again["can_undo"], again["can_redo"]) == (1, 1)
    assert totals(again) == {"T1": 100.0, "T2": 750.0}
    with pytest.raises(editing.EditRefused, match="published"):
        editing.move(uow, "Live", ["A1"], "T1")


def test_a_territory_change_made_elsewhere_is_seen(uow: UnitOfWork) -> None:
    editing.clear_sessions()
    seed(uow)
    editing.move(uow, "Draft", ["A2"], "T2")
    before = editing.editor_state(uow, "Draft")
    assert [t["rep"] for t in before["balance"]["territories"]] == ["Rep One", None]
    with uow:  # the same assignments, T2 now held by R1 (as a re-saved design would)
        draft = uow.scenarios.get("Draft")
        assert draft is not None
        draft.territories[1].rep_external_id = "R1"
        uow.scenarios.save(draft)
        uow.commit()
    after = editing.editor_state(uow, "Draft")
    assert [t["rep"] for t in after["balance"]["territories"]] == ["Rep One", "Rep One"]
    assert after["version"] == before["version"] + 1 and after["can_undo"] == 0


def test_an_account_without_a_location_counts_in_its_territorys_totals(
    uow: UnitOfWork,
) -> None:
    """It is not on the map, so it cannot be moved, but it is in T1's balance and totals."""
    editing.clear_sessions()
    seed(uow)
    with uow:
        uow.accounts.add_many([Account("A6", "A6", located_by=LocatedBy.UNLOCATED, potential=70.0)])
        draft = uow.scenarios.get("Draft")
        assert draft is not None
        uow.scenarios.save(replace(draft, assignments={**draft.assignments, "A6": "T1"}))
        uow.commit()
    assert totals(editing.editor_state(uow, "Draft")) == {"T1": 470.0, "T2": 400.0}
    moved = editing.move(uow, "Draft", ["A2"], "T2", expect_version=0)
    assert totals(moved) == {"T1": 170.0, "T2": 700.0}
    # the map's territory list counts it too; it is not among the accounts drawn
    drawn = scenario_map(uow, "Draft", shapes=False)
    assert {t["name"]: (t["accounts"], t["potential"]) for t in drawn["territories"]} == {
        "T1": (2, 170.0),
        "T2": (3, 700.0),
    }
    assert "A6" not in drawn["accounts"]["id"] and drawn["counts"]["unlocated"] == 1
