"""Contiguous travel designs: graph Voronoi starts, the flow MIP neighbourhood, and the
LP proof that no balanced plan exists."""

from __future__ import annotations

import itertools

import numpy as np
import scipy.sparse as sp
from design_helpers import delaunay_adjacency, plan_connected
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.spatial import Delaunay

from territorial.optimize.design import DesignProblem, MaxIterations, MaxRuntime, solve, travel
from territorial.optimize.design.contiguous import (
    Graph,
    connected,
    distinct_roots,
    solve_region,
    voronoi_plan,
)
from territorial.optimize.design.evaluate import evaluate
from territorial.optimize.design.feasibility import least_tolerance


def _delaunay(coords: np.ndarray) -> sp.csr_matrix:
    tri = Delaunay(coords)
    e = np.concatenate(
        [tri.simplices[:, [0, 1]], tri.simplices[:, [1, 2]], tri.simplices[:, [0, 2]]]
    )
    n = len(coords)
    a = sp.csr_matrix((np.ones(len(e)), (e[:, 0], e[:, 1])), shape=(n, n))
    return ((a + a.T) > 0).astype(np.int8).tocsr()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), n=st.integers(8, 60), p=st.integers(2, 6))
def test_graph_voronoi_territories_are_connected(seed: int, n: int, p: int) -> None:
    rng = np.random.default_rng(seed)
    coords = rng.uniform(0, 100, size=(n, 2))
    adj = _delaunay(coords)
    roots = distinct_roots(coords, rng.uniform(0, 100, size=(p, 2)))
    assert len(set(roots.tolist())) == p
    plan = voronoi_plan(adj, coords, roots)
    assert (plan[roots] == np.arange(p)).all()
    assert plan_connected(adj, plan, p)
    assert connected(Graph.of(adj), plan, p).all()


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000))
def test_region_mip_keeps_territories_connected_balanced_and_no_costlier(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, p = 40, 3
    coords = rng.uniform(0, 100, size=(n, 2))
    adj = _delaunay(coords)
    homes = rng.uniform(0, 100, size=(p, 2))
    cost = np.linalg.norm(coords[:, None, :] - homes[None, :, :], axis=2)
    w = rng.uniform(1, 2, size=(n, 1))
    target = np.full((p, 1), w.sum() / p)
    graph = Graph.of(adj)
    roots = distinct_roots(coords, homes)
    plan = voronoi_plan(adj, coords, roots)
    # elastic first (the Voronoi plan is not balanced), then hard rows at +-30%
    lo, hi = 0.7 * target, 1.3 * target
    found = solve_region(cost, w, lo, hi, graph, plan, np.arange(p), roots, 20.0, True, nodes=300)
    assert found.plan is not None
    assert plan_connected(adj, found.plan, p)
    load = np.bincount(found.plan, weights=w[:, 0], minlength=p)
    if not ((load >= lo[:, 0] - 1e-6) & (load <= hi[:, 0] + 1e-6)).all():
        return  # no balanced connected plan with these roots within the node limit
    again = solve_region(
        cost, w, lo, hi, graph, found.plan, np.arange(p), roots, 20.0, False, nodes=300
    )
    assert again.plan is not None
    assert plan_connected(adj, again.plan, p)
    load = np.bincount(again.plan, weights=w[:, 0], minlength=p)
    assert ((load >= lo[:, 0] - 1e-6) & (load <= hi[:, 0] + 1e-6)).all()
    travel = cost[np.arange(n), again.plan].sum()
    assert travel <= cost[np.arange(n), found.plan].sum() + 1e-6


def _conflicting() -> tuple[np.ndarray, np.ndarray]:
    """Two territories; unit 0 carries only potential and is locked to territory 0,
    unit 1 only workload, locked to 1; the two free units carry both equally.
    Any split leaves one measure at least 50% off its target."""
    measures = np.array([[2.0, 0.0], [0.0, 2.0], [1.0, 1.0], [1.0, 1.0]])
    locks = np.array([0, 1, -1, -1])
    return measures, locks


def test_least_tolerance_proves_a_conflict_of_measures() -> None:
    measures, locks = _conflicting()
    found = least_tolerance(measures, np.full((2, 2), 2.0), np.array([0.1, 0.1]), locks)
    assert found is not None
    assert abs(found.scale - 5.0) < 1e-6
    assert np.allclose(found.least, [0.5, 0.5])


def test_travel_design_says_at_once_that_no_plan_exists() -> None:
    measures, locks = _conflicting()
    coords = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    adj = sp.csr_matrix(np.array([[0, 1, 1, 0], [1, 0, 0, 1], [1, 0, 0, 1], [0, 1, 1, 0]]))
    problem = DesignProblem(
        coords,
        measures,
        2,
        0.1,
        measure_names=("potential", "workload"),
        objective="travel",
        fixed_centres=coords[:2],
        locks=locks,
        adjacency=adj,
        contiguous=True,
    )
    result = solve(problem, MaxRuntime(30))
    assert not result.feasible
    assert result.runtime < 10
    assert result.note is not None and "±50.0%" in result.note
    assert plan_connected(adj, result.assignment, 2)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), n=st.integers(2, 7), p=st.integers(2, 3))
