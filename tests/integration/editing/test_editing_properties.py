"""Any sequence of moves, locks, undos and redos leaves the database and the editor's
running figures in agreement with a session rebuilt from the database (SQLite)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from territorial.domain import (
    Account,
    LocatedBy,
    Rep,
    Scenario,
    ScenarioStatus,
    TerritorialError,
    Territory,
)
from territorial.services import editing
from territorial.services.workspace import open_workspace
from territorial.storage import UnitOfWork

N = 12
TERRITORIES = ["T1", "T2", "T3"]
ops = st.lists(
    st.one_of(
        st.tuples(
            st.just("move"),
            st.lists(st.integers(0, N - 1), min_size=1, max_size=5),
            st.sampled_from(TERRITORIES),
        ),
        st.tuples(
            st.just("lock"), st.lists(st.integers(0, N - 1), min_size=1, max_size=3), st.booleans()
        ),
        st.tuples(st.just("undo")),
        st.tuples(st.just("redo")),
    ),
    max_size=12,
)


def workspace(path: str) -> UnitOfWork:
    uow = open_workspace(path)
    rng = np.random.default_rng(3)
    with uow:
        uow.accounts.add_many(
            [
                Account(
                    f"A{i}",
                    f"A{i}",
                    latitude=float(rng.uniform(30, 45)),
                    longitude=float(rng.uniform(-110, -75)),
                    located_by=LocatedBy.COORDINATES,
                    potential=float(rng.integers(1, 1000)),
                    annual_revenue=float(i),
                )
                for i in range(N)
            ]
        )
        uow.reps.add_many([Rep("R1", "One", home_latitude=40.0, home_longitude=-90.0)])
        uow.scenarios.save(
            Scenario(
                "Draft",
                ScenarioStatus.DRAFT,
                territories=[
                    Territory("T1", rep_external_id="R1"),
                    Territory("T2"),
                    Territory("T3"),
                ],
                assignments={f"A{i}": TERRITORIES[i % 3] for i in range(N) if i % 4},
            )
        )
        uow.commit()
    return uow


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops)
def test_edits_agree_with_a_rebuilt_session(
    tmp_path: Path, steps: list[tuple[object, ...]]
) -> None:
    path = str(tmp_path / f"p{abs(hash(repr(steps)))}.db")
    if Path(path).exists():
        Path(path).unlink()
    uow = workspace(path)
    editing.clear_sessions()
    last: dict[str, object] | None = None
    for step in steps:
        try:
            if step[0] == "move":
                ids = [f"A{i}" for i in step[1]]  # type: ignore[attr-defined]
                last = editing.move(uow, "Draft", ids, str(step[2]))
            elif step[0] == "lock":
                ids = [f"A{i}" for i in step[1]]  # type: ignore[attr-defined]
                last = editing.set_locked(uow, "Draft", ids, bool(step[2]))
            else:
                last = (editing.undo if step[0] == "undo" else editing.redo)(uow, "Draft")
        except TerritorialError:
            continue  # refused (locked, unassigned, nothing to undo): nothing changed
    kept = editing.editor_state(uow, "Draft")
    # no change "made elsewhere" was seen: the fingerprint kept by each edit was exact
    assert kept["version"] == (last["version"] if last is not None else 0)
    editing.clear_sessions()
    fresh = editing.editor_state(uow, "Draft")
    assert kept["version"] == fresh["version"]
    assert sorted(kept["locked"]) == sorted(fresh["locked"])
    assert (kept["can_undo"], kept["can_redo"]) == (fresh["can_undo"], fresh["can_redo"])
    for a, b in zip(kept["balance"]["territories"], fresh["balance"]["territories"], strict=True):
        assert a["accounts"] == b["accounts"]
        np.testing.assert_allclose(a["totals"], b["totals"], rtol=1e-9, atol=1e-9)
        assert a["travel_km"] == pytest.approx(b["travel_km"], abs=0.11) or (
            a["travel_km"] is None and b["travel_km"] is None
        )
