"""Properties of ``solve`` on small random instances (Delaunay adjacency)."""

from __future__ import annotations

import numpy as np
import pytest
from design_helpers import random_instance, territories_connected
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from territorial.optimize.design import (
    DesignParams,
    DesignProblem,
    MaxIterations,
    MaxRuntime,
    Progress,
    solve,
)
from territorial.optimize.design.evaluate import evaluate

FAST = DesignParams(max_no_improve=50, alternations=3, repair_no_improve=200)
SETTINGS = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(seed=st.integers(0, 10_000), n=st.integers(12, 60), p=st.integers(2, 6))
def test_every_unit_assigned_once_and_contiguous(seed: int, n: int, p: int) -> None:
    pb = random_instance(seed, n=n, p=p, tol=0.2)
    res = solve(pb, MaxIterations(2), seed=seed, params=FAST)
    a = res.assignment
    assert a.shape == (n,)
    assert a.min() >= 0 and a.max() < p
    assert territories_connected(pb, a)
    assert not res.disconnected
    fig = evaluate(pb, a)
    assert abs(fig.balance_excess - res.balance_excess) < 1e-9
    assert res.feasible == (res.balance_excess <= 1e-9 and len(set(a.tolist())) == p)


@SETTINGS
@given(seed=st.integers(0, 10_000), n=st.integers(15, 50), p=st.integers(2, 5), k=st.integers(1, 5))
def test_locks_honoured(seed: int, n: int, p: int, k: int) -> None:
    rng = np.random.default_rng(seed)
    locks = np.full(n, -1)
    # lock k units to territories; keep them in one component (the whole graph is one)
    idx = rng.choice(n, size=k, replace=False)
    locks[idx] = rng.integers(0, p, size=k)
    pb = random_instance(seed, n=n, p=p, tol=0.3, contiguous=False, locks=locks)
    res = solve(pb, MaxIterations(2), seed=seed, params=FAST)
    assert (res.assignment[idx] == locks[idx]).all()


@SETTINGS
@given(seed=st.integers(0, 10_000))
def test_same_seed_same_plan(seed: int) -> None:
    pb = random_instance(seed, n=50, p=4, tol=0.1)
    r1 = solve(pb, MaxIterations(3), seed=seed, params=FAST)
    r2 = solve(pb, MaxIterations(3), seed=seed, params=FAST)
    assert np.array_equal(r1.assignment, r2.assignment)
    assert r1.diameter == r2.diameter


@SETTINGS
@given(seed=st.integers(0, 10_000), cap=st.integers(0, 6), weighted=st.booleans())
def test_move_cap_honoured(seed: int, cap: int, weighted: bool) -> None:
    n, p = 40, 4
    rng = np.random.default_rng(seed)
    pb0 = random_instance(seed, n=n, p=p, tol=0.05)
    current = np.argsort(np.argsort(np.asarray(pb0.coords)[:, 0])) * p // n  # x strips
    mw = rng.uniform(0.5, 2.0, n) if weighted else None
    pb = random_instance(seed, n=n, p=p, tol=0.05, current=current, max_moves=cap, move_weights=mw)
    res = solve(pb, MaxIterations(2), seed=seed, params=FAST)
    moved = res.assignment != current
    if weighted:
        assert mw is not None
        assert mw[moved].sum() <= cap + 1e-9
    else:
        assert moved.sum() <= cap
    assert res.moves == int(moved.sum())
    # moves never disconnect a territory (the strips themselves may be disconnected)
    assert len(res.disconnected) <= len(evaluate(pb, current).disconnected)


@SETTINGS
@given(seed=st.integers(0, 10_000))
def test_never_less_balanced_than_current(seed: int) -> None:
    pb0 = random_instance(seed, n=40, p=3, tol=0.1)
    base = solve(pb0, MaxIterations(2), seed=seed, params=FAST)
    for frac in (0.1, 1.0):
        pb = random_instance(seed, n=40, p=3, tol=0.1, current=base.assignment, max_moves=frac)
        res = solve(pb, MaxIterations(2), seed=seed + 1, params=FAST)
        assert res.balance_excess <= base.balance_excess + 1e-12
        if base.feasible:
            assert res.feasible