def test_no_integral_plan_beats_the_least_tolerance(seed: int, n: int, p: int) -> None:
    rng = np.random.default_rng(seed)
    measures = rng.uniform(0, 3, size=(n, 2))
    measures[0] += 0.1  # positive totals
    locks = np.where(rng.random(n) < 0.4, rng.integers(0, p, size=n), -1)
    tol = np.array([0.05, 0.2])
    target = np.repeat(measures.sum(axis=0)[None, :] / p, p, axis=0)
    found = least_tolerance(measures, target, tol, locks)
    assert found is not None
    for plan in itertools.product(range(p), repeat=n):
        a = np.array(plan)
        if ((locks >= 0) & (a != locks)).any():
            continue
        load = np.zeros((p, 2))
        np.add.at(load, a, measures)
        needed = (np.abs(load - target) / target / tol).max()
        assert needed >= found.scale - 1e-6


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), n=st.integers(20, 60), p=st.integers(2, 4))
def test_contiguous_travel_designs_are_connected_and_honest_about_balance(
    seed: int, n: int, p: int
) -> None:
    rng = np.random.default_rng(seed)
    coords = rng.uniform(0, 100, size=(n, 2))
    measures = rng.uniform(1, 3, size=(n, 2))
    adj = _delaunay(coords)
    homes = rng.uniform(0, 100, size=(p, 2))
    tol = 0.1
    problem = DesignProblem(
        coords,
        measures,
        p,
        tol,
        objective="travel",
        fixed_centres=homes,
        adjacency=adj,
        contiguous=True,
    )
    result = solve(problem, MaxRuntime(2))
    plan = np.asarray(result.assignment)
    assert plan_connected(adj, plan, p) == (not result.disconnected)
    load = np.zeros((p, 2))
    np.add.at(load, plan, measures)
    target = measures.sum(axis=0) / p
    within = bool((np.abs(load - target) <= tol * target + 1e-9).all())
    assert result.feasible == (within and not result.disconnected)
    travel = float(np.linalg.norm(coords - homes[plan], axis=1).sum())
    assert abs(result.travel - travel) <= 1e-6 * max(1.0, travel)
    assert result.lower_bound is None or result.lower_bound <= travel + 1e-6


def test_the_balance_first_plan_keeps_each_territory_in_its_own_band() -> None:
    """Targets that differ by territory (accounts without a location are fixed loads):
    the diameter search's territories go to the centres whose bands they meet, not
    merely to the nearest ones."""
    rng = np.random.default_rng(5)
    xy = rng.uniform(0, 100, (160, 2))
    measures = rng.uniform(1, 2, (160, 1))
    targets = np.array([0.1, 0.2, 0.3, 0.4])
    problem = DesignProblem(
        xy,
        measures,
        4,
        0.05,
        objective="travel",
        fixed_centres=np.array([[10.0, 10.0], [90.0, 10.0], [10.0, 90.0], [90.0, 90.0]]),
        adjacency=delaunay_adjacency(xy),
        contiguous=True,
        targets=targets,
    )
    inst = travel._Instance(problem)
    cost = inst.cost(inst.centres)(np.arange(problem.n))
    start = np.argmin(cost, axis=1)  # nearest centre: far off every band
    assert evaluate(problem, start).balance_excess > 0.5
    out = travel._balance_first(problem, inst, cost, start, MaxIterations(3), seed=0)
    assert evaluate(problem, out).balance_excess <= 1e-9
