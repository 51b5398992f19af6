"""A move cap too tight for the tolerances is proven by the LP relaxation (the least
moved weight of any balanced plan), and the design says so instead of "try longer"."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from territorial.optimize.design import DesignProblem, MaxRuntime, solve
from territorial.optimize.design.feasibility import least_moves


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), n=st.integers(2, 7), p=st.integers(2, 3))
def test_no_balanced_plan_moves_less_than_the_bound(seed: int, n: int, p: int) -> None:
    rng = np.random.default_rng(seed)
    measures = rng.uniform(0.1, 3, size=(n, 2))
    current = rng.integers(0, p, size=n)
    move_weights = rng.uniform(0, 2, size=n)
    target = np.repeat(measures.sum(axis=0)[None, :] / p, p, axis=0)
    lo, hi = target * 0.7, target * 1.3
    need = least_moves(measures, lo, hi, current, move_weights)
    balanced = []
    for plan in itertools.product(range(p), repeat=n):
        a = np.array(plan)
        load = np.zeros((p, 2))
        np.add.at(load, a, measures)
        if ((load >= lo - 1e-9) & (load <= hi + 1e-9)).all():
            balanced.append(float(move_weights[a != current].sum()))
    if balanced:  # the relaxation is feasible whenever a plan is
        assert need is not None
        assert min(balanced) >= need - 1e-6


def _all_in_one(objective: str, cap: float) -> DesignProblem:
    """20 equal accounts in a row, all in territory 0 of 2: a ±5% plan moves 10."""
    coords = np.column_stack([np.arange(20.0), np.zeros(20)])
    return DesignProblem(
        coords,
        np.ones((20, 1)),
        2,
        0.05,
        measure_names=("accounts",),
        objective=objective,  # type: ignore[arg-type]
        current=np.zeros(20, dtype=np.int64),
        max_moves=cap,
    )


@pytest.mark.parametrize("objective", ["travel", "diameter"])
def test_a_cap_too_tight_is_proven_and_named(objective: str) -> None:
    result = solve(_all_in_one(objective, 3), MaxRuntime(5))
    assert not result.feasible
    assert result.note is not None
    assert "at least 10 must move, and the cap is 3" in result.note


@pytest.mark.parametrize("objective", ["travel", "diameter"])
def test_a_cap_that_suffices_balances(objective: str) -> None:
    result = solve(_all_in_one(objective, 10), MaxRuntime(5))
    assert result.feasible
    assert result.note is None
    assert result.moves <= 10
