"""Growing territories from an LP solution: every unit placed, roots and locks kept,
territories connected when no lock is walled off, and the LP's own plan recovered."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from design_helpers import grid, plan_connected, rooted_instance
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from territorial.optimize.design.contiguous import Graph
from territorial.optimize.design.lp_growth import grown_from_lp


def _shares(rng: np.random.Generator, n: int, p: int) -> np.ndarray:
    """A random fractional assignment: each unit's shares sum to one."""
    x = rng.random((n, p)) ** 4
    return x / x.sum(axis=1, keepdims=True)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(6, 60),
    p=st.integers(2, 5),
    locked=st.sampled_from([0.0, 0.15]),
)
def test_every_unit_is_placed_keeping_roots_and_locks(
    seed: int, n: int, p: int, locked: float
) -> None:
    adj, _, cost, w, lo, hi, roots, _ = rooted_instance(seed, n, p, 0.05)
    if sp.csgraph.connected_components(adj, directed=False)[0] > 1:
        return  # a unit no path reaches is never placed
    rng = np.random.default_rng(seed)
    locks = np.where(rng.random(n) < locked, rng.integers(0, p, size=n), -1)
    locks[roots] = np.arange(p)
    plan = grown_from_lp(Graph.of(adj), _shares(rng, n, p), cost, w, (lo + hi) / 2, roots, locks)
    assert plan is not None and ((plan >= 0) & (plan < p)).all()
    assert (plan[locks >= 0] == locks[locks >= 0]).all()
    if locked == 0.0:  # only the roots are locked: nothing is walled off
        assert plan_connected(adj, plan, p)


def test_an_integral_contiguous_balanced_lp_plan_is_grown_back() -> None:
    side = 8
    coords, adj = grid(side)
    halves = (coords[:, 0] >= side / 2).astype(np.int64)  # left half 0, right half 1
    x = np.eye(2)[halves]
    roots = np.array([0, side - 1])  # the two bottom corners
    cost = np.abs(coords[:, :1] - coords[roots, 0][None, :])  # far from the root's column
    cost[:, 0], cost[:, 1] = cost[:, 1], cost[:, 0].copy()  # ties broken against the LP
    w = np.ones((side * side, 1))
    target = np.full((2, 1), side * side / 2)
    locks = np.full(side * side, -1)
    locks[roots] = [0, 1]
    plan = grown_from_lp(Graph.of(adj), x, cost, w, target, roots, locks)
    assert plan is not None
    assert (plan == halves).all()


def test_a_lock_walled_off_by_another_territory_still_joins_its_own() -> None:
    # a path 0 - 1 - 2 - 3 - 4: unit 4 is locked to territory 0 but territory 1 (root
    # 3) sits between it and root 0, and unit 2 prefers territory 1
    adj = sp.diags([1, 1], [-1, 1], shape=(5, 5), dtype=np.int8).tocsr()
    x = np.array([[1, 0], [1, 0], [0, 1], [0, 1], [1, 0]], dtype=float)
    cost = np.zeros((5, 2))
    w = np.ones((5, 1))
    roots = np.array([0, 3])
    locks = np.array([0, -1, -1, 1, 0])
    plan = grown_from_lp(Graph.of(adj), x, cost, w, np.full((2, 1), 2.5), roots, locks)
    assert plan is not None
    assert plan.tolist() == [0, 0, 1, 1, 0]
