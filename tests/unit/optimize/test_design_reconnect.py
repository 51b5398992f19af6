"""Reconnecting a plan whose territories are in pieces: when it succeeds, every
territory is one connected piece with its root, and every root and lock is kept."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from design_helpers import grid, plan_connected, rooted_instance
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from territorial.optimize.design.contiguous import Graph, distinct_roots, voronoi_plan
from territorial.optimize.design.reconnect import reconnect


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), n=st.integers(6, 60), p=st.integers(2, 5))
def test_a_scrambled_plan_comes_back_connected_with_its_roots_and_locks(
    seed: int, n: int, p: int
) -> None:
    adj, coords, *_, roots, _ = rooted_instance(seed, n, p, 0.05)
    if sp.csgraph.connected_components(adj, directed=False)[0] > 1:
        return  # a unit no path reaches cannot be joined to anything
    rng = np.random.default_rng(seed)
    plan = rng.integers(0, p, size=n)
    plan[roots] = np.arange(p)
    locks = np.where(rng.random(n) < 0.15, plan, -1)
    locks[roots] = -1
    mended = reconnect(Graph.of(adj), coords, plan, roots, locks)
    if mended is None:
        return  # e.g. a locked unit walled in by units locked elsewhere
    assert plan_connected(adj, mended, p)
    assert (mended[roots] == np.arange(p)).all()
    assert (mended[locks >= 0] == locks[locks >= 0]).all()


def test_a_unit_locked_far_from_its_root_is_joined_along_a_corridor() -> None:
    side = 10
    coords, adj = grid(side)
    roots = distinct_roots(coords, np.array([[0.0, 0.0], [9.0, 9.0], [9.0, 0.0]]))
    plan = voronoi_plan(adj, coords, roots)
    far = int(np.flatnonzero((coords == [8.0, 8.0]).all(axis=1))[0])  # deep in root 1's
    plan[far] = 0
    locks = np.full(len(plan), -1)
    locks[far] = 0
    assert not plan_connected(adj, plan, 3)
    mended = reconnect(Graph.of(adj), coords, plan, roots, locks)
    assert mended is not None
    assert plan_connected(adj, mended, 3)
    assert mended[far] == 0 and (mended[roots] == np.arange(3)).all()
    # the corridor is a shortest path: 16 steps of the grid from (0, 0) to (8, 8)
    assert (mended == 0).sum() - (plan == 0).sum() <= 16
