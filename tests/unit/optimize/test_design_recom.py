"""Spanning-tree recombination (ReCom) of contiguous designs: every territory stays
connected and keeps its root and its locked units, every unit keeps one territory,
the weight moved from the current plan stays within its cap, excess never rises."""

from __future__ import annotations

import math

import numpy as np
from design_helpers import grid, locks_and_cap, plan_connected, plan_travel, rooted_instance
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from territorial.optimize.design.contiguous import (
    Graph,
    MoveCap,
    _excess,
    distinct_roots,
    voronoi_plan,
)
from territorial.optimize.design.kernels.recom import recom
from territorial.optimize.design.recom import QUAD, recombine


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(6, 60),
    p=st.integers(2, 5),
    tol=st.sampled_from([0.02, 0.05, 0.2]),
    pull=st.sampled_from([0.0, 0.1, 1.0]),
)
def test_recombination_keeps_territories_connected_rooted_and_excess_down(
    seed: int, n: int, p: int, tol: float, pull: float
) -> None:
    adj, _, cost, w, lo, hi, roots, start = rooted_instance(seed, n, p, tol)
    if not plan_connected(adj, start, p):
        return  # the Voronoi fallback (unreached units) may not be connected
    locks, moves = locks_and_cap(seed, start, p)
    g = Graph.of(adj)
    plan = recombine(
        cost, w, lo, hi, g, start, roots, seed, proposals=3_000, locks=locks, moves=moves, pull=pull
    )
    assert plan.shape == (n,) and ((plan >= 0) & (plan < p)).all()
    assert (plan[roots] == np.arange(p)).all()
    assert (plan[locks >= 0] == locks[locks >= 0]).all()
    assert moves.moved(plan) <= max(moves.cap, moves.moved(start)) + 1e-9
    assert plan_connected(adj, plan, p)
    before, after = _excess(start, w, lo, hi), _excess(plan, w, lo, hi)
    assert after <= before + 1e-12
    if after == before:  # equal excess: the best plan is no costlier
        assert plan_travel(cost, plan) <= plan_travel(cost, start) + 1e-9


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(10, 50),
    p=st.integers(2, 4),
    pull=st.sampled_from([0.0, 0.1, 1.0]),
)
def test_every_step_keeps_the_invariants_and_travel_steps_keep_balance(
    seed: int, n: int, p: int, pull: float
) -> None:
    """One proposal per call: after each, the working plan is connected with its roots;
    the best plan's excess never rises; in the travel mode the working plan's excess
    never rises and its travel only falls."""
    adj, _, cost, w, lo, hi, roots, work = rooted_instance(seed, n, p, 0.1)
    if not plan_connected(adj, work, p):
        return
    g = Graph.of(adj)
    best = work.copy()
    best_excess = _excess(best, w, lo, hi)
    rng = np.random.default_rng(seed)
    locks = np.where(rng.random(n) < 0.1, work, -1)
    held = locks >= 0
    moves = MoveCap(work.copy(), rng.uniform(0, 2, n), 0.2 * n)
    for step in range(150):
        travel_mode = step >= 100
        excess, travel = _excess(work, w, lo, hi), plan_travel(cost, work)
        caps = (locks, moves.current, moves.weights, moves.cap)
        args = (lo, hi, roots, *caps, QUAD, pull, 0.01, travel_mode, 1, math.inf, step)
        recom(g.ptr, g.idx, work, best, w, cost, *args)
        assert plan_connected(adj, work, p) and (work[roots] == np.arange(p)).all()
        assert plan_connected(adj, best, p) and (best[roots] == np.arange(p)).all()
        assert (work[held] == locks[held]).all() and (best[held] == locks[held]).all()
        assert moves.moved(work) <= moves.cap + 1e-9 and moves.moved(best) <= moves.cap + 1e-9
        now = _excess(best, w, lo, hi)
        assert now <= best_excess + 1e-12
        best_excess = now
        if travel_mode:
            assert _excess(work, w, lo, hi) <= excess + 1e-12
            assert plan_travel(cost, work) <= travel + 1e-9


def test_recombination_balances_a_grid_from_the_voronoi_plan() -> None:
    side, p = 12, 4
    coords, adj = grid(side)
    n = side * side
    rng = np.random.default_rng(3)
    w = rng.uniform(1, 2, size=(n, 2))
    target = np.repeat(w.sum(axis=0)[None, :] / p, p, axis=0)
    lo, hi = 0.97 * target, 1.03 * target
    homes = np.array([[1.0, 1.0], [2.0, 2.0], [3.0, 1.0], [1.0, 3.0]])  # crowded corner
    roots = distinct_roots(coords, homes)
    cost = np.linalg.norm(coords[:, None, :] - homes[None, :, :], axis=2)
    start = voronoi_plan(adj, coords, roots)
    assert _excess(start, w, lo, hi) > 0.5
    plan = recombine(cost, w, lo, hi, Graph.of(adj), start, roots, 0, proposals=20_000)
    assert _excess(plan, w, lo, hi) == 0.0
    assert plan_connected(adj, plan, p) and (plan[roots] == np.arange(p)).all()


def test_same_seed_same_plan() -> None:
    adj, _, cost, w, lo, hi, roots, start = rooted_instance(5, 50, 4, 0.05)
    g = Graph.of(adj)
    a = recombine(cost, w, lo, hi, g, start, roots, 7, proposals=5_000)
    b = recombine(cost, w, lo, hi, g, start, roots, 7, proposals=5_000)
    assert (a == b).all()
