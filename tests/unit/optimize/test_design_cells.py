"""Designs too big for the LP are solved on cells of nearby units."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import territorial.optimize.design.travel as travel
from territorial.optimize.design import DesignProblem, MaxIterations, solve
from territorial.optimize.design.cells import cell_sums, median_cells


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(1, 400), leaf=st.integers(1, 50))
def test_cells_hold_at_most_leaf_units_and_lose_nothing(seed: int, n: int, leaf: int) -> None:
    rng = np.random.default_rng(seed)
    points = rng.normal(size=(n, 2)) * rng.uniform(0.1, 10, size=2)
    label = median_cells(points, leaf)
    cells = int(label.max()) + 1
    sizes = np.bincount(label, minlength=cells)
    assert sizes.min() >= 1 and sizes.max() <= leaf  # every label used, none too big
    assert cells <= max(1, 2 * n // leaf + 1)  # halving: cells of leaf / 2 or more
    values = rng.uniform(size=(n, 3))
    np.testing.assert_allclose(cell_sums(label, values, cells).sum(axis=0), values.sum(axis=0))


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(1, 300))
def test_cells_stay_under_the_load_cap_unless_single(seed: int, n: int) -> None:
    rng = np.random.default_rng(seed)
    points = rng.uniform(size=(n, 2))
    load = rng.lognormal(-3, 1.5, n)  # a few points above the cap on their own
    label = median_cells(points, 50, load)
    cells = int(label.max()) + 1
    sizes = np.bincount(label, minlength=cells)
    loads = cell_sums(label, load, cells)
    assert ((loads <= 1.0 + 1e-12) | (sizes == 1)).all()


def test_a_cell_is_a_compact_box_of_neighbours() -> None:
    # two far clusters never share a cell
    points = np.vstack([np.zeros((50, 2)), np.full((50, 2), 100.0)])
    points += np.random.default_rng(1).normal(0, 1, points.shape)
    label = median_cells(points, 10)
    assert not set(label[:50]) & set(label[50:])


def _instance(seed: int, n: int, p: int) -> DesignProblem:
    rng = np.random.default_rng(seed)
    hubs = rng.uniform(0, 1000, size=(8, 2))
    coords = hubs[rng.integers(0, 8, n)] + rng.normal(0, 60, size=(n, 2))
    measures = np.column_stack([rng.lognormal(0, 0.5, n), rng.uniform(1, 3, n)])
    homes = coords[rng.choice(n, p, replace=False)]
    return DesignProblem(coords, measures, p, 0.05, objective="travel", fixed_centres=homes)


def test_a_design_above_the_lp_size_is_balanced_near_its_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """1,500 units, the LP's limit set at 1,000: solved on cells, balanced, its travel
    the plan's own and above the (unit-level) bound, within 10% of it."""
    problem = _instance(4, 1500, 6)
    monkeypatch.setattr(travel, "LP_MAX_UNITS", 1000)
    result = solve(problem, MaxIterations(1))
    assert result.feasible
    homes = np.asarray(problem.fixed_centres)
    coords = np.asarray(problem.coords)
    own = float(np.linalg.norm(coords - homes[result.assignment], axis=1).sum())
    assert result.travel == pytest.approx(own)
    assert result.lower_bound is not None and result.lower_bound <= own + 1e-6
    assert own <= 1.10 * result.lower_bound


def test_cells_too_coarse_to_balance_leave_the_design_to_the_search(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """30 territories need 1,200 cells; 1,500 units at the LP's limit of 1,000 make
    fewer: no cell design, the balance-first search plans every unit."""
    problem = _instance(5, 1500, 30)
    monkeypatch.setattr(travel, "LP_MAX_UNITS", 1000)
    calls: list[str] = []
    for name in ("_cellular", "_large"):
        real = getattr(travel, name)

        def spy(*args: object, _real: object = real, _name: str = name, **kw: object) -> object:
            calls.append(_name)
            return _real(*args, **kw)  # type: ignore[operator]

        monkeypatch.setattr(travel, name, spy)
    result = solve(problem, MaxIterations(1))
    assert calls == ["_cellular", "_large"]  # the cells refused: no cell design solved
    assert len(result.assignment) == 1500 and set(result.assignment) <= set(range(30))
