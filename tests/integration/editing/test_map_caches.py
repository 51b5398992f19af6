"""The map's in-memory caches (frame, shapes, payload) on SQLite and PostgreSQL: after an
edit the map shows the new assignment, after an account changes its new figures, exactly
as a map built with every cache cleared."""

from __future__ import annotations

import dataclasses
import json

from territorial.domain import Account, LocatedBy, Scenario, ScenarioStatus, Territory
from territorial.services import editing, mapdata
from territorial.storage import UnitOfWork

N = 40


def seed(uow: UnitOfWork) -> None:
    with uow:
        uow.accounts.add_many(
            [
                Account(
                    f"A{k:02d}",
                    f"A{k:02d}",
                    latitude=36.0 + (k % 8) * 0.6,
                    longitude=-98.0 + (k // 8) * 1.3,
                    located_by=LocatedBy.COORDINATES,
                    potential=10.0 * (k + 1),
                )
                for k in range(N)
            ]
        )
        uow.scenarios.save(
            Scenario(
                "Draft",
                ScenarioStatus.DRAFT,
                territories=[Territory("T1"), Territory("T2"), Territory("T3")],
                assignments={f"A{k:02d}": f"T{1 + k * 3 // N}" for k in range(N)},
            )
        )
        uow.commit()


def fresh(uow: UnitOfWork) -> dict[str, object]:
    mapdata.clear_shape_cache()
    body: dict[str, object] = json.loads(mapdata.scenario_map_json(uow, "Draft"))
    body.pop("shapes_seconds")  # a timing
    return body


def cached(uow: UnitOfWork) -> dict[str, object]:
    body: dict[str, object] = json.loads(mapdata.scenario_map_json(uow, "Draft"))
    body.pop("shapes_seconds")  # a timing
    return body


def test_cached_map_follows_edits_and_account_changes(uow: UnitOfWork) -> None:
    seed(uow)
    editing.clear_sessions()
    mapdata.clear_shape_cache()
    first = cached(uow)
    editing.move(uow, "Draft", ["A00", "A01", "A02"], "T3")
    after_move = cached(uow)
    assert after_move != first
    assert after_move["accounts"]["territory"][:3] == [2, 2, 2]  # type: ignore[index]
    assert after_move == fresh(uow)
    with uow:
        account = uow.accounts.by_external_id()["A05"]
        uow.accounts.update_many([dataclasses.replace(account, potential=12345.0)])
        uow.commit()
    after_change = cached(uow)
    row = after_change["accounts"]["id"].index("A05")  # type: ignore[index,attr-defined]
    assert after_change["accounts"]["potential"][row] == 12345.0  # type: ignore[index]
    assert after_change == fresh(uow)
