"""Spanning-tree recombination (ReCom) of two neighbouring territories.

As in GerryChain (DeFord, Duchin & Solomon 2021): merge two adjacent territories
``a`` and ``b`` (their union is connected), draw a uniform random spanning tree of the
union (Wilson's algorithm), and cut one tree edge on the path between the two roots:
each side is connected and keeps its root.  Of the cuts of one tree the one with the
least score is proposed (a cut that would take a unit locked to one territory into
the other, or raise the weight moved from the current plan above its cap, is never
proposed).  Every accepted plan keeps every territory connected, every root and every
locked unit in its territory, and the moved weight within the cap (or not above the
start's).

Two modes:

* balance (``travel_mode`` False): score = excess over the tolerance band + ``quad``
  x squared deviation from the target (both relative to the target, summed over the
  pair's measures) + ``pull`` x the pair's travel relative to its travel before the
  cut; accepted by Metropolis at temperature ``temp`` (0: never worse);
* travel: a cut must not raise the pair's excess and must lower travel.

The best plan seen (least total excess, then travel) is kept in ``best``.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from territorial.optimize.design.kernels.clock import now


@njit(cache=True)
def _score(
    load: np.ndarray,
    j: int,
    lo: np.ndarray,
    hi: np.ndarray,
    target: np.ndarray,
    scale: np.ndarray,
    quad: float,
) -> tuple[float, float]:
    """(excess, excess + quad x squared deviation) of territory ``j`` at ``load``."""
    ex = 0.0
    sq = 0.0
    for k in range(load.shape[0]):
        x = load[k]
        over = max(0.0, x - hi[j, k], lo[j, k] - x) / scale[j, k]
        d = (x - target[j, k]) / scale[j, k]
        ex += over
        sq += d * d
    return ex, ex + quad * sq


@njit(cache=True)
def _territory_adjacency(
    ptr: np.ndarray, idx: np.ndarray, plan: np.ndarray, tadj: np.ndarray
) -> None:
    tadj[:, :] = False
    for u in range(plan.shape[0]):
        for e in range(ptr[u], ptr[u + 1]):
            v = idx[e]
            if plan[u] != plan[v]:
                tadj[plan[u], plan[v]] = True


@njit(cache=True)
def _random_neighbour(ptr: np.ndarray, idx: np.ndarray, local: np.ndarray, gu: int) -> int:
    """The local index of a uniformly random neighbour of unit ``gu`` inside the union
    (units with ``local >= 0``)."""
    deg = 0
    for e in range(ptr[gu], ptr[gu + 1]):
        if local[idx[e]] >= 0:
            deg += 1
    r = np.random.randint(deg)
    for e in range(ptr[gu], ptr[gu + 1]):
        v = local[idx[e]]
        if v >= 0:
            if r == 0:
                return int(v)
            r -= 1
    return -1


@njit(cache=True)
def recom(
    ptr: np.ndarray,
    idx: np.ndarray,
    plan: np.ndarray,
    best: np.ndarray,
    weights: np.ndarray,
    cost: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    roots: np.ndarray,
    locked: np.ndarray,
    current: np.ndarray,
    move_w: np.ndarray,
    cap: float,
    quad: float,
    pull: float,
    temp: float,
    travel_mode: bool,
    proposals: int,
    deadline: float,
    seed: int,
) -> tuple[int, int, float, float]:
    """Run ``proposals`` recombinations (or until ``deadline``) on ``plan`` in place.

    ``locked`` (n,): the territory a unit must stay in, or -1; a unit moves weight
    ``move_w`` when its territory differs from ``current``, and the plan's moved
    weight stays at most ``cap`` (or, above it at the start, never rises).  ``best``
    holds the best plan on entry and is updated.  Returns (proposals made,
    accepted, best excess, best travel).  Half of the pairs are drawn around a
    territory that misses its band (when there is one), the rest uniformly.
    """
    np.random.seed(seed)
    n, p, m = plan.shape[0], lo.shape[0], weights.shape[1]
    target = 0.5 * (lo + hi)
    scale = np.where(target > 0, target, 1.0)
    load = np.zeros((p, m))
    travel = 0.0
    moved = 0.0
    for i in range(n):
        load[plan[i]] += weights[i]
        travel += cost[i, plan[i]]
        if plan[i] != current[i]:
            moved += move_w[i]
    limit = max(cap, moved)
    ex = np.zeros(p)
    for j in range(p):
        ex[j] = _score(load[j], j, lo, hi, target, scale, 0.0)[0]
    best_load = np.zeros((p, m))
    best_travel = 0.0
    for i in range(n):
        best_load[best[i]] += weights[i]
        best_travel += cost[i, best[i]]
    best_ex = 0.0
    for j in range(p):
        best_ex += _score(best_load[j], j, lo, hi, target, scale, 0.0)[0]
    if best_ex < 1e-12:
        best_ex = 0.0
    tadj = np.zeros((p, p), dtype=np.bool_)
    _territory_adjacency(ptr, idx, plan, tadj)
    local = np.full(n, -1, dtype=np.int64)
    units = np.empty(n, dtype=np.int64)
    parent = np.empty(n, dtype=np.int64)
    nxt = np.empty(n, dtype=np.int64)
    intree = np.zeros(n, dtype=np.bool_)
    first = np.empty(n + 1, dtype=np.int64)
    child = np.empty(n, dtype=np.int64)
    order = np.empty(n, dtype=np.int64)
    inb = np.zeros(n, dtype=np.bool_)
    sub = np.empty((n, m + 6))
    la = np.empty(m)
    lb = np.empty(m)
    cand = np.empty(p, dtype=np.int64)
    accepted = 0
    done = 0
    for it in range(proposals):
        if (it & 31) == 0 and now() > deadline:
            break
        done += 1
        # the pair: around a territory off its band half of the time
        a = np.random.randint(p)
        if np.random.random() < 0.5:
            c = 0
            for j in range(p):
                if ex[j] > 1e-12:
                    cand[c] = j
                    c += 1
            if c > 0:
                a = cand[np.random.randint(c)]
        c = 0
        for j in range(p):
            if tadj[a, j]:
                cand[c] = j
                c += 1
        if c == 0:
            continue
        b = cand[np.random.randint(c)]
        if np.random.random() < 0.5:
            a, b = b, a
        k = 0
        for i in range(n):
            if plan[i] == a or plan[i] == b:
                local[i] = k
                units[k] = i
                k += 1
        ra, rb = local[roots[a]], local[roots[b]]
        # uniform spanning tree of the union (Wilson), rooted at a's root
        for u in range(k):
            intree[u] = False
        intree[ra] = True
        parent[ra] = -1
        for s0 in range(k):
            u = s0
            while not intree[u]:
                nxt[u] = _random_neighbour(ptr, idx, local, units[u])
                u = nxt[u]
            u = s0
            while not intree[u]:
                intree[u] = True
                parent[u] = nxt[u]
                u = nxt[u]
        # breadth-first order from the root (parents before children)
        first[: k + 1] = 0
        for u in range(k):
            if parent[u] >= 0:
                first[parent[u] + 1] += 1
        for u in range(k):
            first[u + 1] += first[u]
        fill = first[:k].copy()
        for u in range(k):
            if parent[u] >= 0:
                child[fill[parent[u]]] = u
                fill[parent[u]] += 1
        order[0] = ra
        head, tail = 0, 1
        while head < tail:
            u = order[head]
            head += 1
            for t in range(first[u], first[u + 1]):
                order[tail] = child[t]
                tail += 1
        for u in range(k):
            g = units[u]
            for q in range(m):
                sub[u, q] = weights[g, q]
            sub[u, m] = cost[g, a]
            sub[u, m + 1] = cost[g, b]
            sub[u, m + 2] = 1.0 if locked[g] == a else 0.0
            sub[u, m + 3] = 1.0 if locked[g] == b else 0.0
            sub[u, m + 4] = move_w[g] if current[g] != a else 0.0
            sub[u, m + 5] = move_w[g] if current[g] != b else 0.0
        for t in range(k - 1, 0, -1):
            v = order[t]
            for q in range(m + 6):
                sub[parent[v], q] += sub[v, q]
        tot = sub[ra]
        old_ex = ex[a] + ex[b]
        old_sc = (
            _score(load[a], a, lo, hi, target, scale, quad)[1]
            + _score(load[b], b, lo, hi, target, scale, quad)[1]
            + pull
        )
        old_tr = 0.0
        old_mv = 0.0
        for u in range(k):
            g = units[u]
            old_tr += cost[g, plan[g]]
            if plan[g] != current[g]:
                old_mv += move_w[g]
        # the cuts on the path from b's root up to a's root
        cut = -1
        cut_key = np.inf
        cut_tr = 0.0
        cut_mv = moved
        v = rb
        while v != ra:
            mv = moved - old_mv + tot[m + 4] - sub[v, m + 4] + sub[v, m + 5]
            if sub[v, m + 2] > 0.0 or tot[m + 3] - sub[v, m + 3] > 0.0 or mv > limit + 1e-9:
                v = parent[v]  # the cut would move a locked unit, or too much weight
                continue
            for q in range(m):
                lb[q] = sub[v, q]
                la[q] = tot[q] - sub[v, q]
            ea, sa = _score(la, a, lo, hi, target, scale, quad)
            eb, sb = _score(lb, b, lo, hi, target, scale, quad)
            tr = tot[m] - sub[v, m] + sub[v, m + 1]
            if travel_mode:
                key = tr if ea + eb <= old_ex + 1e-12 else np.inf
            else:
                key = sa + sb + max(pull, 1e-9) * tr / max(old_tr, 1e-300)
            if key < cut_key:
                cut, cut_key, cut_tr, cut_mv = v, key, tr, mv
            v = parent[v]
        if cut < 0:
            for u in range(k):
                local[units[u]] = -1
            continue
        if travel_mode:
            ok = cut_tr < old_tr - 1e-9 * max(1.0, abs(old_tr))
        else:
            delta = cut_key - old_sc
            ok = delta <= 0.0 or (temp > 0.0 and np.random.random() < np.exp(-delta / temp))
        changed = 0
        if ok:
            inb[ra] = False
            for t in range(1, k):
                u = order[t]
                inb[u] = True if u == cut else inb[parent[u]]
            for u in range(k):
                g = units[u]
                new = b if inb[u] else a
                if plan[g] != new:
                    changed += 1
                    plan[g] = new
        for u in range(k):
            local[units[u]] = -1
        if changed == 0:
            continue
        accepted += 1
        for q in range(m):
            load[b, q] = sub[cut, q]
            load[a, q] = tot[q] - sub[cut, q]
        ex[a] = _score(load[a], a, lo, hi, target, scale, 0.0)[0]
        ex[b] = _score(load[b], b, lo, hi, target, scale, 0.0)[0]
        travel += cut_tr - old_tr
        moved = cut_mv
        _territory_adjacency(ptr, idx, plan, tadj)
        total = 0.0
        for j in range(p):
            total += ex[j]
        if total < 1e-12:
            total = 0.0
        if total < best_ex - 1e-12 or (total <= best_ex + 1e-12 and travel < best_travel - 1e-9):
            best_ex, best_travel = total, travel
            best[:] = plan
    return done, accepted, best_ex, best_travel
