"""The HiGHS model: optimum on tiny instances (checked by enumeration) and gaps."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from design_helpers import random_instance, territories_connected

from territorial.optimize.design import DesignParams, MaxIterations, solve
from territorial.optimize.design.evaluate import evaluate
from territorial.optimize.design.exact import solve_exact


def brute_force(pb) -> float:  # type: ignore[no-untyped-def]
    n, p = pb.n, pb.p
    best = np.inf
    for labels in itertools.product(range(p), repeat=n - 1):
        a = np.array((0, *labels))
        if len(set(a.tolist())) < p:
            continue
        fig = evaluate(pb, a)
        if fig.feasible(np.inf):
            best = min(best, fig.diameter)
    return float(best)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_exact_matches_enumeration(seed: int) -> None:
    pb = random_instance(seed, n=9, p=3, tol=0.3)
    ex = solve_exact(pb, time_limit=20)
    assert ex.optimal
    assert ex.objective == pytest.approx(brute_force(pb), rel=1e-6)
    assert ex.assignment is not None
    assert territories_connected(pb, ex.assignment)


def test_exact_bound_and_heuristic_gap() -> None:
    pb = random_instance(11, n=30, p=3, tol=0.1)
    res = solve(pb, MaxIterations(5), seed=0, params=DesignParams(bound_time_limit=30))
    assert res.lower_bound is not None and res.gap is not None
    assert 0 < res.lower_bound <= res.diameter + 1e-6  # a real bound, below the plan found
    assert res.gap == pytest.approx((res.diameter - res.lower_bound) / res.diameter, abs=1e-12)


def test_exact_travel_with_fixed_centres() -> None:
    centres = np.array([[20.0, 20.0], [80.0, 80.0]])
    pb = random_instance(5, n=14, p=2, tol=0.2, objective="travel", fixed_centres=centres)
    ex = solve_exact(pb, time_limit=20)
    assert ex.optimal and ex.assignment is not None
    heur = solve(pb, MaxIterations(3), seed=0)
    assert ex.objective is not None
    assert ex.objective <= heur.travel + 1e-6


def test_exact_rejects_free_travel() -> None:
    pb = random_instance(5, n=14, p=2, objective="travel")
    with pytest.raises(ValueError, match="travel"):
        solve_exact(pb, time_limit=1)
