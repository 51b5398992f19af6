"""The two tabu searches of MATS and their alternation.

* ``balance_search``: moves a boundary unit into a neighbouring territory, choosing
  the move with the lowest resulting balance excess B(S) among non-tabu moves that
  keep contiguity and do not raise the receiving territory's diameter above a cap.
  Only moves touching an imbalanced territory can lower B(S), so those are scanned
  first (members of imbalanced territories and their neighbours); the full boundary
  is scanned only when none improves.
* ``diameter_search``: moves an endpoint of a longest pair (of any territory whose
  diameter equals D(S)) into a neighbouring territory, choosing the move with the
  lowest resulting D(S) (ties: lower balance change); when no endpoint can move it
  tries an escape move (``escape.path_escape``).
* ``improve``: alternates the two (MATS ``A_max`` rounds), keeps the plan that is
  best lexicographically by (B(S), objective).

Both searches stop after ``imax`` moves without improving their own criterion and end
at the best plan they visited.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from territorial.optimize.design.kernels.balance import balance_search
from territorial.optimize.design.kernels.clock import now
from territorial.optimize.design.kernels.diameter import max_dist_to_hull
from territorial.optimize.design.kernels.escape import path_escape
from territorial.optimize.design.kernels.state import (
    EPS,
    State,
    apply_move,
    balance_delta,
    centre_dist,
    move_allowed,
    objective_value,
    rebuild,
    recentre,
    removal_diameter,
    total_excess,
)


@njit(cache=True)
def _lexi_less(a1: float, a2: float, b1: float, b2: float) -> bool:
    if a1 < b1 - EPS:
        return True
    if a1 > b1 + EPS:
        return False
    return a2 < b2 - EPS


@njit(cache=True)
def _top3(diam: np.ndarray) -> tuple[int, int, int]:
    i1 = -1
    i2 = -1
    i3 = -1
    for i in range(diam.shape[0]):
        d = diam[i]
        if i1 < 0 or d > diam[i1]:
            i3 = i2
            i2 = i1
            i1 = i
        elif i2 < 0 or d > diam[i2]:
            i3 = i2
            i2 = i
        elif i3 < 0 or d > diam[i3]:
            i3 = i
    return i1, i2, i3


@njit(cache=True)
def _rest_max(diam: np.ndarray, top: tuple[int, int, int], i: int, k: int) -> float:
    for t in top:
        if t >= 0 and t != i and t != k:
            return float(diam[t])
    return 0.0


@njit(cache=True)
def _choose_diameter_move(
    s: State, itc: int, buf: np.ndarray, hbuf: np.ndarray, best: np.ndarray
) -> None:
    best[0] = np.inf
    best[1] = -1
    best[2] = -1
    best[3] = np.inf
    p = s.diam.shape[0]
    top = _top3(s.diam)
    dmax = s.diam[top[0]]
    for i in range(p):
        if s.diam[i] < dmax - EPS:
            continue
        for end in range(2):
            u = s.far[i, end]
            if u < 0 or s.tabu[u] > itc or s.locked[u]:
                continue
            if end == 1 and u == s.far[i, 0]:
                continue
            newi = -1.0
            for e in range(s.adj_ptr[u], s.adj_ptr[u + 1]):
                k = s.a[s.adj_idx[e]]
                if k == i or not move_allowed(s, u, k):
                    continue
                if newi < 0.0:
                    newi = removal_diameter(s, u, buf, hbuf)
                md, _ = max_dist_to_hull(u, s.hull[k], s.hlen[k], s.xy)
                nk = max(md, s.diam[k])
                cost = max(_rest_max(s.diam, top, i, k), max(newi, nk))
                bd = balance_delta(s, u, k)
                if cost < best[0] - EPS or (cost <= best[0] + EPS and bd < best[3]):
                    best[0] = cost
                    best[1] = u
                    best[2] = k
                    best[3] = bd


@njit(cache=True)
def diameter_search(
    s: State,
    tenure: int,
    imax: int,
    pimax: int,
    deadline: float,
    itc: np.ndarray,
    scratch: np.ndarray,
) -> None:
    """Tabu search on D(S), best tracked by (D(S), B(S)); ends at the best visited."""
    n = s.a.shape[0]
    buf = np.empty(n, dtype=np.int32)
    hbuf = np.empty(n, dtype=np.int32)
    b = total_excess(s)
    c = objective_value(s)
    best_c = c
    best_b = b
    scratch[:] = s.a
    since = 0
    escapes = 0
    best = np.empty(4)
    steps = 0
    while True:
        steps += 1
        if (steps & 15) == 0 and now() > deadline:
            break
        _choose_diameter_move(s, itc[0], buf, hbuf, best)
        u = int(best[1])
        if u < 0:
            if escapes >= pimax or not path_escape(s, itc[0]):
                break
            escapes += 1
        else:
            apply_move(s, u, int(best[2]))
            s.tabu[u] = itc[0] + tenure + np.random.randint(0, max(1, tenure // 2 + 1))
        itc[0] += 1
        b = total_excess(s)
        c = objective_value(s)
        if _lexi_less(c, b, best_c, best_b):
            best_c = c
            best_b = b
            scratch[:] = s.a
            since = 0
        else:
            since += 1
            if since >= imax:
                break
    if b != best_b or c != best_c:
        s.a[:] = scratch
        rebuild(s)


@njit(cache=True)
def travel_search(s: State, deadline: float, rounds: int) -> None:
    """Descent on total travel: boundary moves that lower travel without raising
    B(S); after each pass the free centres move to their territory's weighted mean."""
    n = s.a.shape[0]
    for _ in range(rounds):
        improved_any = False
        while True:
            if now() > deadline:
                return
            bu = -1
            bj = -1
            bdt = -EPS
            for u in range(n):
                i = s.a[u]
                for e in range(s.adj_ptr[u], s.adj_ptr[u + 1]):
                    k = s.a[s.adj_idx[e]]
                    if k == i:
                        continue
                    dt = s.tw[u] * (centre_dist(s, u, k) - centre_dist(s, u, i))
                    if dt >= bdt:
                        continue
                    if not move_allowed(s, u, k) or balance_delta(s, u, k) > EPS:
                        continue
                    bdt = dt
                    bu = u
                    bj = k
            if bu < 0:
                break
            apply_move(s, bu, bj)
            improved_any = True
        if s.cfg[2] != 0 or not improved_any:
            return
        before = s.trav.sum()
        recentre(s)
        rebuild(s)
        if s.trav.sum() >= before - EPS:
            return


