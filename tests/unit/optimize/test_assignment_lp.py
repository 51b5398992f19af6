"""The assignment LP solved again at new costs (free centres moved) starts from the
last basis: it must give the optimum a model built from scratch gives."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from territorial.optimize.design.assignment import AssignmentModel, Balance, Limits


def _model(points: np.ndarray, centres: np.ndarray, weights: np.ndarray) -> AssignmentModel:
    n, p = len(points), len(centres)
    target = weights.sum(axis=0) / p
    balance = Balance(weights, np.tile(0.9 * target, (p, 1)), np.tile(1.1 * target, (p, 1)))
    every = np.column_stack([np.repeat(np.arange(n), p), np.tile(np.arange(p), n)])
    return AssignmentModel(n, p, _cost(points, centres), balance, Limits(), every)


def _cost(points: np.ndarray, centres: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    def of(units: np.ndarray) -> np.ndarray:
        d: np.ndarray = np.linalg.norm(points[units, None, :] - centres[None], axis=2)
        return d

    return of


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(10, 60), p=st.integers(2, 6))
def test_a_recosted_lp_has_the_optimum_of_a_fresh_one(seed: int, n: int, p: int) -> None:
    rng = np.random.default_rng(seed)
    points = rng.uniform(0, 100, (n, 2))
    weights = rng.uniform(1, 3, (n, 2))
    model = _model(points, rng.uniform(0, 100, (p, 2)), weights)
    assert model.solve_lp() is not None
    moved = rng.uniform(0, 100, (p, 2))
    model.recost(_cost(points, moved))
    warm = model.solve_lp()
    cold = _model(points, moved, weights).solve_lp()
    assert warm is not None and cold is not None
    assert np.isclose(warm.value, cold.value, rtol=1e-7, atol=1e-6)
    assert np.isclose(warm.slack, cold.slack, atol=1e-9)
    # and its solution is a (fractional) assignment of every unit
    assert np.allclose(np.asarray(warm.x.sum(axis=1)).ravel(), 1.0)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(10, 60), p=st.integers(2, 6))
def test_a_restricted_lp_gives_a_bound_below_the_lp_over_every_pair(
    seed: int, n: int, p: int
) -> None:
    """With only each unit's nearest centre as a column (pricing stopped early), the
    restricted LP's value may be above the true optimum; its Lagrangian bound never is,
    and with every pair it is the optimum itself."""
    rng = np.random.default_rng(seed)
    points = rng.uniform(0, 100, (n, 2))
    weights = rng.uniform(1, 3, (n, 2))
    centres = rng.uniform(0, 100, (p, 2))
    full = _model(points, centres, weights)
    best = full.solve_lp()
    assert best is not None and best.slack <= 1e-9
    assert np.isclose(full.lower_bound(best), best.value, rtol=1e-7, atol=1e-6)
    target = weights.sum(axis=0) / p
    nearest = np.argsort(_cost(points, centres)(np.arange(n)), axis=1)[:, :2]
    few = AssignmentModel(
        n,
        p,
        _cost(points, centres),
        Balance(weights, np.tile(0.9 * target, (p, 1)), np.tile(1.1 * target, (p, 1))),
        Limits(),
        np.column_stack([np.repeat(np.arange(n), 2), nearest.reshape(-1)]),
    )
    restricted = few.solve_lp()
    assert restricted is not None
    if restricted.slack <= 1e-9:
        assert few.lower_bound(restricted) <= best.value + 1e-6 * (1 + abs(best.value))
