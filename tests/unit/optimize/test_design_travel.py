"""The travel objective: balanced assignment around centres, with its LP bound."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from design_helpers import delaunay_adjacency
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from territorial.optimize.design import DesignProblem, MaxIterations, MaxRuntime, solve


def _instance(seed: int, n: int, p: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    coords = rng.uniform(0, 100, size=(n, 2))
    measures = rng.uniform(1, 3, size=(n, 2))
    homes = rng.uniform(0, 100, size=(p, 2))
    return coords, measures, homes


def _cost(coords: np.ndarray, homes: np.ndarray, plan: np.ndarray) -> float:
    return float(np.linalg.norm(coords - homes[plan], axis=1).sum())


def _balanced(measures: np.ndarray, plan: np.ndarray, p: int, tol: float) -> bool:
    load = np.zeros((p, measures.shape[1]))
    np.add.at(load, plan, measures)
    target = measures.sum(axis=0) / p
    return bool((np.abs(load - target) <= tol * target + 1e-9).all())


def test_fixed_centres_plan_sits_between_the_bound_and_the_true_optimum() -> None:
    coords, measures, homes = _instance(3, 9, 3)
    tol = 0.25
    problem = DesignProblem(coords, measures, 3, tol, objective="travel", fixed_centres=homes)
    result = solve(problem, MaxIterations(1))
    best = min(
        (
            _cost(coords, homes, np.array(plan))
            for plan in itertools.product(range(3), repeat=9)
            if _balanced(measures, np.array(plan), 3, tol)
        ),
        default=None,
    )
    assert best is not None
    assert result.feasible
    assert result.lower_bound is not None
    assert result.lower_bound <= best + 1e-6
    assert result.travel >= best - 1e-6
    assert abs(result.travel - _cost(coords, homes, result.assignment)) < 1e-6
    assert result.travel <= best * 1.02  # tiny instance: the MIP neighbourhood finds it


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), n=st.integers(20, 80), p=st.integers(2, 6), lock=st.booleans())
def test_travel_plans_cover_every_unit_once_honour_locks_and_stay_above_the_bound(
    seed: int, n: int, p: int, lock: bool
) -> None:
    coords, measures, homes = _instance(seed, n, p)
    locks = np.full(n, -1)
    if lock:
        locks[0] = p - 1
    problem = DesignProblem(
        coords, measures, p, 0.1, objective="travel", fixed_centres=homes, locks=locks
    )
    result = solve(problem, MaxRuntime(5))
    a = result.assignment
    assert a.shape == (n,) and a.min() >= 0 and a.max() < p
    if lock:
        assert a[0] == p - 1
    assert result.lower_bound is not None
    assert result.travel >= result.lower_bound - 1e-6 * max(1.0, result.lower_bound)
    assert result.feasible == _balanced(measures, a, p, 0.1)
    assert result.feasible  # loose tolerance, many small units: always reachable


def test_centre_costs_replace_planar_distance() -> None:
    coords, measures, homes = _instance(5, 40, 4)
    costs = np.zeros((40, 4))
    costs[:, 2] = 1000.0  # territory 2 is expensive for everyone but must still be used
    problem = DesignProblem(
        coords, measures, 4, 0.1, objective="travel", fixed_centres=homes, centre_costs=costs
    )
    result = solve(problem, MaxIterations(1))
    assert result.feasible
    served = np.bincount(result.assignment, minlength=4)
    assert abs(result.travel - 1000.0 * served[2]) < 1e-6
    # the bound prices territory 2 at its fewest possible units under the balance rows
    assert result.lower_bound is not None and result.lower_bound > 0


def test_free_centres_are_placed_and_mixed_centres_keep_the_fixed_ones() -> None:
    coords, measures, homes = _instance(7, 60, 3)
    homes = homes.copy()
    homes[1] = np.nan  # a vacancy: its centre is free
    problem = DesignProblem(coords, measures, 3, 0.1, objective="travel", fixed_centres=homes)
    result = solve(problem, MaxIterations(2), seed=1)
    assert result.feasible
    assert result.centres is not None
    assert np.allclose(result.centres[[0, 2]], homes[[0, 2]])
    assert np.isfinite(result.centres[1]).all()
    mine = coords[result.assignment == 1]
    assert np.linalg.norm(result.centres[1] - mine.mean(axis=0)) < 50  # near its units


def test_same_seed_same_plan_without_a_time_limit() -> None:
    coords, measures, _ = _instance(11, 50, 4)
    problem = DesignProblem(coords, measures, 4, 0.1, objective="travel")
    a = solve(problem, MaxIterations(2), seed=4).assignment
    b = solve(problem, MaxIterations(2), seed=4).assignment
    assert (a == b).all()


class _SlowClock:
    """``time.perf_counter`` on a machine so busy that every reading is 100 s later."""

    def __init__(self) -> None:
        self.now = 0.0

    def perf_counter(self) -> float:
        self.now += 100.0
        return self.now


@pytest.mark.parametrize("contiguous", [False, True])
def test_an_iteration_count_gives_the_same_plan_however_busy_the_machine(
    monkeypatch: pytest.MonkeyPatch, contiguous: bool
) -> None:
    """Iteration-bounded designs bound every stage by work: a clock that races ahead (as
    on a loaded machine) changes nothing.  Time-sliced stages would stop at once."""
    import territorial.optimize.design.contiguity_bound as contiguity_bound
    import territorial.optimize.design.contiguous as contiguous_module
    import territorial.optimize.design.recom as recom_module
    import territorial.optimize.design.search as search_module
    import territorial.optimize.design.travel as travel

    coords, measures, homes = _instance(23, 60, 4)
    problem = DesignProblem(
        coords,
        measures,
        4,
        0.1,
        objective="travel",
        fixed_centres=homes,
        adjacency=delaunay_adjacency(coords) if contiguous else None,
        contiguous=contiguous,
    )
    quiet = solve(problem, MaxIterations(2), seed=5)
    for module in (travel, contiguous_module, contiguity_bound, search_module, recom_module):
        monkeypatch.setattr(module, "time", _SlowClock())
    busy = solve(problem, MaxIterations(2), seed=5)
    assert (busy.assignment == quiet.assignment).all()
    assert busy.lower_bound == quiet.lower_bound


def test_lagrangian_bound_is_below_the_lp_bound_and_close_to_it() -> None:
    from territorial.optimize.design.lagrange import lagrangian_bound
    from territorial.optimize.design.travel import _Instance

    coords, measures, homes = _instance(13, 300, 5)
    problem = DesignProblem(coords, measures, 5, 0.05, objective="travel", fixed_centres=homes)
    result = solve(problem, MaxIterations(1))
    assert result.lower_bound is not None
    inst = _Instance(problem)
    bound = lagrangian_bound(
        inst.cost(homes), 300, inst.balance, float("inf"), result.travel, iterations=400
    )
    assert bound <= result.lower_bound + 1e-6 * result.lower_bound
    assert bound >= 0.97 * result.lower_bound


def test_large_designs_take_the_tabu_search_and_report_a_lagrangian_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import territorial.optimize.design.travel as travel

    coords, measures, homes = _instance(17, 400, 4)
    problem = DesignProblem(coords, measures, 4, 0.1, objective="travel", fixed_centres=homes)
    exact = solve(problem, MaxIterations(1))
    monkeypatch.setattr(travel, "LP_MAX_UNITS", 100)
    large = solve(problem, MaxIterations(3))  # not timed: the same plan on a loaded machine
    assert large.feasible
    assert large.lower_bound is not None and exact.lower_bound is not None
    assert large.lower_bound <= exact.lower_bound * (1 + 1e-6)
    assert large.lower_bound <= large.travel
    assert abs(large.travel - _cost(coords, homes, large.assignment)) < 1e-6 * large.travel


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), n=st.integers(4, 8), tol=st.sampled_from([0.0, 0.02, 0.1]))
def test_no_whole_unit_plan_is_proven_only_when_none_exists(seed: int, n: int, tol: float) -> None:
    """Tight tolerances the LP meets by splitting units: the engine says no plan of whole
    units exists exactly when enumeration finds none, and otherwise finds one."""
    coords, measures, homes = _instance(seed, n, 2)
    problem = DesignProblem(coords, measures, 2, tol, objective="travel", fixed_centres=homes)
    result = solve(problem, MaxIterations(1))
    exists = any(
        _balanced(measures, np.array(plan), 2, tol)
        for plan in itertools.product(range(2), repeat=n)
    )
    assert result.feasible == exists
    proven = result.note is not None and "without splitting" in result.note
    assert proven == (not exists and result.lower_bound is not None)


def test_equal_shares_of_odd_units_are_proven_impossible() -> None:
    # three equal accounts cannot be split into two equal territories; the LP can
    coords = np.array([[0.0, 0.0], [1.0, 0.0], [2.0, 0.0]])
    measures = np.ones((3, 1))
    homes = np.array([[0.0, 0.0], [2.0, 0.0]])
    problem = DesignProblem(coords, measures, 2, 0.0, objective="travel", fixed_centres=homes)
    result = solve(problem, MaxRuntime(5.0))
    assert not result.feasible
    assert result.note is not None and "without splitting" in result.note
