"""Small random instances for the territory design tests."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from scipy.spatial import Delaunay

from territorial.optimize.design import DesignProblem


def delaunay_adjacency(xy: np.ndarray) -> sp.csr_matrix:
    tri = Delaunay(xy)
    a, b = [], []
    for simplex in tri.simplices:
        for i in range(3):
            for j in range(i + 1, 3):
                a += [simplex[i], simplex[j]]
                b += [simplex[j], simplex[i]]
    n = xy.shape[0]
    g = sp.csr_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(n, n))
    g.data[:] = 1
    return g


def random_instance(seed: int, n: int = 40, p: int = 4, m: int = 2, tol: float = 0.1,
                    contiguous: bool = True, **kw: object) -> DesignProblem:
    rng = np.random.default_rng(seed)
    xy = rng.random((n, 2)) * 100
    w = rng.uniform(1, 10, size=(n, m))
    return DesignProblem(coords=xy, measures=w, p=p, tolerances=tol,
                         adjacency=delaunay_adjacency(xy), contiguous=contiguous,
                         **kw)  # type: ignore[arg-type]


def territories_connected(problem: DesignProblem, a: np.ndarray) -> bool:
    g = sp.csr_matrix(problem.adjacency)
    for i in range(problem.p):
        idx = np.flatnonzero(a == i)
        if idx.size == 0:
            return False
        k, _ = connected_components(g[idx][:, idx], directed=False)
        if k != 1:
            return False
    return True
