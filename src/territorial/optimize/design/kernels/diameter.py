"""Convex-hull kernels for territory diameters.

The diameter of a point set equals the diameter of its convex hull, and a hull of a
territory with ``s`` units has far fewer vertices than ``s`` (about ``s**(1/3)`` for
uniform points), so each territory keeps its hull (vertex ids, counter-clockwise).
Adding a unit only needs the old hull plus that unit; removing a unit that is not a
hull vertex leaves the hull unchanged; removing a hull vertex recomputes the hull
from the territory's members (Andrew's monotone chain, ``O(s log s)``).

Profiling note: in the tabu searches the hull test ``max_dist_to_hull`` is the hot
call (evaluated for every candidate move), at ``O(h)`` with ``h`` the hull size;
all-pairs member scans would cost ``O(s)`` instead and were 5-20x slower.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, inline="always")
def _cross(ox: float, oy: float, ax: float, ay: float, bx: float, by: float) -> float:
    return (ax - ox) * (by - oy) - (ay - oy) * (bx - ox)


@njit(cache=True)
def hull_of(ids: np.ndarray, rank: np.ndarray, xy: np.ndarray, out: np.ndarray) -> int:
    """Write the convex hull of units ``ids`` (CCW, no repeat) into ``out``.

    ``rank`` orders units lexicographically by (x, y).  Returns the hull length.
    """
    k: int = ids.shape[0]
    if k == 0:
        return 0
    keys = np.empty(k, dtype=np.int64)
    for t in range(k):
        keys[t] = rank[ids[t]]
    order = np.argsort(keys)
    pts = np.empty(k, dtype=np.int32)
    for t in range(k):
        pts[t] = ids[order[t]]
    if k <= 2:
        for t in range(k):
            out[t] = pts[t]
        return k
    buf = np.empty(2 * k, dtype=np.int32)
    h = 0
    for t in range(k):
        u = pts[t]
        while (
            h >= 2
            and _cross(
                xy[buf[h - 2], 0],
                xy[buf[h - 2], 1],
                xy[buf[h - 1], 0],
                xy[buf[h - 1], 1],
                xy[u, 0],
                xy[u, 1],
            )
            <= 0.0
        ):
            h -= 1
        buf[h] = u
        h += 1
    lower = h + 1
    for t in range(k - 2, -1, -1):
        u = pts[t]
        while (
            h >= lower
            and _cross(
                xy[buf[h - 2], 0],
                xy[buf[h - 2], 1],
                xy[buf[h - 1], 0],
                xy[buf[h - 1], 1],
                xy[u, 0],
                xy[u, 1],
            )
            <= 0.0
        ):
            h -= 1
        buf[h] = u
        h += 1
    h -= 1  # last point equals the first
    if h < 1:
        h = 1
    for t in range(h):
        out[t] = buf[t]
    return h


@njit(cache=True)
def hull_diameter(hull: np.ndarray, h: int, xy: np.ndarray) -> tuple[float, int, int]:
    """Largest squared-root distance between hull vertices: (diameter, u, v)."""
    best = 0.0
    bu = -1
    bv = -1
    if h == 1:
        return 0.0, hull[0], hull[0]
    for s in range(h):
        a = hull[s]
        ax = xy[a, 0]
        ay = xy[a, 1]
        for t in range(s + 1, h):
            b = hull[t]
            dx = ax - xy[b, 0]
            dy = ay - xy[b, 1]
            d = dx * dx + dy * dy
            if d > best or bu < 0:
                best = d
                bu = a
                bv = b
    return np.sqrt(best), bu, bv


@njit(cache=True)
def max_dist_to_hull(u: int, hull: np.ndarray, h: int, xy: np.ndarray) -> tuple[float, int]:
    """Farthest hull vertex from unit ``u``: (distance, vertex)."""
    best = -1.0
    bv = -1
    ux = xy[u, 0]
    uy = xy[u, 1]
    for s in range(h):
        v = hull[s]
        dx = ux - xy[v, 0]
        dy = uy - xy[v, 1]
        d = dx * dx + dy * dy
        if d > best:
            best = d
            bv = v
    if bv < 0:
        return 0.0, u
    return np.sqrt(best), bv


@njit(cache=True)
def inside_hull(u: int, hull: np.ndarray, h: int, xy: np.ndarray) -> bool:
    """True when unit ``u`` lies inside or on the (CCW) hull with at least 3 vertices."""
    if h < 3:
        return False
    px = xy[u, 0]
    py = xy[u, 1]
    for s in range(h):
        a = hull[s]
        b = hull[(s + 1) % h]
        if _cross(xy[a, 0], xy[a, 1], xy[b, 0], xy[b, 1], px, py) < 0.0:
            return False
    return True


@njit(cache=True)
def is_hull_vertex(u: int, hull: np.ndarray, h: int) -> bool:
    found = False
    for s in range(h):
        if hull[s] == u:
            found = True
            break
    return found
