"""A small TopoJSON reader: arcs, polygon rings, shared-arc adjacency, point in polygon.

Only what the county units need, following the TopoJSON specification
(https://github.com/topojson/topojson-specification):

* arcs of a quantised topology are delta-encoded integers; they are decoded with a
  cumulative sum, then ``transform.scale`` and ``transform.translate`` give lon/lat;
* an arc index ``i >= 0`` means arc ``i``; ``~i`` (that is ``-i - 1``) means arc ``i``
  reversed; a ring is its arcs joined, the first point of each arc after the first
  dropped (it repeats the last point of the arc before);
* two geometries that reference the same arc (either way round) share that border, which
  gives an exact adjacency without any geometric computation.

Only ``Polygon`` and ``MultiPolygon`` geometries are handled; others have no rings.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse

from territorial.arrays import FloatArray

__all__ = [
    "Geometry",
    "Topology",
    "adjacency_from_arcs",
    "decode_arcs",
    "points_in_rings",
    "polygons_centroid",
]

Polygon = list[FloatArray]
"""Rings of one polygon, each (k, 2) lon/lat closed; the first is the exterior."""

#: Cells of the (points x edges) matrix processed at once by :func:`points_in_rings`.
_PIP_BLOCK = 2_000_000


@dataclass(frozen=True, slots=True)
class Geometry:
    """One polygonal geometry of a TopoJSON object.

    Attributes
    ----------
    id : str | None
        The geometry's ``id`` (a FIPS code in ``us-atlas``), as a string.
    properties : dict
        Its ``properties`` (``{}`` if none).
    arcs : list[list[list[int]]]
        Arc indexes per polygon per ring (a ``Polygon`` is a list of one polygon).
    """

    id: str | None
    properties: dict[str, Any]
    arcs: list[list[list[int]]]

    def arc_ids(self) -> set[int]:
        """Arcs this geometry references, reversed ones (``~i``) counted as ``i``."""
        return {i if i >= 0 else ~i for polygon in self.arcs for ring in polygon for i in ring}


class Topology:
    """A decoded TopoJSON topology.

    Parameters
    ----------
    data : dict
        The parsed TopoJSON document (``"type": "Topology"``).
    """

    def __init__(self, data: dict[str, Any]) -> None:
        if data.get("type") != "Topology":
            raise ValueError("not a TopoJSON topology (type is not 'Topology')")
        self.arcs: list[FloatArray] = decode_arcs(data["arcs"], data.get("transform"))
        self._objects: dict[str, Any] = data.get("objects", {})

    @property
    def object_names(self) -> list[str]:
        """Names of the topology's objects (e.g. ``counties``, ``states``)."""
        return list(self._objects)

    def geometries(self, name: str) -> list[Geometry]:
        """Polygonal geometries of object ``name`` (a GeometryCollection or a single one)."""
        if name not in self._objects:
            raise KeyError(f"TopoJSON has no object {name!r}; it has {self.object_names}")
        return list(_polygonal(self._objects[name]))

    def arc(self, index: int) -> FloatArray:
        """Coordinates of arc ``index`` (reversed if ``index < 0``), shape (k, 2)."""
        return self.arcs[index] if index >= 0 else self.arcs[~index][::-1]

    def ring(self, indexes: Sequence[int]) -> FloatArray:
        """Join arcs into one ring, dropping the repeated first point of each later arc."""
        parts = [self.arc(i) if k == 0 else self.arc(i)[1:] for k, i in enumerate(indexes)]
        return np.concatenate(parts) if parts else np.empty((0, 2))

    def polygons(self, geometry: Geometry) -> list[Polygon]:
        """Rings (lon/lat) of each polygon of ``geometry``."""
        return [[self.ring(ring) for ring in polygon] for polygon in geometry.arcs]

    def to_geojson(self, geometry: Geometry) -> dict[str, Any]:
        """A GeoJSON ``Feature`` for ``geometry`` (lon/lat coordinates)."""
        coords = [[ring.tolist() for ring in poly] for poly in self.polygons(geometry)]
        geom: dict[str, Any] | None
        if not coords:
            geom = None
        elif len(coords) == 1:
            geom = {"type": "Polygon", "coordinates": coords[0]}
        else:
            geom = {"type": "MultiPolygon", "coordinates": coords}
        return {
            "type": "Feature",
            "id": geometry.id,
            "properties": geometry.properties,
            "geometry": geom,
        }


