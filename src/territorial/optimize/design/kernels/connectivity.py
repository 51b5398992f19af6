"""Articulation points of a territory's induced subgraph (iterative Tarjan).

A boundary unit may leave its territory without disconnecting it iff it is not an
articulation point of the subgraph the territory induces.  After a move only the
two territories it touches change, so ``mark_articulation`` is re-run for those two
(``O(s + edges)`` for a territory of ``s`` units) and every other flag stays valid.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def mark_articulation(
    members: np.ndarray,
    size: int,
    terr: int,
    a: np.ndarray,
    adj_ptr: np.ndarray,
    adj_idx: np.ndarray,
    art: np.ndarray,
    disc: np.ndarray,
    low: np.ndarray,
    parent: np.ndarray,
    it: np.ndarray,
    stack: np.ndarray,
) -> int:
    """Set ``art[u]`` for every member ``u`` of territory ``terr``.

    ``disc``, ``low``, ``parent``, ``it`` and ``stack`` are scratch arrays of length n.
    Returns the number of connected components of the territory.
    """
    for t in range(size):
        u = members[t]
        disc[u] = -1
        art[u] = False
    timer = 0
    comps = 0
    for t in range(size):
        root = members[t]
        if disc[root] >= 0:
            continue
        comps += 1
        disc[root] = timer
        low[root] = timer
        timer += 1
        parent[root] = -1
        it[root] = adj_ptr[root]
        top = 0
        stack[0] = root
        root_children = 0
        while top >= 0:
            u = stack[top]
            if it[u] < adj_ptr[u + 1]:
                v = adj_idx[it[u]]
                it[u] += 1
                if a[v] != terr:
                    continue
                if disc[v] < 0:
                    parent[v] = u
                    disc[v] = timer
                    low[v] = timer
                    timer += 1
                    it[v] = adj_ptr[v]
                    top += 1
                    stack[top] = v
                    if u == root:
                        root_children += 1
                elif v != parent[u] and disc[v] < low[u]:
                    low[u] = disc[v]
            else:
                top -= 1
                pu = parent[u]
                if pu >= 0:
                    if low[u] < low[pu]:
                        low[pu] = low[u]
                    if pu != root and low[u] >= disc[pu]:
                        art[pu] = True
        if root_children > 1:
            art[root] = True
    return comps


@njit(cache=True)
def count_components(
    members: np.ndarray,
    size: int,
    terr: int,
    a: np.ndarray,
    adj_ptr: np.ndarray,
    adj_idx: np.ndarray,
    seen: np.ndarray,
    stack: np.ndarray,
) -> int:
    """Number of connected components of territory ``terr`` (BFS; ``seen`` scratch)."""
    for t in range(size):
        seen[members[t]] = False
    comps = 0
    for t in range(size):
        r = members[t]
        if seen[r]:
            continue
        comps += 1
        seen[r] = True
        top = 0
        stack[0] = r
        while top >= 0:
            u = stack[top]
            top -= 1
            for e in range(adj_ptr[u], adj_ptr[u + 1]):
                v = adj_idx[e]
                if a[v] == terr and not seen[v]:
                    seen[v] = True
                    top += 1
                    stack[top] = v
    return comps
