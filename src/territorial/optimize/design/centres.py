"""Distances to territory centres, and where free centres go (k-means++ and Weiszfeld).

Points are planar km, or ``(lat, lon)`` degrees when ``geographic`` (distances are then
great-circle km, and a centre is moved on the sphere).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from territorial.geo.geodesy import EARTH_RADIUS_KM, haversine_km, unit_vectors


def distances(points: np.ndarray, centres: np.ndarray, geographic: bool) -> np.ndarray:
    """(len(points), len(centres)) km."""
    if geographic:
        out: np.ndarray = haversine_km(
            points[:, None, 0], points[:, None, 1], centres[None, :, 0], centres[None, :, 1]
        )
        return out
    diff = points[:, None, :] - centres[None, :, :]
    out = np.sqrt((diff * diff).sum(axis=2))
    return out


def initial_centres(
    points: np.ndarray,
    weights: np.ndarray,
    k: int,
    rng: np.random.Generator,
    geographic: bool,
    taken: np.ndarray | None = None,
) -> np.ndarray:
    """``k`` centres at units drawn by weighted k-means++ (away from ``taken`` centres)."""
    w = weights + 1e-12 * (weights.max(initial=0.0) + 1.0)
    chosen: list[int] = []
    if taken is not None and len(taken):
        d2 = distances(points, taken, geographic).min(axis=1) ** 2
    else:
        first = int(rng.choice(len(points), p=w / w.sum()))
        chosen.append(first)
        d2 = distances(points, points[[first]], geographic)[:, 0] ** 2
    while len(chosen) < k:
        score = w * d2
        total = score.sum()
        nxt = (
            int(rng.choice(len(points), p=score / total))
            if total > 0
            else int(rng.integers(len(points)))
        )
        chosen.append(nxt)
        d2 = np.minimum(d2, distances(points, points[[nxt]], geographic)[:, 0] ** 2)
    out: np.ndarray = points[np.asarray(chosen[:k], dtype=np.int64)].copy()
    return out


def weiszfeld(
    points: np.ndarray,
    weights: np.ndarray,
    membership: sp.csr_matrix,
    centres: np.ndarray,
    free: np.ndarray,
    geographic: bool,
    steps: int = 5,
) -> np.ndarray:
    """Move each ``free`` centre towards the point minimising its weighted distance sum.

    ``membership`` is the (n, p) (possibly fractional) assignment; each step is one
    Weiszfeld update (on the sphere: the normalised weighted mean of unit vectors).
    """
    out = centres.copy()
    member = membership.tocsc()
    for j in np.flatnonzero(free):
        col = member[:, j]
        idx = col.indices
        if not len(idx):
            continue
        wj = weights[idx] * col.data
        pts = points[idx]
        c = out[j]
        for _ in range(steps):
            d = distances(pts, c[None, :], geographic)[:, 0]
            inv = wj / np.maximum(d, 1e-3)
            if geographic:
                v = (unit_vectors(pts[:, 0], pts[:, 1]) * inv[:, None]).sum(axis=0)
                norm = float(np.linalg.norm(v))
                if norm < 1e-12:
                    break
                v /= norm
                c = np.array(
                    [
                        np.degrees(np.arcsin(np.clip(v[2], -1, 1))),
                        np.degrees(np.arctan2(v[1], v[0])),
                    ]
                )
            else:
                c = (pts * inv[:, None]).sum(axis=0) / inv.sum()
        out[j] = c
    return out


__all__ = ["EARTH_RADIUS_KM", "distances", "initial_centres", "weiszfeld"]
