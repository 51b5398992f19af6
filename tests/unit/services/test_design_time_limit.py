"""The time limit covers the whole design: what was spent before planning (the CLI's
start, given as ``started``) and building the units leave the engine less time."""

from __future__ import annotations

import time
from typing import Any

import pytest
from tests.unit.services.fakes import FakeUnitOfWork

from territorial.optimize.design import solve
from territorial.sample.generate import generate_workspace
from territorial.services import design as design_service
from territorial.services.design import DesignRequest, design_scenario


def _engine_budget(monkeypatch: pytest.MonkeyPatch, request: DesignRequest) -> float:
    """The seconds the engine was given for ``request``."""
    given: list[float] = []

    def recording(problem: Any, stop: Any, *args: Any) -> Any:
        given.append(stop.time_left(0.0))
        return solve(problem, stop, *args)

    monkeypatch.setattr(design_service, "solve", recording)
    ws = generate_workspace(seed=5, n_accounts=120, n_reps=3, months=1)
    design_scenario(FakeUnitOfWork(ws.accounts, ws.reps, [ws.scenario]), request)
    assert len(given) == 1
    return given[0]


def test_time_spent_before_planning_counts(monkeypatch: pytest.MonkeyPatch) -> None:
    now = DesignRequest(name="A", territories=3, time_limit=12.0, started=None)
    earlier = DesignRequest(
        name="B", territories=3, time_limit=12.0, started=time.perf_counter() - 6.0
    )
    assert _engine_budget(monkeypatch, now) <= 0.95 * 12.0
    assert _engine_budget(monkeypatch, earlier) <= 0.95 * 12.0 - 6.0
