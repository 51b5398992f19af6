"""The move graph of designs without an adjacency reaches every unit: kNN components
of far-apart clusters are bridged, so the search can balance across them."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse.csgraph import connected_components

import territorial.optimize.design.travel as travel
from territorial.optimize.design import DesignProblem, MaxIterations, solve
from territorial.optimize.design.build import knn_graph


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), clusters=st.integers(1, 12), n=st.integers(2, 300))
def test_the_knn_graph_is_connected_and_keeps_every_knn_edge(
    seed: int, clusters: int, n: int
) -> None:
    rng = np.random.default_rng(seed)
    hubs = rng.uniform(0, 10_000, size=(clusters, 2))
    coords = hubs[rng.integers(0, clusters, n)] + rng.normal(0, 1, size=(n, 2))
    coords[: n // 4] = coords[0]  # accounts located at the same town centre
    g = knn_graph(coords, 4)
    assert connected_components(g, directed=False)[0] == 1
    assert (g != g.T).nnz == 0 and g.diagonal().sum() == 0
    k = min(4, n - 1)
    from scipy.spatial import cKDTree

    _, idx = cKDTree(coords).query(coords, k=k + 1)
    for i in range(n):  # every point keeps its nearest neighbours
        assert all(g[i, j] for j in idx[i, 1:] if j != i)


def test_far_apart_clusters_are_balanced_by_the_search(monkeypatch: pytest.MonkeyPatch) -> None:
    """Eight dense hubs on a 1,000 km square, eight rep homes, no LP (its limit set
    below the size) and no cells: the search alone balances it (110% off before)."""
    rng = np.random.default_rng(5)
    hubs = rng.uniform(0, 1000, size=(8, 2))
    coords = hubs[rng.integers(0, 8, 1500)] + rng.normal(0, 60, size=(1500, 2))
    measures = np.column_stack([rng.lognormal(0, 0.5, 1500), rng.uniform(1, 3, 1500)])
    homes = coords[rng.choice(1500, 8, replace=False)]
    problem = DesignProblem(coords, measures, 8, 0.05, objective="travel", fixed_centres=homes)
    monkeypatch.setattr(travel, "LP_MAX_UNITS", 1000)
    monkeypatch.setattr(travel, "CELLS_PER_TERRITORY", 10_000)
    result = solve(problem, MaxIterations(1))
    assert result.feasible
