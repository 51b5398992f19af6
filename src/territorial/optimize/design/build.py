"""Turn a validated :class:`DesignProblem` into Numba ``State`` arrays."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components, minimum_spanning_tree
from scipy.spatial import Delaunay, cKDTree
from scipy.spatial.distance import pdist, squareform

from territorial.optimize.design.kernels.state import Arrays
from territorial.optimize.design.problem import DesignProblem

# travel objective (the tabu search runs it for contiguous designs): the balance search
# adds a move's change in travel x TRAVEL_PULL / the plan's total travel to its balance
# score, so that balancing does not undo the travel descent (see NOTES.md)
TRAVEL_PULL = 5


def knn_graph(coords: np.ndarray, k: int) -> sp.csr_matrix:
    """Symmetric k-nearest-neighbour graph (move neighbourhood without adjacency)."""
    n = coords.shape[0]
    k = min(k, n - 1)
    if k < 1:
        return sp.csr_matrix((n, n), dtype=np.int8)
    _, idx = cKDTree(coords).query(coords, k=k + 1)
    rows = np.repeat(np.arange(n), k)
    cols = idx[:, 1:].ravel()
    other = rows != cols  # a point among duplicates may list itself as a neighbour
    rows, cols = rows[other], cols[other]
    g = sp.csr_matrix((np.ones(rows.size, dtype=np.int8), (rows, cols)), shape=(n, n))
    g = (g + g.T).tocsr()
    g.data[:] = 1
    return _bridged(coords, g)


def _centroid_graph(points: np.ndarray) -> sp.csr_matrix:
    """A graph of ``points`` holding their Euclidean minimum spanning tree: every pair
    for a few thousand points, else the Delaunay edges (joggled: duplicates, lines)."""
    if len(points) <= 2000:
        return sp.csr_matrix(squareform(pdist(points)) + 1e-12)
    simplices = Delaunay(points, qhull_options="QJ").simplices
    a = np.concatenate([simplices[:, 0], simplices[:, 1], simplices[:, 2]])
    b = np.concatenate([simplices[:, 1], simplices[:, 2], simplices[:, 0]])
    length = np.linalg.norm(points[a] - points[b], axis=1) + 1e-12
    n = len(points)
    return sp.csr_matrix((length, (a, b)), shape=(n, n))


def _bridged(coords: np.ndarray, g: sp.csr_matrix) -> sp.csr_matrix:
    """``g`` with an edge between the nearest points of neighbouring components, along a
    minimum spanning tree of the components' centroids: the moves of a non-contiguous
    design can then reach every unit (accounts in separate clusters, far apart, left
    the search unable to balance: 1,500 units in 3 kNN components, 110% off)."""
    count, comp = connected_components(g, directed=False)
    if count == 1:
        return g
    members = [np.flatnonzero(comp == c) for c in range(count)]
    centroid = np.array([coords[m].mean(axis=0) for m in members])
    tree = minimum_spanning_tree(_centroid_graph(centroid))
    rows, cols = [], []
    for a, b in zip(*tree.nonzero(), strict=True):
        # the point of a nearest b's centroid, and the point of b nearest that one
        i = members[a][np.argmin(((coords[members[a]] - centroid[b]) ** 2).sum(axis=1))]
        j = members[b][np.argmin(((coords[members[b]] - coords[i]) ** 2).sum(axis=1))]
        rows += [i, j]
        cols += [j, i]
    n = g.shape[0]
    bridges = sp.csr_matrix((np.ones(len(rows), dtype=np.int8), (rows, cols)), shape=(n, n))
    out = (g + bridges).tocsr()
    out.data[:] = 1
    return out


def neighbourhood(problem: DesignProblem, knn: int) -> sp.csr_matrix:
    if problem.adjacency is not None:
        return sp.csr_matrix(problem.adjacency)
    return knn_graph(problem.array("coords"), knn)


def make_arrays(problem: DesignProblem, graph: sp.csr_matrix) -> Arrays:
    n, m, p = problem.n, problem.m, problem.p
    xy = np.ascontiguousarray(problem.array("coords"), dtype=np.float64)
    rank = np.empty(n, dtype=np.int64)
    rank[np.lexsort((xy[:, 1], xy[:, 0]))] = np.arange(n)
    w = np.ascontiguousarray(problem.array("measures"), dtype=np.float64)
    tgt = problem.array("targets") * w.sum(axis=0)[None, :]
    inv = np.where(tgt > 0, 1.0 / np.where(tgt > 0, tgt, 1.0), 0.0)
    cap = n
    cur = problem.current
    centres = problem.fixed_centres
    pull = TRAVEL_PULL if problem.objective == "travel" else 0
    cfg = np.array(
        [
            int(problem.contiguous),
            int(problem.objective == "travel"),
            int(centres is not None),
            pull,
        ],
        dtype=np.int64,
    )
    locks = problem.array("locks")
    return Arrays(
        xy=xy,
        rank=rank,
        w=w,
        adj_ptr=graph.indptr.astype(np.int64),
        adj_idx=graph.indices.astype(np.int32),
        tgt=np.ascontiguousarray(tgt),
        inv=np.ascontiguousarray(inv),
        tol=problem.array("tolerances").astype(np.float64),
        a=np.zeros(n, dtype=np.int32),
        load=np.zeros((p, m)),
        mem=np.zeros((p, cap), dtype=np.int32),
        msize=np.zeros(p, dtype=np.int32),
        mpos=np.zeros(n, dtype=np.int32),
        hull=np.zeros((p, cap), dtype=np.int32),
        hlen=np.zeros(p, dtype=np.int32),
        diam=np.zeros(p),
        far=np.full((p, 2), -1, dtype=np.int32),
        art=np.zeros(n, dtype=np.bool_),
        locked=locks >= 0,
        tabu=np.zeros(n, dtype=np.int64),
        minu=problem.array("min_units").astype(np.int64),
        maxu=problem.array("max_units").astype(np.int64),
        cur=(np.full(n, -1, dtype=np.int32) if cur is None else np.asarray(cur).astype(np.int32)),
        mvw=problem.move_weight_array().astype(np.float64),
        moved=np.zeros(1),
        mcap=np.array([problem.move_cap()]),
        centre=(np.zeros((p, 2)) if centres is None else np.array(centres, dtype=np.float64)),
        tw=problem.travel_weights(),
        trav=np.zeros(p),
        cfg=cfg,
        disc=np.zeros(n, dtype=np.int64),
        low=np.zeros(n, dtype=np.int64),
        par=np.zeros(n, dtype=np.int64),
        it=np.zeros(n, dtype=np.int64),
        stk=np.zeros(n + 1, dtype=np.int64),
        seen=np.zeros(n, dtype=np.bool_),
    )
