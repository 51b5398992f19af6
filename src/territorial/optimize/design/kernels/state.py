"""Mutable search state shared by the Numba kernels.

Representation: flat NumPy arrays held by a Numba ``StructRef`` (``State``), so every
kernel is a plain ``@njit(cache=True)`` function (jitclasses cannot be cached and
would be compiled again in every process; a NamedTuple of arrays was measured at
~400 ns per call because every array is reference counted when it is passed).
Territory membership is a ``(p, n)`` table with swap-remove positions (``mem``,
``msize``, ``mpos``) giving O(1) moves and O(s) member scans; hulls, diameters, far
pairs, loads, travel sums and articulation flags are kept per territory and refreshed
only for the two territories a move touches.
Scalars that change live in 1-element arrays (tuples are immutable in Numba).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
from numba import njit, types
from numba.experimental import structref

from territorial.optimize.design.kernels.connectivity import mark_articulation
from territorial.optimize.design.kernels.diameter import (
    hull_diameter,
    hull_of,
    inside_hull,
    is_hull_vertex,
    max_dist_to_hull,
)

EPS = 1e-9


class Arrays(NamedTuple):
    """The arrays of one search state, as seen from Python (shared with ``State``)."""

    xy: np.ndarray  # (n, 2) float64
    rank: np.ndarray  # (n,) int64 lexicographic (x, y) rank
    w: np.ndarray  # (n, m) measures
    adj_ptr: np.ndarray  # (n+1,) int64 CSR
    adj_idx: np.ndarray  # (E,) int32
    tgt: np.ndarray  # (p, m) absolute targets
    inv: np.ndarray  # (p, m) 1/target (0 when target is 0)
    tol: np.ndarray  # (m,)
    a: np.ndarray  # (n,) int32 assignment
    load: np.ndarray  # (p, m)
    mem: np.ndarray  # (p, cap) int32
    msize: np.ndarray  # (p,) int32
    mpos: np.ndarray  # (n,) int32
    hull: np.ndarray  # (p, cap) int32
    hlen: np.ndarray  # (p,) int32
    diam: np.ndarray  # (p,) float64
    far: np.ndarray  # (p, 2) int32
    art: np.ndarray  # (n,) bool
    locked: np.ndarray  # (n,) bool
    tabu: np.ndarray  # (n,) int64, tabu while tabu[u] > iteration
    minu: np.ndarray  # (p,) int64
    maxu: np.ndarray  # (p,) int64
    cur: np.ndarray  # (n,) int32 current plan (-1 when none)
    mvw: np.ndarray  # (n,) move weights
    moved: np.ndarray  # (1,) moved weight so far
    mcap: np.ndarray  # (1,) move cap (inf when none)
    centre: np.ndarray  # (p, 2)
    tw: np.ndarray  # (n,) travel weights
    trav: np.ndarray  # (p,) travel per territory
    cfg: np.ndarray  # (4,) int64: contiguous, objective(0 diam, 1 travel), fixed centres, -
    disc: np.ndarray  # scratch (n,) int64
    low: np.ndarray
    par: np.ndarray
    it: np.ndarray
    stk: np.ndarray
    seen: np.ndarray  # scratch (n,) bool


@structref.register
class StateType(types.StructRef):
    """Numba type of ``State``: a single reference-counted pointer to the arrays."""

    def preprocess_fields(self, fields: Any) -> Any:
        return tuple(
            (name, types.unliteral(typ))  # type: ignore[no-untyped-call]
            for name, typ in fields
        )


class State(structref.StructRefProxy):  # type: ignore[misc]
    """Search state passed to the kernels (fields as in :class:`Arrays`).

    A ``StructRef`` rather than a tuple: passing a 36-array NamedTuple to a compiled
    function costs ~400 ns per call (every array is reference counted on each call),
    which made small helpers such as ``move_allowed`` dominate the searches; a
    StructRef is one pointer (~10 ns per call, measured).
    """

    # field annotations for type checkers only (values live in the native struct)
    xy: np.ndarray
    rank: np.ndarray
    w: np.ndarray
    adj_ptr: np.ndarray
    adj_idx: np.ndarray
    tgt: np.ndarray
    inv: np.ndarray
    tol: np.ndarray
    a: np.ndarray
    load: np.ndarray
    mem: np.ndarray
    msize: np.ndarray
    mpos: np.ndarray
    hull: np.ndarray
    hlen: np.ndarray
    diam: np.ndarray
    far: np.ndarray
    art: np.ndarray
    locked: np.ndarray
    tabu: np.ndarray
    minu: np.ndarray
    maxu: np.ndarray
    cur: np.ndarray
    mvw: np.ndarray
    moved: np.ndarray
    mcap: np.ndarray
    centre: np.ndarray
    tw: np.ndarray
    trav: np.ndarray
    cfg: np.ndarray
    disc: np.ndarray
    low: np.ndarray
    par: np.ndarray
    it: np.ndarray
    stk: np.ndarray
    seen: np.ndarray


structref.define_proxy(State, StateType, list(Arrays._fields))  # type: ignore[no-untyped-call]


@njit(cache=True)
def _new_state(*arrays):  # type: ignore[no-untyped-def]
    # built in compiled code, so the constructor is cached with the kernels: the proxy's
    # own constructor (``State(*arrays)``) is compiled again in every process (1.2-1.7 s)
    return State(*arrays)  # type: ignore[no-untyped-call]


def to_state(arrays: Arrays) -> State:
    state: State = _new_state(*arrays)
    return state


@njit(cache=True)
def terr_excess(s: State, i: int) -> float:
    """Balance excess of territory ``i``: sum over measures of max(0, dev - tol)."""
    e = 0.0
    for k in range(s.load.shape[1]):
        if s.inv[i, k] > 0.0:
            d = abs(s.load[i, k] - s.tgt[i, k]) * s.inv[i, k] - s.tol[k]
            if d > 0.0:
                e += d
    return e


@njit(cache=True)
def total_excess(s: State) -> float:
    e = 0.0
    for i in range(s.load.shape[0]):
        e += terr_excess(s, i)
    return e


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
def balance_delta(s: State, u: int, j: int) -> float:
    """Change of B(S) when unit ``u`` moves to territory ``j``."""
    i = s.a[u]
    before = terr_excess(s, i) + terr_excess(s, j)
    after = _excess_with(s, i, u, -1.0) + _excess_with(s, j, u, 1.0)
    return after - before


@njit(cache=True)
def move_cap_delta(s: State, u: int, j: int) -> float:
    c = s.cur[u]
    if c < 0:
        return 0.0
    d = 0.0
    if s.a[u] == c:
        d += s.mvw[u]
    if j == c:
        d -= s.mvw[u]
    return d


@njit(cache=True)
def move_allowed(s: State, u: int, j: int) -> bool:
    """Hard constraints of a single move (tabu status is checked by the callers)."""
    i = s.a[u]
    if i == j or s.locked[u]:
        return False
    if s.msize[i] <= 1 or s.msize[i] <= s.minu[i] or s.msize[j] >= s.maxu[j]:
        return False
    if s.cfg[0] != 0 and s.art[u]:
        return False
    return not (s.cur[u] >= 0 and s.moved[0] + move_cap_delta(s, u, j) > s.mcap[0] + EPS)


@njit(cache=True)
def dist(s: State, u: int, v: int) -> float:
    dx = s.xy[u, 0] - s.xy[v, 0]
    dy = s.xy[u, 1] - s.xy[v, 1]
    return float(np.sqrt(dx * dx + dy * dy))


@njit(cache=True)
def centre_dist(s: State, u: int, i: int) -> float:
    dx = s.xy[u, 0] - s.centre[i, 0]
    dy = s.xy[u, 1] - s.centre[i, 1]
    return float(np.sqrt(dx * dx + dy * dy))


@njit(cache=True)
def refresh_shape(s: State, i: int) -> None:
    """Recompute hull and diameter of territory ``i`` from its members."""
    sz = s.msize[i]
    h = hull_of(s.mem[i, :sz], s.rank, s.xy, s.hull[i])
    s.hlen[i] = h
    if h == 0:
        s.diam[i] = 0.0
        s.far[i, 0] = -1
        s.far[i, 1] = -1
        return
    d, fu, fv = hull_diameter(s.hull[i], h, s.xy)
    s.diam[i] = d
    s.far[i, 0] = fu
    s.far[i, 1] = fv


@njit(cache=True)
def refresh_art(s: State, i: int) -> int:
    if s.cfg[0] == 0:
        return 1
    return mark_articulation(
        s.mem[i], s.msize[i], i, s.a, s.adj_ptr, s.adj_idx, s.art, s.disc, s.low, s.par, s.it, s.stk
    )


@njit(cache=True)
def rebuild(s: State) -> None:
    """Recompute every derived array from the assignment ``s.a``."""
    p = s.load.shape[0]
    s.load[:] = 0.0
    s.msize[:] = 0
    s.trav[:] = 0.0
    s.moved[0] = 0.0
    for u in range(s.a.shape[0]):
        i = s.a[u]
        s.mem[i, s.msize[i]] = u
        s.mpos[u] = s.msize[i]
        s.msize[i] += 1
        s.load[i] += s.w[u]
        if s.cur[u] >= 0 and s.cur[u] != i:
            s.moved[0] += s.mvw[u]
    if s.cfg[1] == 1 and s.cfg[2] == 0:
        recentre(s)
    for u in range(s.a.shape[0]):
        s.trav[s.a[u]] += s.tw[u] * centre_dist(s, u, s.a[u])
    for i in range(p):
        refresh_shape(s, i)
        refresh_art(s, i)


@njit(cache=True)
def recentre(s: State) -> None:
    """Weighted mean of each territory (travel objective without fixed centres)."""
    p = s.load.shape[0]
    for i in range(p):
        sw = 0.0
        cx = 0.0
        cy = 0.0
        for t in range(s.msize[i]):
            u = s.mem[i, t]
            wt = s.tw[u] + 1e-12
            sw += wt
            cx += wt * s.xy[u, 0]
            cy += wt * s.xy[u, 1]
        if sw > 0.0:
            s.centre[i, 0] = cx / sw
            s.centre[i, 1] = cy / sw


@njit(cache=True)
def apply_move(s: State, u: int, j: int) -> None:
    """Move unit ``u`` to territory ``j`` and update every derived array."""
    i = s.a[u]
    s.moved[0] += move_cap_delta(s, u, j)
    # membership
    pos = s.mpos[u]
    last = s.mem[i, s.msize[i] - 1]
    s.mem[i, pos] = last
    s.mpos[last] = pos
    s.msize[i] -= 1
    s.mem[j, s.msize[j]] = u
    s.mpos[u] = s.msize[j]
    s.msize[j] += 1
    s.a[u] = j
    s.load[i] -= s.w[u]
    s.load[j] += s.w[u]
    s.trav[i] -= s.tw[u] * centre_dist(s, u, i)
    s.trav[j] += s.tw[u] * centre_dist(s, u, j)
    # shape of j: grows by u
    hj = s.hlen[j]
    if hj == 0:
        refresh_shape(s, j)
    elif not inside_hull(u, s.hull[j], hj, s.xy):
        dmax, v = max_dist_to_hull(u, s.hull[j], hj, s.xy)
        if dmax > s.diam[j]:
            s.diam[j] = dmax
            s.far[j, 0] = u
            s.far[j, 1] = v
        tmp = np.empty(hj + 1, dtype=np.int32)
        tmp[:hj] = s.hull[j, :hj]
        tmp[hj] = u
        s.hlen[j] = hull_of(tmp, s.rank, s.xy, s.hull[j])
    # shape of i: shrinks by u
    if is_hull_vertex(u, s.hull[i], s.hlen[i]):
        refresh_shape(s, i)
    refresh_art(s, i)
    refresh_art(s, j)


@njit(cache=True)
def objective_value(s: State) -> float:
    if s.cfg[1] == 1:
        return float(s.trav.sum())
    return float(s.diam.max())


@njit(cache=True)
def removal_diameter(s: State, u: int, buf: np.ndarray, hbuf: np.ndarray) -> float:
    """Diameter of territory ``a[u]`` without ``u`` (members copied into ``buf``)."""
    i = s.a[u]
    if not is_hull_vertex(u, s.hull[i], s.hlen[i]):
        return float(s.diam[i])
    k = 0
    for t in range(s.msize[i]):
        v = s.mem[i, t]
        if v != u:
            buf[k] = v
            k += 1
    h = hull_of(buf[:k], s.rank, s.xy, hbuf)
    if h == 0:
        return 0.0
    d, _, _ = hull_diameter(hbuf, h, s.xy)
    return d