def decode_arcs(
    arcs: Sequence[Sequence[Sequence[float]]], transform: dict[str, Any] | None = None
) -> list[FloatArray]:
    """Decode TopoJSON arcs to absolute coordinates.

    Parameters
    ----------
    arcs : sequence of sequences of positions
        The topology's ``arcs``.
    transform : dict, optional
        The topology's ``transform`` (``scale``, ``translate``); when given the arcs are
        quantised and delta-encoded.

    Returns
    -------
    list of ndarray
        One (k, 2) float array per arc (only the first two coordinates kept).
    """
    if transform is None:
        return [
            np.asarray(arc, dtype=np.float64).reshape(-1, 2)[:, :2].copy()
            if len(arc)
            else np.empty((0, 2))
            for arc in arcs
        ]
    scale = np.asarray(transform["scale"], dtype=np.float64)[:2]
    translate = np.asarray(transform["translate"], dtype=np.float64)[:2]
    out: list[FloatArray] = []
    for arc in arcs:
        if not len(arc):
            out.append(np.empty((0, 2)))
            continue
        q = np.asarray([p[:2] for p in arc], dtype=np.int64)
        out.append(np.cumsum(q, axis=0) * scale + translate)
    return out


def adjacency_from_arcs(geometries: Sequence[Geometry]) -> sparse.csr_matrix:
    """Geometries that share at least one arc, as a symmetric boolean CSR (no diagonal).

    Parameters
    ----------
    geometries : sequence of Geometry
        The geometries, in the order of the matrix rows.
    """
    owner_rows: list[int] = []
    arc_cols: list[int] = []
    for row, geometry in enumerate(geometries):
        ids = geometry.arc_ids()
        owner_rows.extend([row] * len(ids))
        arc_cols.extend(ids)
    n = len(geometries)
    n_arcs = max(arc_cols, default=-1) + 1
    incidence = sparse.csr_matrix(
        (np.ones(len(arc_cols), dtype=np.int32), (owner_rows, arc_cols)), shape=(n, n_arcs)
    )
    shared = (incidence @ incidence.T).tocoo()
    keep = shared.row != shared.col
    adj = sparse.csr_matrix(
        (np.ones(int(keep.sum()), dtype=bool), (shared.row[keep], shared.col[keep])),
        shape=(n, n),
    )
    return adj


