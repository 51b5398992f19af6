"""Boundary exchanges (the fine balance repair of contiguous designs): territories stay
connected, roots and locked units stay, the moved weight stays within its cap, the
excess never rises; and a swap balances two territories whose measures pull apart,
where no single move can."""

from __future__ import annotations

import numpy as np
from design_helpers import grid, locks_and_cap, plan_connected, rooted_instance
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from territorial.optimize.design import DesignProblem
from territorial.optimize.design.contiguous import Graph, MoveCap, _excess
from territorial.optimize.design.exchange import exchange_repair
from territorial.optimize.design.travel import _Instance, _near_exchanges, _rounded


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(6, 80),
    p=st.integers(2, 6),
    tol=st.sampled_from([0.01, 0.05, 0.2]),
    capped=st.booleans(),
)
def test_exchanges_keep_territories_connected_rooted_locked_and_excess_down(
    seed: int, n: int, p: int, tol: float, capped: bool
) -> None:
    adj, _, cost, w, lo, hi, roots, start = rooted_instance(seed, n, p, tol)
    if not plan_connected(adj, start, p):
        return  # the Voronoi fallback (unreached units) may not be connected
    locks, moves = locks_and_cap(seed, start, p)
    locks[roots] = np.arange(p)
    plan = exchange_repair(
        w, lo, hi, Graph.of(adj), start, locks, cost=cost, moves=moves if capped else None
    )
    assert plan.shape == (n,) and ((plan >= 0) & (plan < p)).all()
    assert (plan[locks >= 0] == locks[locks >= 0]).all()
    assert plan_connected(adj, plan, p)
    assert _excess(plan, w, lo, hi) <= _excess(start, w, lo, hi) + 1e-12
    if capped:
        assert moves.moved(plan) <= max(moves.cap, moves.moved(start)) + 1e-9


def test_changes_bound_the_work() -> None:
    adj, _, cost, w, lo, hi, roots, start = rooted_instance(7, 60, 4, 0.01)
    locks = np.full(60, -1)
    locks[roots] = np.arange(4)
    plan = exchange_repair(w, lo, hi, Graph.of(adj), start, locks, cost=cost, changes=1)
    assert 1 <= int((plan != start).sum()) <= 2  # one move or one swap


def _pulling_apart() -> tuple[np.ndarray, ...]:
    """A 6 x 6 grid cut into a left and a right half: the second measure counts units
    (18 each, so no single unit may move); the first is 1 per unit but for two units of
    the left half (2.0 on its border, 1.5 inside) and one on the right's border (1.5),
    so the left is 2.6% over and the right 2.6% under. Only swapping the two border
    units balances both (within 2%, exactly)."""
    coords, adj = grid(6)
    plan = (coords[:, 0] >= 3).astype(np.int64)
    w = np.ones((36, 2))
    left = int(np.flatnonzero((coords[:, 0] == 2) & (coords[:, 1] == 1))[0])
    right = int(np.flatnonzero((coords[:, 0] == 3) & (coords[:, 1] == 4))[0])
    inside = int(np.flatnonzero((coords[:, 0] == 0) & (coords[:, 1] == 3))[0])
    w[left, 0], w[right, 0], w[inside, 0] = 2.0, 1.5, 1.5
    target = np.repeat(w.sum(axis=0)[None, :] / 2, 2, axis=0)
    locks = np.full(36, -1)
    locks[0], locks[35] = 0, 1
    return adj, plan, w, 0.98 * target, 1.02 * target, locks, np.array([left, right])


def test_a_swap_balances_two_territories_whose_measures_pull_apart() -> None:
    adj, start, w, lo, hi, locks, swapped = _pulling_apart()
    assert _excess(start, w, lo, hi) > 0
    plan = exchange_repair(w, lo, hi, Graph.of(adj), start, locks)
    assert _excess(plan, w, lo, hi) == 0.0
    assert plan_connected(adj, plan, 2)
    assert (plan[swapped] == 1 - start[swapped]).all()


def test_a_swap_that_would_break_the_move_cap_is_not_made() -> None:
    adj, start, w, lo, hi, locks, _ = _pulling_apart()
    no_moves = MoveCap(start.copy(), np.ones(36), 0.0)
    plan = exchange_repair(w, lo, hi, Graph.of(adj), start, locks, moves=no_moves)
    assert (plan == start).all()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), p=st.integers(3, 12))
def test_an_account_level_plan_the_mip_left_unbalanced_is_repaired_among_near_units(
    seed: int, p: int
) -> None:
    """Without contiguity (the LP rounded when no MIP round found a plan in time), the
    exchanges trade among each unit's nearest units: the rounded LP of 400 accounts,
    two measures at ±2%, is balanced; locked accounts stay; no territory is emptied."""
    rng = np.random.default_rng(seed)
    n = 400
    coords = rng.uniform(0, 100, (n, 2))
    locks = np.where(rng.random(n) < 0.1, rng.integers(0, p, n), -1)
    problem = DesignProblem(
        coords,
        rng.uniform(1, 3, (n, 2)),
        p,
        0.02,
        objective="travel",
        fixed_centres=rng.uniform(0, 100, (p, 2)),
        locks=locks,
    )
    inst = _Instance(problem)
    model = inst.model(inst.centres)
    lp = model.solve_lp()
    assert lp is not None
    start = _rounded(lp)
    b = inst.balance
    plan = _near_exchanges(inst, model, start, 10.0)
    assert _excess(plan, b.weights, b.lo, b.hi) <= _excess(start, b.weights, b.lo, b.hi)
    assert _excess(plan, b.weights, b.lo, b.hi) == 0.0
    assert (plan[locks >= 0] == locks[locks >= 0]).all()
    assert (np.bincount(plan, minlength=p) > 0).all()
