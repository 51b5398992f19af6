"""Compactness: territory centres, distances to the centre and diameters, in km.

The diameter is the largest great-circle distance between two accounts of a
territory. It is exact, not an estimate, yet fast for thousands of points: the convex
hull of the points (in a local planar projection) gives a long pair quickly, and the
triangle inequality through the centre then rules out every point that cannot be an
end of a longer pair. The remaining candidates are compared pairwise when few, else
by a k-d tree query of each point's antipode on the unit sphere (the farthest point
from ``p`` is the nearest to ``−p``), so even a ring of points stays O(n log n).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.spatial import ConvexHull, QhullError, cKDTree

from territorial.geo.geodesy import (
    equirectangular_km,
    haversine_km,
    spherical_centre,
    unit_vectors,
)
from territorial.metrics._arrays import (
    FloatArray,
    IntArray,
    as_float_array,
    as_territory_array,
    group_indices,
)

_BLOCK = 2_000_000  # distance cells per block in the pairwise search
_BRUTE_MAX = 256  # up to this many candidates, compare all pairs directly


def _max_pair_km(lat: FloatArray, lon: FloatArray) -> float:
    """Largest pairwise great-circle distance by blocks of rows (exact, O(n²))."""
    n = lat.size
    if n < 2:
        return 0.0
    best = 0.0
    step = max(1, _BLOCK // n)
    for start in range(0, n, step):
        stop = min(n, start + step)
        d = haversine_km(lat[start:stop, None], lon[start:stop, None], lat[None, :], lon[None, :])
        best = max(best, float(d.max()))
    return best


def _farthest_pair_km(lat: FloatArray, lon: FloatArray) -> float:
    """Largest pairwise distance in O(n log n): the point farthest from p is the one
    nearest to p's antipode (chord length is monotone in great-circle distance)."""
    if lat.size <= _BRUTE_MAX:
        return _max_pair_km(lat, lon)
    xyz = unit_vectors(lat, lon)
    _, j = cKDTree(xyz).query(-xyz, k=1)
    return float(haversine_km(lat, lon, lat[j], lon[j]).max())


def _hull_candidates(x: FloatArray, y: FloatArray) -> IntArray:
    """Indices of planar convex-hull vertices plus extreme points (never empty)."""
    extremes = [
        int(np.argmin(x)),
        int(np.argmax(x)),
        int(np.argmin(y)),
        int(np.argmax(y)),
        int(np.argmin(x + y)),
        int(np.argmax(x + y)),
        int(np.argmin(x - y)),
        int(np.argmax(x - y)),
    ]
    idx = np.asarray(extremes, dtype=np.int64)
    if x.size >= 3:
        try:
            hull = ConvexHull(np.column_stack([x, y]))
            idx = np.concatenate([idx, hull.vertices.astype(np.int64)])
        except (QhullError, ValueError):  # collinear or otherwise flat: extremes suffice
            pass
    return np.unique(idx)


def diameter_km(lat: npt.ArrayLike, lon: npt.ArrayLike) -> float:
    """Largest great-circle distance in km between any two of the points.

    Exact (equal to the all-pairs maximum); 0 for fewer than two distinct points.
    """
    la, lo = as_float_array(lat, "lat"), as_float_array(lon, "lon")
    if la.shape != lo.shape:
        raise ValueError("lat and lon must have the same length")
    if la.size < 2:
        return 0.0
    pts = np.unique(np.column_stack([la, lo]), axis=0)
    if pts.shape[0] < 2:
        return 0.0
    la, lo = pts[:, 0], pts[:, 1]
    c_lat, c_lon = spherical_centre(la, lo)
    x, y = equirectangular_km(la, lo, c_lat, c_lon)
    seeds = _hull_candidates(x, y)
    lower = _farthest_pair_km(la[seeds], lo[seeds])
    # A pair longer than `lower` needs r_i + r_j > lower with r_j <= r_max, so both
    # ends have r > lower - r_max (triangle inequality through the centre).
    r = haversine_km(c_lat, c_lon, la, lo)
    slack = 1e-9 * max(1.0, lower)
    cand = np.flatnonzero(r >= lower - float(r.max()) - slack)
    if np.all(np.isin(cand, seeds)):  # every candidate was already compared
        return lower
    return max(lower, _farthest_pair_km(la[cand], lo[cand]))


@dataclass(frozen=True, eq=False)
class CompactnessStats:
    """Per-territory compactness; ``nan`` for empty territories.

    Attributes
    ----------
    centre_lat, centre_lon
        Weighted centre (degrees).
    mean_km, max_km
        Mean and largest great-circle km from the accounts to the centre.
    diameter_km
        Largest km between two accounts of the territory.
    """

    centre_lat: FloatArray
    centre_lon: FloatArray
    mean_km: FloatArray
    max_km: FloatArray
    diameter_km: FloatArray


def territory_centres(
    lat: npt.ArrayLike,
    lon: npt.ArrayLike,
    territory: npt.ArrayLike,
    n_territories: int,
    weights: npt.ArrayLike | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Weighted centre (see :func:`~territorial.geo.geodesy.spherical_centre`) per territory.

    Territories whose weights are all zero use equal weights; empty ones get ``nan``.
    """
    la, lo = as_float_array(lat, "lat"), as_float_array(lon, "lon")
    terr = as_territory_array(territory, n_territories)
    w = None if weights is None else as_float_array(weights, "weights")
    c_lat = np.full(n_territories, np.nan)
    c_lon = np.full(n_territories, np.nan)
    for t, idx in enumerate(group_indices(terr, n_territories)):
        if idx.size:
            c_lat[t], c_lon[t] = spherical_centre(la[idx], lo[idx], None if w is None else w[idx])
    return c_lat, c_lon


def compactness(
    lat: npt.ArrayLike,
    lon: npt.ArrayLike,
    territory: npt.ArrayLike,
    n_territories: int,
    weights: npt.ArrayLike | None = None,
) -> CompactnessStats:
    """Centre, mean/max distance to the centre and diameter of every territory.

    Parameters
    ----------
    lat, lon
        Account locations in degrees.
    territory
        Territory index per account, ``-1`` for unassigned (ignored).
    n_territories
        Number of territories.
    weights
        Optional non-negative weight per account for the centre (e.g. visits a year).
    """
    la, lo = as_float_array(lat, "lat"), as_float_array(lon, "lon")
    terr = as_territory_array(territory, n_territories)
    c_lat, c_lon = territory_centres(la, lo, terr, n_territories, weights)
    mean_km = np.full(n_territories, np.nan)
    max_km = np.full(n_territories, np.nan)
    diam = np.full(n_territories, np.nan)
    for t, idx in enumerate(group_indices(terr, n_territories)):
        if not idx.size:
            continue
        r = haversine_km(c_lat[t], c_lon[t], la[idx], lo[idx])
        mean_km[t] = float(r.mean())
        max_km[t] = float(r.max())
        diam[t] = diameter_km(la[idx], lo[idx])
    return CompactnessStats(c_lat, c_lon, mean_km, max_km, diam)
