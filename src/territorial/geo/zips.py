"""ZIP code units: one unit per ZIP holding accounts, approximate adjacency.

ZIP centroids, cities and states come from the ``zipcodes`` package (offline). An
account's unit is the ZIP on its record (when known), else the nearest ZIP to its
coordinates; a unit's centroid is the ZIP centroid, not the mean of its accounts (on the
demo workspace every account lies within 2 km of its ZIP centroid). There are
no ZIP shapes offline (ZCTA boundaries are not shipped anywhere we can depend on), so
**adjacency is approximated**: two ZIP units are neighbours when their centroids are
joined in the Delaunay triangulation of the chosen ZIP centroids (computed on an
equirectangular km projection), unless that edge is longer than ``max_edge_km``
(great-circle). Dropping long edges can split the graph; the components are then
rejoined with their shortest bridging edges, so the graph is always connected. Two ZIPs
that touch on the ground may thus be missed, and two ZIPs across a bay or an empty
stretch without accounts may be linked.

Delaunay neighbours are the ZIPs whose Voronoi cells share a border (the shapes the map
draws for ZIP territories), so the default ``max_edge_km`` (:data:`ZIP_MAX_EDGE_KM`)
only drops the longest edges along the hull.  Edges longer than :data:`OFF_LAND_KM`
that run mostly outside the US (the us-atlas outline) are dropped too: the hull joins
North Carolina to Florida across the Atlantic, Florida to Louisiana across the Gulf,
Buffalo to Green Bay through Canada (68 such edges on the demo), and a "contiguous"
territory could jump along them.  A 150 km cut, tried first, left the
sparse ZIPs of the West tree-like: on the demo no contiguous ±5% plan was found in 30 s
(worst 22 %), with 1,000 km one was (the engine's tabu search, 30 s).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt
import shapely
import zipcodes
from scipy.spatial import cKDTree

from territorial.arrays import FloatArray, IntArray
from territorial.geo.geocode import normalize_zip
from territorial.geo.geodesy import EARTH_RADIUS_KM, haversine_km, unit_vectors
from territorial.geo.graph import proximity_graph, valid_points
from territorial.geo.units import ZIP_MAX_EDGE_KM, GeoUnits

__all__ = ["ZipIndex", "build_zip_units", "normalize_zip", "zip_index"]


@dataclass(frozen=True, slots=True)
class ZipIndex:
    """ZIP centroids, and a nearest-ZIP search over active standard ZIPs.

    Attributes
    ----------
    places : dict[str, tuple[float, float, str, str]]
        ZIP -> (lat, lon, city, state) for every ZIP with a centroid.
    standard : list[str]
        The active ``STANDARD`` ZIPs searched by :meth:`nearest`.
    """

    places: dict[str, tuple[float, float, str, str]]
    standard: list[str]
    tree: cKDTree

    def nearest(self, lat: FloatArray, lon: FloatArray) -> tuple[list[str], FloatArray]:
        """Nearest active standard ZIP of each point, and its great-circle distance (km)."""
        chord, idx = self.tree.query(unit_vectors(lat, lon))
        dist = 2 * EARTH_RADIUS_KM * np.arcsin(np.clip(np.asarray(chord) / 2, 0.0, 1.0))
        return [self.standard[int(k)] for k in np.atleast_1d(idx)], np.atleast_1d(dist)


@cache
def zip_index() -> ZipIndex:
    """The process-wide :class:`ZipIndex` (built on first use, about 0.2 s)."""
    places: dict[str, tuple[float, float, str, str]] = {}
    standard: list[str] = []
    for row in zipcodes.list_all():  # type: ignore[no-untyped-call]
        try:
            lat, lon = float(row["lat"]), float(row["long"])
        except (TypeError, ValueError):
            continue
        if not (math.isfinite(lat) and math.isfinite(lon)) or (lat == 0 and lon == 0):
            continue
        code = str(row["zip_code"])
        places[code] = (lat, lon, str(row.get("city") or ""), str(row.get("state") or ""))
        if row.get("active") and row.get("zip_code_type") == "STANDARD":
            standard.append(code)
    lat_s = np.array([places[z][0] for z in standard])
    lon_s = np.array([places[z][1] for z in standard])
    return ZipIndex(places, standard, cKDTree(unit_vectors(lat_s, lon_s)))


def build_zip_units(
    lat: FloatArray,
    lon: FloatArray,
    zips: Sequence[str | None],
    *,
    max_edge_km: float = ZIP_MAX_EDGE_KM,
    max_nearest_km: float = 100.0,
) -> GeoUnits:
    """ZIP units for accounts (see the module docstring for the adjacency).

    An account's ZIP is used when known; if the account also has coordinates farther
    than ``max_nearest_km`` from that ZIP's centroid (a wrong ZIP or wrong coordinates),
    it stays in its ZIP with a note giving the distance. An account without a usable
    ZIP but with coordinates gets the active standard ZIP whose centroid is nearest, if
    within ``max_nearest_km``; otherwise it is unplaced (``-1``) with the reason.

    Parameters
    ----------
    lat, lon : ndarray, shape (n_accounts,)
        Account coordinates (NaN where unknown).
    zips : sequence of str or None
        Account ZIP codes.
    max_edge_km : float, default ZIP_MAX_EDGE_KM (1,000)
        Delaunay edges longer than this are dropped unless needed for connectivity.
    max_nearest_km : float, default 100
        Farthest an account may be from the nearest ZIP centroid it is placed in, and
        from its own ZIP's centroid without a note.
    """
    index = zip_index()
    n = lat.shape[0]
    chosen: list[str | None] = [None] * n
    unplaced: list[tuple[int, str]] = []
    notes: list[tuple[int, str]] = []
    has_point = valid_points(lat, lon)
    need_nearest: list[int] = []
    for i, raw in enumerate(zips):
        code = normalize_zip(raw)
        if code is not None and code in index.places:
            chosen[i] = code
        elif has_point[i]:
            need_nearest.append(i)
        elif _blank(raw):
            unplaced.append((i, "no ZIP and no coordinates"))
        else:
            unplaced.append((i, f"unknown ZIP {raw!s} and no coordinates"))
    if need_nearest:
        rows = np.asarray(need_nearest, dtype=np.int64)
        found, dist = index.nearest(lat[rows], lon[rows])
        for i, code, d in zip(need_nearest, found, dist, strict=True):
            raw = zips[i]
            why = "no ZIP" if _blank(raw) else f"unknown ZIP {raw!s}"
            if d > max_nearest_km:
                unplaced.append((i, f"{why}; nearest ZIP {code} is {d:.0f} km away"))
                continue
            chosen[i] = code
            notes.append((i, f"{why}; placed in nearest ZIP {code} ({d:.1f} km)"))
    own = [i for i, c in enumerate(chosen) if c is not None and has_point[i]]
    if own:
        rows = np.asarray(own, dtype=np.int64)
        z_lat = np.array([index.places[str(chosen[i])][0] for i in own])
        z_lon = np.array([index.places[str(chosen[i])][1] for i in own])
        far = haversine_km(lat[rows], lon[rows], z_lat, z_lon)
        for i, d in zip(own, far.tolist(), strict=True):
            if d > max_nearest_km:
                notes.append(
                    (
                        i,
                        f"coordinates are {d:.0f} km from the centroid of its "
                        f"ZIP {chosen[i]}; placed in the ZIP",
                    )
                )
    ids = sorted({c for c in chosen if c is not None})
    position = {z: k for k, z in enumerate(ids)}
    unit_of_account = np.array(
        [position[c] if c is not None else -1 for c in chosen], dtype=np.int64
    )
    u_lat = np.array([index.places[z][0] for z in ids], dtype=np.float64)
    u_lon = np.array([index.places[z][1] for z in ids], dtype=np.float64)
    adjacency, bridges = proximity_graph(u_lat, u_lon, max_edge_km, _off_land(u_lat, u_lon))
    return GeoUnits(
        kind="zip",
        ids=ids,
        names=[f"{z} {index.places[z][2]}, {index.places[z][3]}" for z in ids],
        states=[index.places[z][3] for z in ids],
        lat=u_lat,
        lon=u_lon,
        unit_of_account=unit_of_account,
        adjacency=adjacency,
        unplaced=sorted(unplaced),
        notes=sorted(notes),
        bridges=bridges,
    )


#: Shorter edges may cross a bay or a lake; longer ones mostly outside the US are dropped.
OFF_LAND_KM = 100.0


def _off_land(
    lat: FloatArray, lon: FloatArray
) -> Callable[[IntArray, FloatArray], npt.NDArray[np.bool_]] | None:
    """Marks the edges longer than :data:`OFF_LAND_KM` whose points (9 along the
    segment, in degrees) lie mostly outside the US outline; None without the map."""
    from territorial.geo.shapes import us_outline

    land = us_outline()
    if land is None:
        return None

    def marks(edges: IntArray, length: FloatArray) -> npt.NDArray[np.bool_]:
        share = np.linspace(0.1, 0.9, 9)[None, :]
        a, b = edges[:, :1], edges[:, 1:]
        on = shapely.contains_xy(
            land, lon[a] * (1 - share) + lon[b] * share, lat[a] * (1 - share) + lat[b] * share
        )
        out: npt.NDArray[np.bool_] = (length > OFF_LAND_KM) & (on.mean(axis=1) < 0.5)
        return out

    return marks


def _blank(raw: object) -> bool:
    """No ZIP given: ``None``, blank text or a NaN from a spreadsheet."""
    if raw is None:
        return True
    if isinstance(raw, float):
        return math.isnan(raw)
    return not str(raw).strip()