@SETTINGS
@given(seed=st.integers(0, 10_000))
def test_unbalanced_current_improves_or_stays(seed: int) -> None:
    pb0 = random_instance(seed, n=40, p=3, tol=0.05)
    current = (np.asarray(pb0.coords)[:, 0] > 50).astype(np.int64) + (
        np.asarray(pb0.coords)[:, 0] > 80
    )
    pb = random_instance(seed, n=40, p=3, tol=0.05, current=current, max_moves=0.25)
    before = evaluate(pb, current).balance_excess
    res = solve(pb, MaxIterations(1), seed=seed, params=FAST)
    assert res.balance_excess <= before + 1e-12
    assert (res.assignment != current).sum() <= 10


def test_balanced_plans_on_easy_instances() -> None:
    for seed in range(5):
        pb = random_instance(seed, n=80, p=4, m=3, tol=0.05)
        res = solve(pb, MaxIterations(5), seed=seed)
        assert res.feasible, (seed, res.balance_excess)
        assert (res.max_deviation <= 0.05 + 1e-9).all()


def test_targets_and_sizes() -> None:
    targets = np.array([[0.4, 0.4], [0.3, 0.3], [0.3, 0.3]])
    pb = random_instance(3, n=60, p=3, tol=0.1, targets=targets, min_units=5)
    res = solve(pb, MaxIterations(4), seed=1)
    w = np.asarray(pb.measures)
    share = np.array([w[res.assignment == i].sum(axis=0) / w.sum(axis=0) for i in range(3)])
    assert res.feasible
    assert np.all(np.abs(share - targets) / targets <= 0.1 + 1e-9)
    assert np.bincount(res.assignment, minlength=3).min() >= 5


def test_travel_objective_with_fixed_centres() -> None:
    centres = np.array([[10.0, 10.0], [90.0, 90.0], [10.0, 90.0]])
    pb = random_instance(
        4, n=60, p=3, tol=0.15, objective="travel", fixed_centres=centres, travel_weight=0
    )
    res = solve(pb, MaxIterations(3), seed=0)
    assert res.objective == "travel" and res.travel > 0
    assert territories_connected(pb, res.assignment)
    xy = np.asarray(pb.coords)
    # each territory lies around its own centre: its mean is nearer to it than to the others
    means = np.array([xy[res.assignment == i].mean(axis=0) for i in range(3)])
    nearest = np.linalg.norm(means[:, None, :] - centres[None, :, :], axis=2).argmin(axis=1)
    assert nearest.tolist() == [0, 1, 2]
    # and the travel reported is the distance of every account to its territory's centre
    assert res.travel == pytest.approx(
        float((np.linalg.norm(xy - centres[res.assignment], axis=1) * pb.travel_weights()).sum())
    )


def test_travel_objective_free_centres_no_adjacency() -> None:
    rng = np.random.default_rng(5)
    xy = rng.random((200, 2)) * 100
    w = rng.uniform(1, 3, size=(200, 2))
    pb = DesignProblem(xy, w, p=5, tolerances=0.05, objective="travel")
    res = solve(pb, MaxIterations(2), seed=0)
    assert res.feasible
    assert not res.disconnected


def test_time_stop_returns_best_and_progress_called() -> None:
    seen: list[Progress] = []
    pb = random_instance(7, n=60, p=4, tol=0.05)
    res = solve(pb, MaxRuntime(0.3), seed=0, progress=seen.append)
    assert seen and res.iterations >= 1
    # the last report is the plan returned (the engine reports an excess under 1e-9 as 0)
    assert seen[-1].balance_excess == pytest.approx(res.balance_excess, abs=1e-9)
    assert [p.iteration for p in seen] == sorted({p.iteration for p in seen})
    assert res.runtime < 5.0  # generous: stops near the limit, never loops forever
