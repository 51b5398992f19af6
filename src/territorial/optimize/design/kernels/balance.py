"""Balance tabu search with (target, source) candidate caches.

The cache holds, for every pair of territories (target ``t``, source ``r``), the best
non-tabu move of a unit of ``r`` into ``t``: lowest resulting B(S), receiving diameter
within ``cap``, contiguity kept (MATS keeps one candidate per target; keeping one per
pair lets a move ``u: i -> k`` refresh only rows and columns ``i`` and ``k``, found by
one scan of the boundary units of ``i`` and ``k``).  Units whose tabu expires are
offered to their neighbouring territories' entries.  Row minima are kept and
recomputed only for rows that lost their best entry.

Measured on del-n1000-k10 (timers around the kernels): a full boundary scan per
iteration cost ~1 ms; per-target caches ~150 us; these pair caches ~15-25 us.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from territorial.optimize.design.kernels.clock import now
from territorial.optimize.design.kernels.diameter import max_dist_to_hull
from territorial.optimize.design.kernels.state import (
    EPS,
    State,
    apply_move,
    move_allowed,
    objective_value,
    rebuild,
    terr_excess,
)

SOFT = 30.0  # weight of sum(dev^2): a gradient on the B(S) plateau, see _score


@njit(cache=True)
def _score(s: State, i: int) -> float:
    """Excess of territory ``i`` plus SOFT x sum of squared relative deviations.

    B(S) is flat while a territory is within tolerance, so chains of moves through
    balanced territories get no guidance; the small quadratic term pulls territories
    toward their targets and makes room for units (measured on del-n10000-k160: the
    share of growth starts that one balance search makes feasible rose from 0/6 with
    SOFT = 0 to 1/6 (2.0), 5/6 (8.0) and 6/6 (30.0), in a quarter of the time).
    """
    e = 0.0
    for k in range(s.load.shape[1]):
        if s.inv[i, k] > 0.0:
            dev = abs(s.load[i, k] - s.tgt[i, k]) * s.inv[i, k]
            e += SOFT * dev * dev
            if dev > s.tol[k]:
                e += dev - s.tol[k]
    return e


@njit(cache=True)
def _offer(
    s: State,
    units: np.ndarray,
    nunits: int,
    scan_terr: int,
    cap: float,
    itc: int,
    ex: np.ndarray,
    bv: np.ndarray,
    bu: np.ndarray,
    bt: np.ndarray,
    rv: np.ndarray,
    rs: np.ndarray,
    dirty: np.ndarray,
    bcount: np.ndarray,
) -> None:
    """Offer boundary moves to the cache entries (target, source).

    With ``scan_terr >= 0``: every move across the boundary of that territory, in both
    directions; else the moves of ``units[:nunits]`` out of their territories.
    The candidate test is written inline with the arrays hoisted: every StructRef
    attribute read is reference counted, and reading ~20 fields per candidate in a
    helper cost ~0.5 us per candidate (measured), 10x the test itself.
    """
    a = s.a
    tabu = s.tabu
    locked = s.locked
    msize = s.msize
    minu = s.minu
    maxu = s.maxu
    art = s.art
    contig = s.cfg[0] != 0
    cur = s.cur
    mvw = s.mvw
    moved = s.moved[0]
    mcap = s.mcap[0]
    load = s.load
    w = s.w
    tgt = s.tgt
    inv = s.inv
    tol = s.tol
    m = load.shape[1]
    soft = SOFT
    check_cap = s.cfg[1] == 0 and cap < np.inf
    hull = s.hull
    hlen = s.hlen
    xy = s.xy
    adj_ptr = s.adj_ptr
    adj_idx = s.adj_idx
    mem = s.mem
    scan = scan_terr >= 0
    count = msize[scan_terr] if scan else nunits
    tscale = 0.0
    if s.cfg[1] == 1 and s.cfg[3] > 0:  # travel pull, see build.TRAVEL_PULL
        total = s.trav.sum()
        if total > 0.0:
            tscale = s.cfg[3] / total
    tw = s.tw
    centre = s.centre
    for q in range(count):
        x = mem[scan_terr, q] if scan else units[q]
        if scan and bcount[x] == 0:
            continue
        ax = a[x]
        for e in range(adj_ptr[x], adj_ptr[x + 1]):
            y = adj_idx[e]
            ay = a[y]
            if ay == ax:
                continue
            for dirn in range(2 if scan else 1):
                if dirn == 0:
                    v = x
                    t = ay
                    r = ax
                else:
                    v = y
                    t = ax
                    r = ay
                # --- candidate move v: r -> t ---
                if tabu[v] > itc or locked[v]:
                    continue
                if msize[r] <= 1 or msize[r] <= minu[r] or msize[t] >= maxu[t]:
                    continue
                if contig and art[v]:
                    continue
                c = cur[v]
                if c >= 0:
                    dm = 0.0
                    if r == c:
                        dm += mvw[v]
                    if t == c:
                        dm -= mvw[v]
                    if moved + dm > mcap + EPS:
                        continue
                d = -ex[r] - ex[t]
                for k in range(m):
                    if inv[r, k] > 0.0:
                        dev = abs(load[r, k] - w[v, k] - tgt[r, k]) * inv[r, k]
                        d += soft * dev * dev
                        if dev > tol[k]:
                            d += dev - tol[k]
                    if inv[t, k] > 0.0:
                        dev = abs(load[t, k] + w[v, k] - tgt[t, k]) * inv[t, k]
                        d += soft * dev * dev
                        if dev > tol[k]:
                            d += dev - tol[k]
                if tscale > 0.0:
                    dt = np.sqrt((xy[v, 0] - centre[t, 0]) ** 2 + (xy[v, 1] - centre[t, 1]) ** 2)
                    dr = np.sqrt((xy[v, 0] - centre[r, 0]) ** 2 + (xy[v, 1] - centre[r, 1]) ** 2)
                    d += tscale * tw[v] * (dt - dr)
                old = bv[t, r]
                if d > old + EPS:
                    continue
                if check_cap:
                    md, _ = max_dist_to_hull(v, hull[t], hlen[t], xy)
                    if md > cap + EPS:
                        continue
                if d < old - EPS:
                    bv[t, r] = d
                    bu[t, r] = v
                    bt[t, r] = 1
                else:
                    bt[t, r] += 1
                    if np.random.random() * bt[t, r] < 1.0:
                        bu[t, r] = v
                if not dirty[t] and d < rv[t] - EPS:
                    rv[t] = d
                    rs[t] = r


@njit(cache=True)
def _reset(
    i: int, bv: np.ndarray, bu: np.ndarray, bt: np.ndarray, rs: np.ndarray, dirty: np.ndarray
) -> None:
    p = bv.shape[0]
    for t in range(p):
        bv[t, i] = np.inf
        bu[t, i] = -1
        bt[t, i] = 0
        bv[i, t] = np.inf
        bu[i, t] = -1
        bt[i, t] = 0
        if rs[t] == i:
            dirty[t] = True
    dirty[i] = True


@njit(cache=True)
def _row_min(t: int, bv: np.ndarray, bu: np.ndarray, rv: np.ndarray, rs: np.ndarray) -> None:
    best = np.inf
    arg = -1
    for r in range(bv.shape[1]):
        if bu[t, r] >= 0 and bv[t, r] < best:
            best = bv[t, r]
            arg = r
    rv[t] = best
    rs[t] = arg


@njit(cache=True)
def _lexi_less(a1: float, a2: float, b1: float, b2: float) -> bool:
    if a1 < b1 - EPS:
        return True
    if a1 > b1 + EPS:
        return False
    return a2 < b2 - EPS


@njit(cache=True)
def _update_bcount(s: State, u: int, bcount: np.ndarray) -> None:
    c = 0
    for e in range(s.adj_ptr[u], s.adj_ptr[u + 1]):
        y = s.adj_idx[e]
        if s.a[y] != s.a[u]:
            c += 1
        cy = 0
        for f in range(s.adj_ptr[y], s.adj_ptr[y + 1]):
            if s.a[s.adj_idx[f]] != s.a[y]:
                cy += 1
        bcount[y] = cy
    bcount[u] = c


@njit(cache=True)
def balance_search(
    s: State,
    cap: float,
    tenure: int,
    imax: int,
    deadline: float,
    itc: np.ndarray,
    scratch: np.ndarray,
) -> int:
    """Tabu search on B(S); ends at the best plan visited (lexicographic B, objective).

    Returns the number of loop steps (moves plus stale-cache refreshes).
    """
    n = s.a.shape[0]
    p = s.load.shape[0]
    ex = np.empty(p)
    sc = np.empty(p)
    for i in range(p):
        ex[i] = terr_excess(s, i)
        sc[i] = _score(s, i)
    b = ex.sum()
    if b <= EPS:
        return 0
    c = objective_value(s)
    best_b = b
    best_c = c
    scratch[:] = s.a
    bcount = np.zeros(n, dtype=np.int64)
    for x in range(n):
        for e in range(s.adj_ptr[x], s.adj_ptr[x + 1]):
            if s.a[s.adj_idx[e]] != s.a[x]:
                bcount[x] += 1
    bv = np.full((p, p), np.inf)
    bu = np.full((p, p), -1, dtype=np.int64)
    bt = np.zeros((p, p), dtype=np.int64)
    rv = np.full(p, np.inf)
    rs = np.full(p, -1, dtype=np.int64)
    dirty = np.ones(p, dtype=np.bool_)
    tl = np.empty(n, dtype=np.int64)
    expired = np.empty(n, dtype=np.int64)
    for r in range(p):
        _offer(s, tl, 0, r, cap, itc[0], sc, bv, bu, bt, rv, rs, dirty, bcount)
    for t in range(p):
        _row_min(t, bv, bu, rv, rs)
        dirty[t] = False
    ntl = 0
    since = 0
    steps = 0
    while b > EPS:
        steps += 1
        if (steps & 31) == 0 and now() > deadline:
            break
        k = -1
        val = np.inf
        ties = 0
        for j in range(p):
            if rs[j] < 0:
                continue
            if rv[j] < val - EPS:
                val = rv[j]
                k = j
                ties = 1
            elif rv[j] <= val + EPS:
                ties += 1
                if np.random.random() * ties < 1.0:
                    k = j
        if k < 0:
            break
        r = rs[k]
        u = bu[k, r]
        stale = s.tabu[u] > itc[0] or not move_allowed(s, u, k) or s.a[u] != r
        i = r
        if not stale:
            apply_move(s, u, k)
            s.tabu[u] = itc[0] + tenure + np.random.randint(0, max(1, tenure // 2 + 1))
            tl[ntl] = u
            ntl += 1
            itc[0] += 1
            ex[i] = terr_excess(s, i)
            ex[k] = terr_excess(s, k)
            sc[i] = _score(s, i)
            sc[k] = _score(s, k)
            b = ex.sum()
            _update_bcount(s, u, bcount)
        _reset(i, bv, bu, bt, rs, dirty)
        _reset(k, bv, bu, bt, rs, dirty)
        _offer(s, tl, 0, i, cap, itc[0], sc, bv, bu, bt, rv, rs, dirty, bcount)
        _offer(s, tl, 0, k, cap, itc[0], sc, bv, bu, bt, rv, rs, dirty, bcount)
        q = 0
        nexp = 0
        while q < ntl:
            v = tl[q]
            if s.tabu[v] <= itc[0]:
                expired[nexp] = v
                nexp += 1
                ntl -= 1
                tl[q] = tl[ntl]
            else:
                q += 1
        if nexp > 0:
            _offer(s, expired, nexp, -1, cap, itc[0], sc, bv, bu, bt, rv, rs, dirty, bcount)
        for t in range(p):
            if dirty[t]:
                _row_min(t, bv, bu, rv, rs)
                dirty[t] = False
        if stale:
            continue
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
    return steps