def points_in_rings(
    x: FloatArray, y: FloatArray, rings: Sequence[FloatArray]
) -> npt.NDArray[np.bool_]:
    """Even-odd (ray casting) test of points against a set of rings.

    Holes and the parts of a multipolygon are handled by the even-odd rule, so pass all
    rings of a geometry together. Points exactly on an edge may fall either side.

    Parameters
    ----------
    x, y : ndarray
        Point coordinates (same shape, 1-D).
    rings : sequence of ndarray
        Closed or open rings, each (k, 2).

    Returns
    -------
    ndarray of bool
        Whether each point is inside.
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    inside = np.zeros(x.shape[0], dtype=bool)
    if not x.size or not rings:
        return inside
    starts, ends = _edges(rings)
    x1, y1 = starts[:, 0], starts[:, 1]
    x2, y2 = ends[:, 0], ends[:, 1]
    dy = y2 - y1
    slope = np.divide(x2 - x1, dy, out=np.zeros_like(dy), where=dy != 0)
    step = max(1, _PIP_BLOCK // max(1, starts.shape[0]))
    for lo in range(0, x.shape[0], step):
        px = x[lo : lo + step, None]
        py = y[lo : lo + step, None]
        crosses = (y1 > py) != (y2 > py)
        x_at = x1 + (py - y1) * slope
        inside[lo : lo + step] = np.count_nonzero(crosses & (px < x_at), axis=1) % 2 == 1
    return inside


def polygons_centroid(polygons: Sequence[Polygon]) -> tuple[float, float]:
    """Area-weighted centroid (lon, lat) of polygons, holes subtracted.

    Computed in plain lon/lat (fine at county size). Longitudes of a geometry spanning
    more than 180° (across the antimeridian) are unwrapped first and the result wrapped
    back to [-180, 180).
    """
    rings = [ring for poly in polygons for ring in poly if len(ring) >= 3]
    if not rings:
        raise ValueError("no ring to take a centroid of")
    lons = np.concatenate([r[:, 0] for r in rings])
    unwrap = float(lons.max() - lons.min()) > 180.0
    area_sum = 0.0
    cx = cy = 0.0
    for poly in polygons:
        for k, ring in enumerate(poly):
            if len(ring) < 3:
                continue
            xs = np.where(ring[:, 0] > 0, ring[:, 0] - 360.0, ring[:, 0]) if unwrap else ring[:, 0]
            ys = ring[:, 1]
            a, rx, ry = _ring_moments(xs, ys)
            sign = 1.0 if k == 0 else -1.0
            area_sum += sign * abs(a)
            cx += sign * abs(a) * rx
            cy += sign * abs(a) * ry
    if area_sum <= 0:
        pts = np.concatenate(rings)
        return float(pts[:, 0].mean()), float(pts[:, 1].mean())
    lon = cx / area_sum
    if lon < -180.0:
        lon += 360.0
    return lon, cy / area_sum


def _ring_moments(xs: FloatArray, ys: FloatArray) -> tuple[float, float, float]:
    """Signed area and centroid of one ring (shoelace)."""
    x0, y0 = xs.mean(), ys.mean()  # shift for numerical stability
    x, y = xs - x0, ys - y0
    xn, yn = np.roll(x, -1), np.roll(y, -1)
    cross = x * yn - xn * y
    area = float(cross.sum() / 2.0)
    if area == 0:
        return 0.0, float(x0), float(y0)
    return (
        area,
        float(((x + xn) * cross).sum() / (6 * area) + x0),
        float(((y + yn) * cross).sum() / (6 * area) + y0),
    )


def _edges(rings: Sequence[FloatArray]) -> tuple[FloatArray, FloatArray]:
    """Start and end points of every edge of the rings (each ring closed)."""
    starts = []
    ends = []
    for ring in rings:
        if len(ring) < 2:
            continue
        closed = ring if np.array_equal(ring[0], ring[-1]) else np.vstack([ring, ring[:1]])
        starts.append(closed[:-1])
        ends.append(closed[1:])
    if not starts:
        return np.empty((0, 2)), np.empty((0, 2))
    return np.concatenate(starts), np.concatenate(ends)


def _polygonal(obj: dict[str, Any]) -> Iterator[Geometry]:
    """Yield the polygonal geometries of a TopoJSON object."""
    kind = obj.get("type")
    if kind == "GeometryCollection":
        for child in obj.get("geometries", []):
            yield from _polygonal(child)
        return
    ident = obj.get("id")
    props = obj.get("properties") or {}
    ident_s = None if ident is None else str(ident)
    if kind == "Polygon":
        yield Geometry(ident_s, props, [obj["arcs"]])
    elif kind == "MultiPolygon":
        yield Geometry(ident_s, props, list(obj["arcs"]))
    else:
        # Points, lines and null geometries have no area: kept, with no rings.
        yield Geometry(ident_s, props, [])
