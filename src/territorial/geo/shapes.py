"""Territory shapes: regions drawn around accounts, ZIP centroids or counties.

Pure geometry (shapely, SciPy); nothing here knows about storage or HTTP.

* **Point territories** (accounts, or ZIP centroids): the Voronoi cell of every distinct
  point, computed on an equirectangular projection in km around the points' centre
  (``scipy.spatial.Voronoi``, with four far-away guard points so every cell is
  bounded), dissolved per territory (``shapely.coverage_union_all``: the cells form an
  exact coverage), then clipped to the US outline (the us-atlas states) plus a buffer
  around the points that lie outside it. Points sharing a position go to the territory
  most of them belong to.
* **County territories**: the union of the county polygons drawn with each territory
  (made valid first: a few us-atlas counties are not).
* **Colours**: a DSatur graph colouring of the territories' adjacency (shapes that
  touch) over :data:`PALETTE`, so neighbours never share a colour; among the allowed
  colours the least used is taken, which spreads the palette over the map.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry.base import BaseGeometry

from territorial.arrays import FloatArray
from territorial.geo.topojson import Topology

__all__ = [
    "PALETTE",
    "TerritoryShapes",
    "color_graph",
    "county_shapes",
    "point_shapes",
    "shape_adjacency",
    "us_outline",
]


#: Tableau 10 (grey swapped for a dark teal): distinct hues for neighbouring shapes.
PALETTE: tuple[str, ...] = (
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#1b6b73",
)
KM_PER_DEG = 111.195
_OUTLINE_BUFFER_KM = 40.0


@dataclass(frozen=True, eq=False)
class TerritoryShapes:
    """One (multi)polygon per territory, in lon/lat.

    Attributes
    ----------
    geometries : list of shapely geometry or None
        Shape of territory ``t`` (``None`` when it has no points).
    adjacency : list of set of int
        Territories whose shapes touch.
    colors : list of int
        Palette index of each territory (neighbours differ).
    labels : list of (lon, lat) or None
        A point inside each shape (on its largest part) for the label.
    """

    geometries: list[BaseGeometry | None]
    adjacency: list[set[int]]
    colors: list[int]
    labels: list[tuple[float, float] | None]

    def to_geojson(self, tolerance: float = 0.01, decimals: int = 3) -> list[dict[str, Any] | None]:
        """GeoJSON geometry per territory, simplified by ``tolerance`` degrees."""
        out: list[dict[str, Any] | None] = []
        for geom in self.geometries:
            if geom is None or geom.is_empty:
                out.append(None)
                continue
            simple = shapely.set_precision(
                shapely.simplify(geom, tolerance, preserve_topology=True), 10.0**-decimals
            )
            out.append(shapely.geometry.mapping(simple) if not simple.is_empty else None)
        return out


def _projection(lat: FloatArray, lon: FloatArray) -> tuple[float, float]:
    return float(np.nanmean(lat)), float(np.nanmean(lon))


def _to_km(lon: FloatArray, lat: FloatArray, lat0: float, lon0: float) -> FloatArray:
    k = np.cos(np.radians(lat0))
    return np.column_stack([(lon - lon0) * KM_PER_DEG * k, (lat - lat0) * KM_PER_DEG])


def _geom_to_km(geom: BaseGeometry, lat0: float, lon0: float) -> BaseGeometry:
    return shapely.transform(geom, lambda c: _to_km(c[:, 0], c[:, 1], lat0, lon0))


def _geom_to_deg(geom: BaseGeometry, lat0: float, lon0: float) -> BaseGeometry:
    k = np.cos(np.radians(lat0))

    def back(c: FloatArray) -> FloatArray:
        return np.column_stack([c[:, 0] / (KM_PER_DEG * k) + lon0, c[:, 1] / KM_PER_DEG + lat0])

    return shapely.transform(geom, back)


def us_outline(path: Path | None = None) -> BaseGeometry | None:
    """The union of the us-atlas states (lon/lat), ``None`` if the map is not built."""
    from territorial.geo.counties import DATA_FILE

    return _us_outline(Path(path) if path is not None else DATA_FILE)


@cache
def _us_outline(path: Path) -> BaseGeometry | None:
    if not path.is_file():
        return None
    with path.open(encoding="utf-8") as handle:
        topology = Topology(json.load(handle))
    parts = []
    for geometry in topology.geometries("states"):
        for polygon in topology.polygons(geometry):
            rings = [r for r in polygon if len(r) >= 4]
            if rings:
                parts.append(shapely.make_valid(shapely.Polygon(rings[0], rings[1:])))
    outline = shapely.union_all(parts)
    outline = shapely.simplify(outline, 0.005, preserve_topology=True)
    shapely.prepare(outline)
    return outline


def _voronoi_cells(xy: FloatArray) -> list[BaseGeometry]:
    """Voronoi cell of each distinct point, in input order, bounded by a far envelope.

    GEOS's Voronoi (``shapely.voronoi_polygons``) returns polygons directly; on 43,000
    points it took 1.4 s where ``scipy.spatial.Voronoi`` took 3.5 s plus 1 s to build
    the polygons.
    """
    n = xy.shape[0]
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    span = float(max(hi[0] - lo[0], hi[1] - lo[1], 100.0))
    envelope = shapely.box(lo[0] - span, lo[1] - span, hi[0] + span, hi[1] + span)
    if n == 1:
        return [envelope]
    result = shapely.voronoi_polygons(shapely.multipoints(xy), extend_to=envelope, ordered=True)
    cells = list(shapely.get_parts(result))
    if len(cells) != n:  # collinear or degenerate input: fall back to nearest-point cells
        raise ValueError(f"Voronoi gave {len(cells)} cells for {n} points")
    return cells


@dataclass
class PointLayout:
    """What :func:`point_shapes` computes from positions alone (cells, land), plus the
    last owners and shapes, so a reassignment re-dissolves only the territories it touches.
    """

    inverse: npt.NDArray[np.int64]
    lat0: float
    lon0: float
    cells: npt.NDArray[Any]
    land: BaseGeometry
    owner: npt.NDArray[np.int64] | None = None
    geoms: list[BaseGeometry | None] | None = None
    redissolved: int = 0


def point_layout(
    lat: npt.ArrayLike,
    lon: npt.ArrayLike,
    *,
    outline: BaseGeometry | None = None,
    buffer_km: float = _OUTLINE_BUFFER_KM,
) -> PointLayout:
    """The Voronoi cells and clip land of the finite points of ``lat``/``lon``."""
    la = np.asarray(lat, dtype=np.float64)
    lo = np.asarray(lon, dtype=np.float64)
    ok = np.isfinite(la) & np.isfinite(lo)
    la, lo = la[ok], lo[ok]
    if not la.size:
        return PointLayout(
            np.zeros(0, dtype=np.int64), 0.0, 0.0, np.empty(0, dtype=object), shapely.Polygon()
        )
    # distinct positions (about 1 m)
    key = np.column_stack([np.round(lo, 5), np.round(la, 5)])
    uniq, inverse = np.unique(key, axis=0, return_inverse=True)
    lat0, lon0 = _projection(uniq[:, 1], uniq[:, 0])
    xy = _to_km(uniq[:, 0], uniq[:, 1], lat0, lon0)
    cells = np.empty(xy.shape[0], dtype=object)
    cells[:] = _voronoi_cells(xy)
    land = _land(uniq, outline, buffer_km, lat0, lon0)
    shapely.prepare(land)
    return PointLayout(inverse.reshape(-1).astype(np.int64), lat0, lon0, cells, land)


def point_shapes(
    lat: npt.ArrayLike,
    lon: npt.ArrayLike,
    territory: npt.ArrayLike,
    n_territories: int,
    *,
    outline: BaseGeometry | None = None,
    buffer_km: float = _OUTLINE_BUFFER_KM,
    layout: PointLayout | None = None,
) -> TerritoryShapes:
    """Territory regions from points: dissolved Voronoi cells clipped to ``outline``.

    Parameters
    ----------
    lat, lon : array-like
        Point coordinates (accounts or ZIP centroids); NaN points are skipped.
    territory : array-like of int
        Territory index of each point, ``-1`` for none (its cell stays blank).
    n_territories : int
        Number of territories (shapes returned, ``None`` for those with no point).
    outline : shapely geometry, optional
        Land to clip to, lon/lat (e.g. :func:`us_outline`). Points outside it (or all
        points, without an outline) get a ``buffer_km`` disc of land around them.
    layout : PointLayout, optional
        :func:`point_layout` of the same ``lat``/``lon`` (``outline``, ``buffer_km`` are
        then ignored). It remembers the owners and shapes of this call: the next call
        with it dissolves again only the territories whose cells changed.
    """
    la = np.asarray(lat, dtype=np.float64)
    lo = np.asarray(lon, dtype=np.float64)
    terr = np.asarray(territory, dtype=np.int64)
    ok = np.isfinite(la) & np.isfinite(lo)
    terr = terr[ok]
    geoms: list[BaseGeometry | None] = [None] * n_territories
    if not terr.size:
        return _finish(geoms)
    if layout is None:
        layout = point_layout(la, lo, outline=outline, buffer_km=buffer_km)
    # each distinct position gets the territory most of its points have
    counts = np.zeros((layout.cells.shape[0], n_territories + 1), dtype=np.int64)
    np.add.at(counts, (layout.inverse, terr + 1), 1)  # column 0 = unassigned
    owner = counts.argmax(axis=1) - 1
    touched = set(range(n_territories))
    if (
        layout.owner is not None
        and layout.geoms is not None
        and layout.owner.shape == owner.shape
        and len(layout.geoms) == n_territories
    ):
        changed = layout.owner != owner
        touched = {
            int(t) for t in np.concatenate([layout.owner[changed], owner[changed]]) if t >= 0
        }
        geoms = list(layout.geoms)
    for t in sorted(touched):
        geoms[t] = _dissolve(layout, owner == t)
    layout.owner, layout.geoms, layout.redissolved = owner, list(geoms), len(touched)
    return _finish(geoms, (lo[ok], la[ok], terr))


def _dissolve(layout: PointLayout, mask: npt.NDArray[np.bool_]) -> BaseGeometry | None:
    """The union of the masked cells, clipped to the land, in lon/lat."""
    mine = layout.cells[mask]
    if not mine.size:
        return None
    try:
        union = shapely.coverage_union_all(mine)
    except shapely.errors.GEOSException:
        union = shapely.union_all(mine)
    clipped = shapely.intersection(union, layout.land)
    if clipped.is_empty:
        return None
    return _polygonal(_geom_to_deg(clipped, layout.lat0, layout.lon0))


def _land(
    points_lonlat: FloatArray,
    outline: BaseGeometry | None,
    buffer_km: float,
    lat0: float,
    lon0: float,
) -> BaseGeometry:
    """Clip region in km: the outline plus discs around the points outside it."""
    if outline is not None:
        inside = shapely.contains_xy(outline, points_lonlat[:, 0], points_lonlat[:, 1])
        outside = points_lonlat[~inside]
    else:
        outside = points_lonlat
    parts: list[BaseGeometry] = []
    if outline is not None:
        # only the land masses holding points (or within reach): no empty Alaska, Hawaii
        # or Puerto Rico painted with the nearest territory
        masses = shapely.get_parts(outline)
        pad = buffer_km / KM_PER_DEG
        bounds = shapely.bounds(masses)  # a land mass is kept if a point is in its box
        x, y = points_lonlat[:, 0], points_lonlat[:, 1]
        near = np.array(
            [
                bool(
                    np.any(
                        (x >= b[0] - pad)
                        & (x <= b[2] + pad)
                        & (y >= b[1] - pad)
                        & (y <= b[3] + pad)
                    )
                )
                for b in bounds
            ],
            dtype=bool,
        )
        kept = masses[near]
        if kept.size:
            parts.append(_geom_to_km(shapely.union_all(kept), lat0, lon0))
    if outside.shape[0]:
        xy = _to_km(outside[:, 0], outside[:, 1], lat0, lon0)
        parts.append(shapely.union_all(shapely.buffer(shapely.points(xy), buffer_km, quad_segs=8)))
    return shapely.union_all(parts)


def _polygonal(geom: BaseGeometry) -> BaseGeometry | None:
    """Only the polygon parts of ``geom`` (intersections may leave lines or points)."""
    if geom.is_empty:
        return None
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    polys = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(polys) if polys else None


def county_shapes(
    county_polygons: Sequence[BaseGeometry],
    county_territory: npt.ArrayLike,
    n_territories: int,
    points: tuple[npt.ArrayLike, npt.ArrayLike, npt.ArrayLike] | None = None,
) -> TerritoryShapes:
    """Territory regions as the union of their counties' polygons (lon/lat).

    ``county_territory[k]`` is the territory of county ``k`` (``-1``: none);
    ``points`` (lon, lat, territory of each account) place the labels.
    """
    terr = np.asarray(county_territory, dtype=np.int64)
    polys = np.asarray([shapely.make_valid(p) for p in county_polygons], dtype=object)
    geoms: list[BaseGeometry | None] = [None] * n_territories
    for t in range(n_territories):
        mine = polys[terr == t]
        if mine.size:
            geoms[t] = _polygonal(shapely.union_all(mine))
    if points is None:
        return _finish(geoms)
    x, y = np.asarray(points[0], np.float64), np.asarray(points[1], np.float64)
    ok = np.isfinite(x) & np.isfinite(y)
    return _finish(geoms, (x[ok], y[ok], np.asarray(points[2], np.int64)[ok]))


def shape_adjacency(
    geoms: Sequence[BaseGeometry | None], tolerance: float = 1e-6
) -> list[set[int]]:
    """Territories whose shapes touch or overlap (within ``tolerance`` degrees)."""
    n = len(geoms)
    adj: list[set[int]] = [set() for _ in range(n)]
    present = [t for t, g in enumerate(geoms) if g is not None and not g.is_empty]
    if len(present) < 2:
        return adj
    arr = np.asarray([geoms[t] for t in present], dtype=object)
    tree = shapely.STRtree(arr)
    left, right = tree.query(arr, predicate="dwithin", distance=tolerance)
    for a, b in zip(left.tolist(), right.tolist(), strict=True):
        if a != b:
            adj[present[a]].add(present[b])
            adj[present[b]].add(present[a])
    return adj


def color_graph(adjacency: Sequence[set[int]], n_colors: int = len(PALETTE)) -> list[int]:
    """DSatur colouring: neighbours get different colours; least used colour first.

    Colours beyond ``n_colors - 1`` are used only if a vertex's neighbours already hold
    all ``n_colors`` (never for planar maps with 4 or more colours in practice).
    """
    n = len(adjacency)
    color = [-1] * n
    used = [0] * max(n_colors, 1)
    saturation: list[set[int]] = [set() for _ in range(n)]
    for _ in range(n):
        v = max(
            (u for u in range(n) if color[u] < 0),
            key=lambda u: (len(saturation[u]), len(adjacency[u]), -u),
        )
        allowed = [c for c in range(n_colors) if c not in saturation[v]]
        if allowed:
            c = min(allowed, key=lambda c: (used[c], c))
        else:
            c = n_colors
            while c in saturation[v]:
                c += 1
            used.extend([0] * (c + 1 - len(used)))
        color[v] = c
        used[c] += 1
        for u in adjacency[v]:
            saturation[u].add(c)
    return color


def _label_point(
    geom: BaseGeometry | None, x: FloatArray | None = None, y: FloatArray | None = None
) -> tuple[float, float] | None:
    """Where a territory's name goes: on the piece holding most of its points (``x``,
    ``y``: lon/lat), at the point nearest their median, so that a territory whose
    shape also covers empty land is labelled where its accounts are; without points,
    on the largest piece."""
    if geom is None or geom.is_empty:
        return None
    parts = shapely.get_parts(geom)
    if x is not None and y is not None and len(x):
        inside = [shapely.contains_xy(part, x, y) for part in parts]
        best = max(range(len(parts)), key=lambda i: (int(inside[i].sum()), parts[i].area))
        if inside[best].any():
            px, py = x[inside[best]], y[inside[best]]
            k = int(np.argmin(np.hypot(px - np.median(px), py - np.median(py))))
            return round(float(px[k]), 4), round(float(py[k]), 4)
    largest = max(parts, key=lambda p: p.area)
    point = largest.point_on_surface()
    return round(point.x, 4), round(point.y, 4)


def _finish(
    geoms: list[BaseGeometry | None],
    points: tuple[FloatArray, FloatArray, npt.NDArray[np.int64]] | None = None,
) -> TerritoryShapes:
    """Shapes with adjacency, colours and labels (``points``: lon, lat, territory)."""
    adjacency = shape_adjacency(geoms)
    labels = []
    for t, g in enumerate(geoms):
        if points is None:
            labels.append(_label_point(g))
        else:
            mine = points[2] == t
            labels.append(_label_point(g, points[0][mine], points[1][mine]))
    return TerritoryShapes(
        geometries=geoms,
        adjacency=adjacency,
        colors=color_graph(adjacency),
        labels=labels,
    )
