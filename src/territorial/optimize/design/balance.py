"""Balance tabu search with per-territory candidate caches (MATS-style).

For every territory ``k`` the cache holds the best non-tabu move of a neighbouring
unit into ``k`` (lowest resulting B(S), receiving diameter within ``cap``, contiguity
kept).  A move ``u: i -> k`` can only change the caches of ``i``, ``k`` and the
territories adjacent to them (loads, hulls, articulation flags), plus those next to
units whose tabu status expired; only these are recomputed.

Measured on del-n1000-k10 (py-spy + timers): a full boundary scan per iteration cost
~1 ms; the cached version ~0.1 ms (p=10) and ~20x less than a full scan at p=160.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from territorial.optimize.design.clock import now
from territorial.optimize.design.diameter import max_dist_to_hull
from territorial.optimize.design.state import (
    EPS,
    State,
    apply_move,
    move_allowed,
    objective_value,
    rebuild,
    terr_excess,
)


@njit(cache=True)
def _excess_with(s: State, i: int, u: int, sign: float) -> float:
    e = 0.0
    for k in range(s.load.shape[1]):
        if s.inv[i, k] > 0.0:
            d = abs(s.load[i, k] + sign * s.w[u, k] - s.tgt[i, k]) * s.inv[i, k] - s.tol[k]
            if d > 0.0:
                e += d
    return e


@njit(cache=True)
def _lot_candidate(s: State, k: int, cap: float, itc: int, ex: np.ndarray,
                   cu: np.ndarray, cv: np.ndarray, mark: np.ndarray, stamp: int) -> None:
    best = np.inf
    bu = -1
    ties = 0
    check_cap = s.cfg[1] == 0 and cap < np.inf
    for t in range(s.msize[k]):
        x = s.mem[k, t]
        for e in range(s.adj_ptr[x], s.adj_ptr[x + 1]):
            v = s.adj_idx[e]
            i = s.a[v]
            if i == k or mark[v] == stamp:
                continue
            mark[v] = stamp
            if s.tabu[v] > itc or not move_allowed(s, v, k):
                continue
            d = _excess_with(s, i, v, -1.0) + _excess_with(s, k, v, 1.0) - ex[i] - ex[k]
            if d > best + EPS:
                continue
            if check_cap:
                md, _ = max_dist_to_hull(v, s.hull[k], s.hlen[k], s.xy)
                if md > cap + EPS:
                    continue
            if d < best - EPS:
                best = d
                bu = v
                ties = 1
            else:
                ties += 1
                if np.random.random() * ties < 1.0:
                    bu = v
    cu[k] = bu
    cv[k] = best


@njit(cache=True)
def _lexi_less(a1: float, a2: float, b1: float, b2: float) -> bool:
    if a1 < b1 - EPS:
        return True
    if a1 > b1 + EPS:
        return False
    return a2 < b2 - EPS


@njit(cache=True)
def _mark_around(s: State, i: int, aff: np.ndarray) -> None:
    aff[i] = True
    for t in range(s.msize[i]):
        x = s.mem[i, t]
        for e in range(s.adj_ptr[x], s.adj_ptr[x + 1]):
            aff[s.a[s.adj_idx[e]]] = True


@njit(cache=True)
def balance_search(s: State, cap: float, tenure: int, imax: int, deadline: float,
                   itc: np.ndarray, scratch: np.ndarray) -> None:
    """Tabu search on B(S); ends at the best plan visited (lexicographic B, objective)."""
    n = s.a.shape[0]
    p = s.load.shape[0]
    ex = np.empty(p)
    for i in range(p):
        ex[i] = terr_excess(s, i)
    b = ex.sum()
    if b <= EPS:
        return
    c = objective_value(s)
    best_b = b
    best_c = c
    scratch[:] = s.a
    cu = np.full(p, -1, dtype=np.int64)
    cv = np.full(p, np.inf)
    mark = np.zeros(n, dtype=np.int64)
    stamp = 1
    for k in range(p):
        _lot_candidate(s, k, cap, itc[0], ex, cu, cv, mark, stamp)
        stamp += 1
    aff = np.zeros(p, dtype=np.bool_)
    tl = np.empty(n, dtype=np.int64)
    ntl = 0
    since = 0
    steps = 0
    while b > EPS:
        steps += 1
        if (steps & 31) == 0 and now() > deadline:
            break
        k = -1
        bv = np.inf
        ties = 0
        for j in range(p):
            if cu[j] < 0:
                continue
            if cv[j] < bv - EPS:
                bv = cv[j]
                k = j
                ties = 1
            elif cv[j] <= bv + EPS:
                ties += 1
                if np.random.random() * ties < 1.0:
                    k = j
        if k < 0:
            break
        u = cu[k]
        if s.tabu[u] > itc[0] or not move_allowed(s, u, k):  # stale (move cap changed)
            _lot_candidate(s, k, cap, itc[0], ex, cu, cv, mark, stamp)
            stamp += 1
            if cu[k] == u:
                cu[k] = -1
            continue
        i = s.a[u]
        apply_move(s, u, k)
        s.tabu[u] = itc[0] + tenure + np.random.randint(0, max(1, tenure // 2 + 1))
        tl[ntl] = u
        ntl += 1
        itc[0] += 1
        ex[i] = terr_excess(s, i)
        ex[k] = terr_excess(s, k)
        b = ex.sum()
        aff[:] = False
        _mark_around(s, i, aff)
        _mark_around(s, k, aff)
        t = 0
        while t < ntl:
            v = tl[t]
            if s.tabu[v] <= itc[0]:
                for e in range(s.adj_ptr[v], s.adj_ptr[v + 1]):
                    aff[s.a[s.adj_idx[e]]] = True
                ntl -= 1
                tl[t] = tl[ntl]
            else:
                t += 1
        for j in range(p):
            if aff[j]:
                _lot_candidate(s, j, cap, itc[0], ex, cu, cv, mark, stamp)
                stamp += 1
        c = objective_value(s)
        if _lexi_less(b, c, best_b, best_c):
            best_b = b
            best_c = c
            scratch[:] = s.a
            since = 0
        else:
            since += 1
            if since >= imax:
                break
    if b != best_b or c != best_c:
        s.a[:] = scratch
        rebuild(s)