@njit(cache=True)
def _plan_hash(a: np.ndarray, keys: np.ndarray) -> int:
    h = 0
    for u in range(a.shape[0]):
        h += (a[u] + 1) * keys[u]
    return h


@njit(cache=True)
def improve(
    s: State,
    tenure: int,
    imax: int,
    amax: int,
    pimax: int,
    alpha: float,
    repair_imax: int,
    deadline: float,
    itc: np.ndarray,
    keys: np.ndarray,
) -> None:
    """MATS local improvement: alternate diameter and balance searches."""
    n = s.a.shape[0]
    scratch = np.empty(n, dtype=np.int32)
    best_a = s.a.copy()
    best_b = total_excess(s)
    best_c = objective_value(s)
    seen = np.zeros(amax, dtype=np.int64)
    travel = s.cfg[1] == 1
    for r in range(amax):
        if now() > deadline:
            break
        if travel:
            travel_search(s, deadline, 5)
            balance_search(s, np.inf, tenure, imax, deadline, itc, scratch)
        else:
            diameter_search(s, tenure, imax, pimax, deadline, itc, scratch)
            balance_search(
                s, (1.0 + alpha) * objective_value(s), tenure, imax, deadline, itc, scratch
            )
        b = total_excess(s)
        c = objective_value(s)
        if _lexi_less(b, c, best_b, best_c):
            best_b = b
            best_c = c
            best_a[:] = s.a
        h = _plan_hash(s.a, keys)
        dup = False
        for t in range(r):
            if seen[t] == h:
                dup = True
        if dup:
            break
        seen[r] = h
    if not np.array_equal(best_a, s.a):
        s.a[:] = best_a
        rebuild(s)
    if best_b > EPS and now() < deadline:
        pull = s.cfg[3]  # the repair balances first: no travel pull, then travel descent
        s.cfg[3] = 0
        balance_search(s, np.inf, tenure, repair_imax, deadline, itc, scratch)
        s.cfg[3] = pull
        if travel and total_excess(s) <= EPS:
            travel_search(s, deadline, 5)
        b = total_excess(s)
        c = objective_value(s)
        if not _lexi_less(b, c, best_b, best_c) and not np.array_equal(best_a, s.a):
            s.a[:] = best_a
            rebuild(s)
