"""Reconnect a plan whose territories are split into pieces.

A lock can pin a unit far from its territory's root (an account locked to a rep whose
home is elsewhere); the tabu search may then end with that unit cut off.  Each piece
cut off from its territory's root is mended in turn: a piece holding a unit locked to
the territory is joined to the root's piece along the shortest path (by length)
through units not locked elsewhere; any other piece goes to the neighbouring
territory it shares most edges with.  Joining may cut another territory, whose pieces
are mended in later rounds.  The result keeps every root and lock, and usually needs
rebalancing (ReCom does that, keeping it connected).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.sparse import csgraph

from territorial.optimize.design.contiguous import Graph, pieces


def reconnect(
    graph: Graph, points: np.ndarray, plan: np.ndarray, roots: np.ndarray, locks: np.ndarray
) -> np.ndarray | None:
    """``plan`` with every territory one connected piece holding its root, every unit
    with ``locks >= 0`` (roots included) still in that territory; None if that is not
    reached (a locked unit no path can join)."""
    n, p = graph.n, len(roots)
    plan = np.asarray(plan, dtype=np.int64).copy()
    pinned = np.asarray(locks, dtype=np.int64).copy()
    pinned[roots] = np.arange(p)
    rows = np.repeat(np.arange(n), np.diff(graph.ptr))
    cols = graph.idx
    length = np.linalg.norm(points[rows] - points[cols], axis=1) + 1e-9
    for _ in range(4 * p + n):
        comp = pieces(graph, plan)
        stray = np.flatnonzero(comp != comp[roots][plan])
        if stray.size == 0:
            return plan
        piece = np.flatnonzero(comp == comp[stray[0]])
        j = int(plan[stray[0]])
        if (pinned[piece] == j).any():
            path = _path_to_root(rows, cols, length, plan, pinned, comp, roots[j], piece, j)
            if path is None:
                return None
            plan[path] = j
        else:
            edges = np.isin(rows, piece) & (plan[cols] != j)
            if not edges.any():
                return None
            plan[piece] = np.bincount(plan[cols[edges]], minlength=p).argmax()
    return None


def _path_to_root(
    rows: np.ndarray,
    cols: np.ndarray,
    length: np.ndarray,
    plan: np.ndarray,
    pinned: np.ndarray,
    comp: np.ndarray,
    root: int,
    piece: np.ndarray,
    j: int,
) -> np.ndarray | None:
    """The units of the shortest path from ``piece`` to the root's piece of territory
    ``j``, through units free or locked to ``j``; None when there is none."""
    n = len(plan)
    open_ = (pinned < 0) | (pinned == j)
    keep = open_[rows] & open_[cols]
    matrix = sp.csr_matrix((length[keep], (rows[keep], cols[keep])), (n, n))
    dist, pred, _ = csgraph.dijkstra(matrix, indices=piece, min_only=True, return_predecessors=True)
    home = np.flatnonzero(comp == comp[root])
    end = int(home[np.argmin(dist[home])])
    if not np.isfinite(dist[end]):
        return None
    path = []
    u = end
    while u >= 0:  # back to the piece (a source's predecessor is negative)
        path.append(u)
        u = int(pred[u])
    return np.asarray(path, dtype=np.int64)
