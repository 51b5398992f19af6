"""Escape move of the diameter search (MATS "path improvement").

When no endpoint of a longest pair can move (typically it sits inside its territory,
away from any other territory), find the shortest path (Euclidean edge lengths)
inside its territory from the endpoint to a unit of another territory and hand every
unit on the path to that territory.  The move is undone when it disconnects the
source territory or breaks a hard constraint.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from territorial.optimize.design.kernels.connectivity import count_components
from territorial.optimize.design.kernels.state import EPS, State, apply_move, dist, move_cap_delta


@njit(cache=True)
def _heap_push(hk: np.ndarray, hv: np.ndarray, size: int, key: float, val: int) -> int:
    i = size
    hk[i] = key
    hv[i] = val
    while i > 0:
        par = (i - 1) >> 1
        if hk[par] <= hk[i]:
            break
        hk[par], hk[i] = hk[i], hk[par]
        hv[par], hv[i] = hv[i], hv[par]
        i = par
    return size + 1


@njit(cache=True)
def _heap_pop(hk: np.ndarray, hv: np.ndarray, size: int) -> tuple[float, int, int]:
    key = hk[0]
    val = hv[0]
    size -= 1
    hk[0] = hk[size]
    hv[0] = hv[size]
    i = 0
    while True:
        lft = 2 * i + 1
        if lft >= size:
            break
        c = lft
        if lft + 1 < size and hk[lft + 1] < hk[lft]:
            c = lft + 1
        if hk[i] <= hk[c]:
            break
        hk[c], hk[i] = hk[i], hk[c]
        hv[c], hv[i] = hv[i], hv[c]
        i = c
    return key, val, size


@njit(cache=True)
def _shortest_exit(
    s: State, src: int, dist_arr: np.ndarray, prev: np.ndarray, hk: np.ndarray, hv: np.ndarray
) -> tuple[float, int]:
    """Dijkstra inside territory a[src]; returns (length, first foreign unit)."""
    i = s.a[src]
    for t in range(s.msize[i]):
        dist_arr[s.mem[i, t]] = np.inf
    dist_arr[src] = 0.0
    prev[src] = -1
    size = _heap_push(hk, hv, 0, 0.0, src)
    while size > 0:
        d, u, size = _heap_pop(hk, hv, size)
        if d > dist_arr[u]:
            continue
        for e in range(s.adj_ptr[u], s.adj_ptr[u + 1]):
            v = s.adj_idx[e]
            nd = d + dist(s, u, v)
            if s.a[v] != i:
                prev[v] = u
                return nd, v
            if nd < dist_arr[v]:
                dist_arr[v] = nd
                prev[v] = u
                if size < hk.shape[0]:
                    size = _heap_push(hk, hv, size, nd, v)
    return np.inf, -1


@njit(cache=True)
def _try_path(s: State, src: int, x: int, prev: np.ndarray, path: np.ndarray) -> bool:
    i = s.a[src]
    k = s.a[x]
    plen = 0
    v = prev[x]
    while v >= 0:
        path[plen] = v
        plen += 1
        v = prev[v]
    if s.msize[i] - plen < max(1, s.minu[i]) or s.msize[k] + plen > s.maxu[k]:
        return False
    extra = 0.0
    for t in range(plen):
        if s.locked[path[t]]:
            return False
        extra += move_cap_delta(s, path[t], k)
    if s.moved[0] + extra > s.mcap[0] + EPS:
        return False
    for t in range(plen):
        apply_move(s, path[t], k)
    if (
        s.cfg[0] != 0
        and count_components(s.mem[i], s.msize[i], i, s.a, s.adj_ptr, s.adj_idx, s.seen, s.stk) > 1
    ):
        for t in range(plen - 1, -1, -1):
            apply_move(s, path[t], i)
        return False
    return True


@njit(cache=True)
def path_escape(s: State, itc: int) -> bool:
    """Apply the escape move for the critical endpoint with the shortest admissible path.

    Endpoints are tried by increasing path length until one move is admissible.
    """
    n = s.a.shape[0]
    dist_arr = np.empty(n)
    prev = np.empty(n, dtype=np.int64)
    hk = np.empty(s.adj_idx.shape[0] + 1)
    hv = np.empty(s.adj_idx.shape[0] + 1, dtype=np.int64)
    path = np.empty(n, dtype=np.int64)
    dmax = s.diam.max()
    p = s.diam.shape[0]
    srcs = np.empty(2 * p, dtype=np.int64)
    lens = np.empty(2 * p)
    ns = 0
    for i in range(p):
        if s.diam[i] < dmax - EPS:
            continue
        for end in range(2):
            u = s.far[i, end]
            if u < 0 or s.locked[u] or (end == 1 and u == s.far[i, 0]):
                continue
            ln, x = _shortest_exit(s, u, dist_arr, prev, hk, hv)
            if x >= 0:
                srcs[ns] = u
                lens[ns] = ln
                ns += 1
    order = np.argsort(lens[:ns])
    for t in range(ns):
        u = srcs[order[t]]
        _, x = _shortest_exit(s, u, dist_arr, prev, hk, hv)
        if _try_path(s, u, x, prev, path):
            return True
    return False
