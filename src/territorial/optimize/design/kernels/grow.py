"""Constructive phase: p-dispersion seeds, then greedy growth of the lightest territory.

Growth keeps, per territory, a lazy frontier list (unassigned neighbours, possibly
stale or duplicated, compacted while scanned) and the territory hull, so choosing
the next unit costs ``O(frontier * hull)`` instead of a scan of all members.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from territorial.optimize.design.kernels.diameter import hull_of, inside_hull, max_dist_to_hull
from territorial.optimize.design.kernels.state import State, centre_dist, rebuild


@njit(cache=True)
def pick_seeds(s: State, comp: np.ndarray, ncomp: int, sample_size: int, seeds: np.ndarray) -> None:
    """Fill ``seeds[i]`` (unit ids) for territories that have no seed yet (-1)."""
    n = s.a.shape[0]
    p = seeds.shape[0]
    taken = np.zeros(n, dtype=np.bool_)
    for i in range(p):
        if seeds[i] >= 0:
            taken[seeds[i]] = True
    # fixed centres: nearest free unit
    if s.cfg[2] != 0:
        for i in range(p):
            if seeds[i] >= 0:
                continue
            best = -1
            bd = np.inf
            for u in range(n):
                if taken[u] or s.a[u] >= 0:
                    continue
                d = centre_dist(s, u, i)
                if d < bd:
                    bd = d
                    best = u
            seeds[i] = best
            if best >= 0:
                taken[best] = True
    # one seed per graph component that has none (contiguity)
    if s.cfg[0] != 0 and ncomp > 1:
        has = np.zeros(ncomp, dtype=np.bool_)
        for u in range(n):
            if s.a[u] >= 0 or taken[u]:
                has[comp[u]] = True
        perm = np.random.permutation(n)
        for t in range(n):
            u = perm[t]
            c = comp[u]
            if has[c]:
                continue
            for i in range(p):
                if seeds[i] < 0:
                    seeds[i] = u
                    taken[u] = True
                    has[c] = True
                    break
    # greedy p-dispersion over a random sample
    free = np.empty(n, dtype=np.int64)
    nf = 0
    for u in range(n):
        if s.a[u] < 0 and not taken[u]:
            free[nf] = u
            nf += 1
    if nf == 0:
        return
    perm = np.random.permutation(nf)
    k = min(nf, max(sample_size, 1))
    cand = np.empty(k, dtype=np.int64)
    for t in range(k):
        cand[t] = free[perm[t]]
    mind = np.full(k, np.inf)
    anyseed = False
    for i in range(p):
        if seeds[i] >= 0:
            anyseed = True
            for t in range(k):
                dx = s.xy[cand[t], 0] - s.xy[seeds[i], 0]
                dy = s.xy[cand[t], 1] - s.xy[seeds[i], 1]
                d = dx * dx + dy * dy
                if d < mind[t]:
                    mind[t] = d
    for u in range(n):  # locked units act as existing seeds
        if s.a[u] >= 0:
            anyseed = True
            for t in range(k):
                dx = s.xy[cand[t], 0] - s.xy[u, 0]
                dy = s.xy[cand[t], 1] - s.xy[u, 1]
                d = dx * dx + dy * dy
                if d < mind[t]:
                    mind[t] = d
    first = not anyseed
    used = np.zeros(k, dtype=np.bool_)
    for i in range(p):
        if seeds[i] >= 0:
            continue
        if first:
            bt = 0
            first = False
        else:
            bt = -1
            bd = -1.0
            for t in range(k):
                if not used[t] and mind[t] > bd:
                    bd = mind[t]
                    bt = t
        if bt < 0:  # sample exhausted: any free unit
            for t in range(nf):
                if not taken[free[t]]:
                    seeds[i] = free[t]
                    taken[free[t]] = True
                    break
            continue
        used[bt] = True
        u = cand[bt]
        seeds[i] = u
        taken[u] = True
        for t in range(k):
            dx = s.xy[cand[t], 0] - s.xy[u, 0]
            dy = s.xy[cand[t], 1] - s.xy[u, 1]
            d = dx * dx + dy * dy
            if d < mind[t]:
                mind[t] = d


@njit(cache=True)
def _push_frontier(s: State, u: int, j: int, front: np.ndarray, flen: np.ndarray) -> None:
    for e in range(s.adj_ptr[u], s.adj_ptr[u + 1]):
        v = s.adj_idx[e]
        if s.a[v] < 0:
            if flen[j] >= front.shape[1]:  # compact
                k = 0
                for t in range(flen[j]):
                    x = front[j, t]
                    if s.a[x] < 0:
                        front[j, k] = x
                        k += 1
                flen[j] = k
                if k >= front.shape[1]:
                    return
            front[j, flen[j]] = v
            flen[j] += 1


@njit(cache=True)
def _add(s: State, u: int, j: int, front: np.ndarray, flen: np.ndarray) -> None:
    s.a[u] = j
    s.mem[j, s.msize[j]] = u
    s.mpos[u] = s.msize[j]
    s.msize[j] += 1
    s.load[j] += s.w[u]
    hj = s.hlen[j]
    if hj == 0:
        s.hull[j, 0] = u
        s.hlen[j] = 1
    elif not inside_hull(u, s.hull[j], hj, s.xy):
        dmax, _ = max_dist_to_hull(u, s.hull[j], hj, s.xy)
        if dmax > s.diam[j]:
            s.diam[j] = dmax
        tmp = np.empty(hj + 1, dtype=np.int32)
        tmp[:hj] = s.hull[j, :hj]
        tmp[hj] = u
        s.hlen[j] = hull_of(tmp, s.rank, s.xy, s.hull[j])
    _push_frontier(s, u, j, front, flen)


@njit(cache=True)
def grow(s: State, seeds: np.ndarray, lock: np.ndarray, fcap: int) -> None:
    """Assign every unit: locked units and seeds first, then greedy growth.

    Repeatedly takes the active territory with the smallest normalised load and adds
    the frontier unit whose addition raises its diameter least (ties: the unit
    closest, in the minimax sense, to the territory); for the travel objective the
    frontier unit nearest the territory centre.
    """
    n = s.a.shape[0]
    p = s.load.shape[0]
    s.a[:] = -1
    s.msize[:] = 0
    s.load[:] = 0.0
    s.hlen[:] = 0
    s.diam[:] = 0.0
    front = np.empty((p, fcap), dtype=np.int32)
    flen = np.zeros(p, dtype=np.int64)
    for u in range(n):
        if lock[u] >= 0:
            _add(s, u, lock[u], front, flen)
    for i in range(p):
        if seeds[i] >= 0 and s.a[seeds[i]] < 0:
            _add(s, seeds[i], i, front, flen)
    if s.cfg[1] == 1 and s.cfg[2] == 0:
        for i in range(p):
            if seeds[i] >= 0:
                s.centre[i, 0] = s.xy[seeds[i], 0]
                s.centre[i, 1] = s.xy[seeds[i], 1]
    active = np.ones(p, dtype=np.bool_)
    norm = np.zeros(p)
    for i in range(p):
        for k in range(s.load.shape[1]):
            norm[i] += s.load[i, k] * s.inv[i, k]
    travel = s.cfg[1] == 1
    while True:
        best_i = -1
        bv = np.inf
        for i in range(p):
            if active[i] and norm[i] < bv:
                bv = norm[i]
                best_i = i
        if best_i < 0:
            break
        i = best_i
        if s.msize[i] >= s.maxu[i]:
            active[i] = False
            continue
        bu = -1
        bk1 = np.inf
        bk2 = np.inf
        k = 0
        for t in range(flen[i]):
            u = front[i, t]
            if s.a[u] >= 0:
                continue
            front[i, k] = u
            k += 1
            if travel:
                k1 = centre_dist(s, u, i)
                k2 = 0.0
            else:
                md, _ = max_dist_to_hull(u, s.hull[i], s.hlen[i], s.xy)
                k1 = max(md, s.diam[i])
                k2 = md
            if k1 < bk1 or (k1 == bk1 and k2 < bk2):
                bk1 = k1
                bk2 = k2
                bu = u
        flen[i] = k
        if bu < 0:
            active[i] = False
            continue
        _add(s, bu, i, front, flen)
        for kk in range(s.load.shape[1]):
            norm[i] += s.w[bu, kk] * s.inv[i, kk]
    assign_leftovers(s, seeds)
    rebuild(s)


@njit(cache=True)
def assign_leftovers(s: State, seeds: np.ndarray) -> None:
    """Give unassigned units (blocked growth) to a neighbouring or nearest territory."""
    n = s.a.shape[0]
    p = s.load.shape[0]
    changed = True
    while changed:
        changed = False
        for u in range(n):
            if s.a[u] >= 0:
                continue
            bi = -1
            bv = np.inf
            for e in range(s.adj_ptr[u], s.adj_ptr[u + 1]):
                j = s.a[s.adj_idx[e]]
                if j >= 0:
                    v = 0.0
                    for k in range(s.load.shape[1]):
                        v += s.load[j, k] * s.inv[j, k]
                    if v < bv:
                        bv = v
                        bi = j
            if bi >= 0:
                s.a[u] = bi
                s.load[bi] += s.w[u]
                changed = True
    for u in range(n):
        if s.a[u] >= 0:
            continue
        bi = 0
        bd = np.inf
        for i in range(p):
            if seeds[i] >= 0:
                dx = s.xy[u, 0] - s.xy[seeds[i], 0]
                dy = s.xy[u, 1] - s.xy[seeds[i], 1]
                d = dx * dx + dy * dy
                if d < bd:
                    bd = d
                    bi = i
        s.a[u] = bi
