"""Small random instances for the territory design tests."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from territorial.geo.graph import delaunay_edges, edges_to_csr
from territorial.optimize.design import DesignProblem
from territorial.optimize.design.contiguous import MoveCap, distinct_roots, voronoi_plan


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


class RootedInstance(NamedTuple):
    """A contiguous travel instance with fixed homes: units, homes' roots, a start."""

    adjacency: sp.csr_matrix
    coords: np.ndarray  # (n, 2)
    cost: np.ndarray  # (n, p) distance from each unit to each home
    weights: np.ndarray  # (n, 2)
    lo: np.ndarray  # (p, 2) tolerance band
    hi: np.ndarray
    roots: np.ndarray  # (p,) the unit nearest each home
    start: np.ndarray  # (n,) the graph Voronoi plan around the roots


def rooted_instance(seed: int, n: int, p: int, tol: float) -> RootedInstance:
    """Random units and homes in a 100 x 100 square, two measures, equal targets."""
    rng = np.random.default_rng(seed)
    coords = rng.uniform(0, 100, size=(n, 2))
    homes = rng.uniform(0, 100, size=(p, 2))
    weights = rng.uniform(1, 3, size=(n, 2))
    target = np.repeat(weights.sum(axis=0)[None, :] / p, p, axis=0)
    cost = np.linalg.norm(coords[:, None, :] - homes[None, :, :], axis=2)
    adj = delaunay_adjacency(coords)
    roots = distinct_roots(coords, homes)
    start = voronoi_plan(adj, coords, roots)
    return RootedInstance(
        adj, coords, cost, weights, (1 - tol) * target, (1 + tol) * target, roots, start
    )


def grid(side: int) -> tuple[np.ndarray, sp.csr_matrix]:
    """Units at the integer points of a ``side`` x ``side`` square, each adjacent to the
    (up to four) units one step away: their coordinates and 0/1 adjacency."""
    xs, ys = np.meshgrid(np.arange(side), np.arange(side))
    coords = np.column_stack([xs.ravel(), ys.ravel()]).astype(float)
    d = np.abs(coords[:, None, :] - coords[None, :, :]).sum(axis=2)
    return coords, sp.csr_matrix((d == 1).astype(np.int8))


def plan_travel(cost: np.ndarray, plan: np.ndarray) -> float:
    """Sum of each unit's cost in its territory."""
    return float(cost[np.arange(len(plan)), plan].sum())


def locks_and_cap(seed: int, start: np.ndarray, p: int) -> tuple[np.ndarray, MoveCap]:
    """A fifth of the units locked where ``start`` has them, and a move cap against a
    current plan that differs from ``start`` in about 30% of the units (the cap drawn
    below and above what ``start`` moves)."""
    n = len(start)
    rng = np.random.default_rng(seed)
    locks = np.where(rng.random(n) < 0.2, start, -1)
    current = np.where(rng.random(n) < 0.7, start, rng.integers(0, p, n))
    return locks, MoveCap(current, rng.uniform(0, 2, n), float(rng.uniform(0, 0.3)) * n)
