"""The shortest-path contiguity MIP (path_mip): every plan it returns is connected, keeps
each root and every unit assigned; excess never rises, and a balanced plan stays
balanced with travel never higher; locked units stay and the moved weight stays within
its cap. The rows admit the start plan, so HiGHS starts from it."""

from __future__ import annotations

import math

import numpy as np
import scipy.sparse as sp
from design_helpers import locks_and_cap, plan_connected, plan_travel, rooted_instance
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from territorial.optimize.design.contiguous import Graph, _excess
from territorial.optimize.design.path_mip import _candidates, path_distances, path_polish


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(6, 50),
    p=st.integers(2, 4),
    tol=st.sampled_from([0.05, 0.2, 5.0]),
    guided=st.booleans(),
)
def test_polished_plans_stay_connected_rooted_and_never_worse(
    seed: int, n: int, p: int, tol: float, guided: bool
) -> None:
    adj, coords, cost, w, lo, hi, roots, start = rooted_instance(seed, n, p, tol)
    if not plan_connected(adj, start, p):
        return  # the Voronoi fallback (unreached units) may not be connected
    locks, moves = locks_and_cap(seed, start, p)
    g = Graph.of(adj)
    shares = np.random.default_rng(seed).random((n, p)) ** 4  # an LP-like guide
    guide = shares / shares.sum(axis=1, keepdims=True) if guided else None
    plan = path_polish(
        cost,
        w,
        lo,
        hi,
        g,
        coords,
        start,
        roots,
        math.inf,
        rounds=3,
        nodes=50,
        locks=locks,
        moves=moves,
        guide=guide,
    )
    assert plan.shape == (n,) and ((plan >= 0) & (plan < p)).all()
    assert (plan[roots] == np.arange(p)).all()
    assert (plan[locks >= 0] == locks[locks >= 0]).all()
    assert moves.moved(plan) <= max(moves.cap, moves.moved(start)) + 1e-6
    assert plan_connected(adj, plan, p)
    before, after = _excess(start, w, lo, hi), _excess(plan, w, lo, hi)
    assert after <= before + 1e-9
    if before == 0:
        assert after == 0 and plan_travel(cost, plan) <= plan_travel(cost, start) + 1e-9


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(6, 60), p=st.integers(2, 5))
def test_the_start_plan_meets_its_own_rows(seed: int, n: int, p: int) -> None:
    """Each member of a connected territory has a neighbour in it nearer the root (by the
    distances measured around the plan), so the start is a solution of the MIP."""
    adj, coords, _, _, _, _, roots, start = rooted_instance(seed, n, p, 0.1)
    if not plan_connected(adj, start, p):
        return
    graph = Graph.of(adj)
    dist = path_distances(graph, coords, start, roots)
    guide = np.random.default_rng(seed).random((n, p)) < 0.3  # shares here and there
    for allowed in (
        _candidates(graph, dist, start, roots, 2),
        _candidates(graph, dist, start, roots, 0, guide=guide.astype(float)),
    ):
        assert allowed[np.arange(n), start].all()
    for i in range(n):
        j = start[i]
        if i != roots[j]:
            nb = graph.neighbours(i)
            assert ((start[nb] == j) & (dist[nb, j] < dist[i, j])).any()


def test_a_wide_tolerance_reaches_the_nearest_root_plan() -> None:
    """With balance no object, the optimum sends each unit to its cheapest root; on a
    path graph with roots at both ends that plan is contiguous and the MIP finds it."""
    n = 12
    coords = np.column_stack([np.arange(n, dtype=float), np.zeros(n)])
    adj = sp.diags([np.ones(n - 1), np.ones(n - 1)], [-1, 1], format="csr")
    roots = np.array([0, n - 1])
    cost = np.abs(coords[:, :1] - coords[roots, 0][None, :])
    weights = np.ones((n, 1))
    lo, hi = np.zeros((2, 1)), np.full((2, 1), float(n))
    start = np.where(np.arange(n) < 2, 0, 1)  # territory 0 short, 1 long
    plan = path_polish(
        cost, weights, lo, hi, Graph.of(adj), coords, start, roots, math.inf, rounds=4, nodes=100
    )
    assert plan.tolist() == [0] * (n // 2) + [1] * (n // 2)


def test_an_unbalanced_plan_gets_lower_travel_at_the_same_excess() -> None:
    """No plan meets these bands (root 0 alone is over its band).  Units 1-5 weigh
    nothing and are cheaper from root 0, so moving them lowers travel at the same
    excess; moving units 6 and 7 too would lower travel further but add to the excess.
    The MIP must price excess above any travel: at a low price it chose the second plan
    every round, which the acceptance rule refused, and the plan came back unchanged."""
    n = 12
    coords = np.column_stack([np.arange(n, dtype=float), np.zeros(n)])
    adj = sp.diags([np.ones(n - 1), np.ones(n - 1)], [-1, 1], format="csr")
    roots = np.array([0, n - 1])
    x = coords[:, 0]
    cost = np.column_stack([0.5 * x, n - 1 - x])
    cost[[6, 7], 1] = 100.0
    weights = np.array([2, 0, 0, 0, 0, 0, 0.01, 0.01, 1, 1, 1, 1], dtype=float)[:, None]
    lo = hi = np.array([[1.0], [5.0]])
    start = np.where(np.arange(n) < 2, 0, 1)
    plan = path_polish(
        cost, weights, lo, hi, Graph.of(adj), coords, start, roots, math.inf, rounds=4, nodes=100
    )
    assert plan.tolist() == [0] * 6 + [1] * 6
    assert _excess(plan, weights, lo, hi) == _excess(start, weights, lo, hi)
