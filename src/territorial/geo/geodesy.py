"""Great-circle distances and a local planar projection, all in kilometres.

Latitudes and longitudes are in decimal degrees (WGS84 treated as a sphere of
radius :data:`EARTH_RADIUS_KM`, the IUGG mean radius). Functions broadcast like NumPy
ufuncs, so the same call serves point-to-point arrays and one-to-many queries.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from territorial.arrays import FloatArray


def as_float_array(values: npt.ArrayLike, name: str = "values") -> FloatArray:
    """``values`` as a 1-D float64 array; ``ValueError`` if it is not 1-D."""
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    return arr


EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius (IUGG) in km."""

_MATRIX_CHUNK = 4_000_000  # cells per block when building large distance matrices


def haversine_km(
    lat1: npt.ArrayLike, lon1: npt.ArrayLike, lat2: npt.ArrayLike, lon2: npt.ArrayLike
) -> FloatArray:
    """Great-circle distance in km between points, broadcasting the inputs.

    Parameters
    ----------
    lat1, lon1, lat2, lon2
        Degrees; scalars or arrays of broadcastable shapes.

    Returns
    -------
    numpy.ndarray
        Distances with the broadcast shape (0-d for scalar inputs).
    """
    p1 = np.radians(np.asarray(lat1, dtype=np.float64))
    p2 = np.radians(np.asarray(lat2, dtype=np.float64))
    dp = p2 - p1
    dl = np.radians(np.asarray(lon2, dtype=np.float64) - np.asarray(lon1, dtype=np.float64))
    a = np.sin(dp / 2.0) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2.0) ** 2
    out: FloatArray = 2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    return out


def haversine_one_to_many(
    lat: float, lon: float, lats: npt.ArrayLike, lons: npt.ArrayLike
) -> FloatArray:
    """Distances in km from one point to each of many points (1-D result)."""
    return np.atleast_1d(haversine_km(lat, lon, as_float_array(lats), as_float_array(lons)))


def haversine_matrix(
    lat1: npt.ArrayLike, lon1: npt.ArrayLike, lat2: npt.ArrayLike, lon2: npt.ArrayLike
) -> FloatArray:
    """All-pairs distance matrix in km, shape ``(len(lat1), len(lat2))``."""
    a_lat, a_lon = as_float_array(lat1), as_float_array(lon1)
    b_lat, b_lon = as_float_array(lat2), as_float_array(lon2)
    return haversine_km(a_lat[:, None], a_lon[:, None], b_lat[None, :], b_lon[None, :])


