"""Small random instances for the territory design tests."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from territorial.geo.graph import delaunay_edges, edges_to_csr
from territorial.optimize.design import DesignProblem


def delaunay_adjacency(xy: np.ndarray) -> sp.csr_matrix:
    """0/1 adjacency of planar points from their Delaunay triangulation."""
    return sp.csr_matrix(edges_to_csr(delaunay_edges(xy), xy.shape[0]), dtype=np.int8)


def random_instance(
    seed: int,
    n: int = 40,
    p: int = 4,
    m: int = 2,
    tol: float = 0.1,
    contiguous: bool = True,
    **kw: object,
) -> DesignProblem:
    rng = np.random.default_rng(seed)
    xy = rng.random((n, 2)) * 100
    w = rng.uniform(1, 10, size=(n, m))
    return DesignProblem(
        coords=xy,
        measures=w,
        p=p,
        tolerances=tol,
        adjacency=delaunay_adjacency(xy),
        contiguous=contiguous,
        **kw,
    )  # type: ignore[arg-type]


def territories_connected(problem: DesignProblem, a: np.ndarray) -> bool:
    return plan_connected(sp.csr_matrix(problem.adjacency), a, problem.p)


def plan_connected(adj: sp.csr_matrix, plan: np.ndarray, p: int) -> bool:
    """Every one of the ``p`` territories non-empty and connected in ``adj`` (checked
    here, apart from the engine's own connectivity code)."""
    for i in range(p):
        idx = np.flatnonzero(plan == i)
        if idx.size == 0:
            return False
        k, _ = connected_components(adj[idx][:, idx], directed=False)
        if k != 1:
            return False
    return True
