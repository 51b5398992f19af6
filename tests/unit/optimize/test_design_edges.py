"""Degenerate sizes and inputs still return a valid plan."""

from __future__ import annotations

import numpy as np
from design_helpers import random_instance

from territorial.optimize.design import DesignProblem, MaxIterations, MaxRuntime, solve


def test_single_territory() -> None:
    pb = random_instance(0, n=20, p=1)
    res = solve(pb, MaxIterations(2))
    assert (res.assignment == 0).all() and res.feasible


def test_single_unit() -> None:
    pb = DesignProblem(np.zeros((1, 2)), np.ones((1, 1)), p=1)
    res = solve(pb, MaxIterations(1))
    assert res.assignment.tolist() == [0] and res.feasible and res.diameter == 0.0


def test_one_unit_per_territory() -> None:
    pb = random_instance(1, n=8, p=8, tol=10.0)
    res = solve(pb, MaxIterations(2))
    assert sorted(res.assignment.tolist()) == list(range(8))


def test_duplicate_and_collinear_points() -> None:
    xy = np.repeat(np.column_stack([np.arange(10.0), np.zeros(10)]), 3, axis=0)
    w = np.ones((30, 2))
    pb = DesignProblem(xy, w, p=3, tolerances=0.1)
    res = solve(pb, MaxIterations(2))
    assert res.feasible
    assert set(res.assignment.tolist()) == {0, 1, 2}


def test_zero_time_still_returns_a_plan() -> None:
    pb = random_instance(2, n=50, p=4)
    res = solve(pb, MaxRuntime(0.0))
    assert res.iterations == 1 and res.assignment.shape == (50,)


def test_disconnected_graph_with_enough_territories() -> None:
    a = random_instance(3, n=20, p=2)
    b = random_instance(4, n=20, p=2)
    import scipy.sparse as sp

    xy = np.vstack([np.asarray(a.coords), np.asarray(b.coords) + 500])
    w = np.vstack([np.asarray(a.measures), np.asarray(b.measures)])
    adj = sp.block_diag([a.adjacency, b.adjacency]).tocsr()
    pb = DesignProblem(xy, w, p=4, tolerances=0.5, adjacency=adj, contiguous=True)
    res = solve(pb, MaxIterations(3))
    assert not res.disconnected