def min_distance_km(
    lat: npt.ArrayLike, lon: npt.ArrayLike, to_lat: npt.ArrayLike, to_lon: npt.ArrayLike
) -> FloatArray:
    """For each point, the distance in km to the nearest of the `to` points.

    Computed in blocks so memory stays bounded. Returns ``inf`` everywhere when there
    are no `to` points.
    """
    a_lat, a_lon = as_float_array(lat), as_float_array(lon)
    b_lat, b_lon = as_float_array(to_lat), as_float_array(to_lon)
    out = np.full(a_lat.shape, np.inf)
    if b_lat.size == 0 or a_lat.size == 0:
        return out
    step = max(1, _MATRIX_CHUNK // b_lat.size)
    for start in range(0, a_lat.size, step):
        stop = start + step
        block = haversine_matrix(a_lat[start:stop], a_lon[start:stop], b_lat, b_lon)
        out[start:stop] = block.min(axis=1)
    return out


def unit_vectors(lat: npt.ArrayLike, lon: npt.ArrayLike) -> FloatArray:
    """Points as 3-D unit vectors, shape ``(n, 3)``."""
    p = np.radians(as_float_array(lat))
    lam = np.radians(as_float_array(lon))
    return np.column_stack([np.cos(p) * np.cos(lam), np.cos(p) * np.sin(lam), np.sin(p)])


def spherical_centre(
    lat: npt.ArrayLike, lon: npt.ArrayLike, weights: npt.ArrayLike | None = None
) -> tuple[float, float]:
    """Weighted centre of points on the sphere, as ``(lat, lon)`` in degrees.

    The weighted mean of the points' unit vectors, projected back to the surface. For
    a region a few hundred km across it matches the weighted mean of lat/lon to well
    under a kilometre, and unlike that mean it is correct across the antimeridian.

    Parameters
    ----------
    lat, lon
        Degrees.
    weights
        Non-negative weights; ``None``, or weights summing to zero, count every point once.

    Returns
    -------
    tuple of float
        ``(nan, nan)`` when there are no points.
    """
    la, lo = as_float_array(lat), as_float_array(lon)
    if la.size == 0:
        return (float("nan"), float("nan"))
    w = np.ones_like(la) if weights is None else as_float_array(weights, "weights")
    if w.shape != la.shape:
        raise ValueError("weights must have one value per point")
    if np.any(w < 0) or not np.all(np.isfinite(w)):
        raise ValueError("weights must be finite and non-negative")
    if w.sum() <= 0:
        w = np.ones_like(la)
    v = (unit_vectors(la, lo) * w[:, None]).sum(axis=0)
    norm = float(np.linalg.norm(v))
    if norm < 1e-12 * float(w.sum()):  # points balance out (e.g. antipodes): no centre
        return (float(np.average(la, weights=w)), float(np.average(lo, weights=w)))
    x, y, z = v / norm
    return (
        float(np.degrees(np.arcsin(np.clip(z, -1.0, 1.0)))),
        float(np.degrees(np.arctan2(y, x))),
    )


def wrap_longitude(lon: npt.ArrayLike) -> FloatArray:
    """Wrap longitudes (degrees) into ``[-180, 180)``."""
    out: FloatArray = (np.asarray(lon, dtype=np.float64) + 180.0) % 360.0 - 180.0
    return out


def equirectangular_km(
    lat: npt.ArrayLike,
    lon: npt.ArrayLike,
    ref_lat: float | None = None,
    ref_lon: float | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Project points to planar ``(x, y)`` km around a reference point.

    ``x = R·Δλ·cos(φ0)``, ``y = R·(φ − φ0)``, with Δλ wrapped to ``[-180°, 180°)`` so
    regions spanning the antimeridian stay in one piece. Distances are accurate to a
    fraction of a percent within a few hundred km of the reference; use it for planar
    geometry (hulls, triangulations, grids), not for reporting long distances.

    Parameters
    ----------
    lat, lon
        Degrees.
    ref_lat, ref_lon
        Reference point; defaults to :func:`spherical_centre` of the points.
    """
    la, lo = as_float_array(lat), as_float_array(lon)
    if ref_lat is None or ref_lon is None:
        c_lat, c_lon = spherical_centre(la, lo) if la.size else (0.0, 0.0)
        ref_lat = c_lat if ref_lat is None else ref_lat
        ref_lon = c_lon if ref_lon is None else ref_lon
    k = np.pi / 180.0 * EARTH_RADIUS_KM
    x = k * wrap_longitude(lo - ref_lon) * np.cos(np.radians(ref_lat))
    y = k * (la - ref_lat)
    return x, y


def equirectangular_inverse(
    x: npt.ArrayLike, y: npt.ArrayLike, ref_lat: float, ref_lon: float
) -> tuple[FloatArray, FloatArray]:
    """Inverse of :func:`equirectangular_km`: planar km back to ``(lat, lon)`` degrees."""
    k = np.pi / 180.0 * EARTH_RADIUS_KM
    lat = ref_lat + np.asarray(y, dtype=np.float64) / k
    cos0 = np.cos(np.radians(ref_lat))
    lon = wrap_longitude(ref_lon + np.asarray(x, dtype=np.float64) / (k * cos0))
    return np.clip(lat, -90.0, 90.0), lon
