"""County units from the ``us-atlas`` county map (TopoJSON, US Census, public domain).

The map is ``counties-10m.json`` from the npm package ``us-atlas`` 3.x, copied at build
time (``scripts/build_assets.py``, run by ``make install``) to
``territorial/geo/data/counties-10m.json``. Nothing is downloaded at run time.

Choices:

* **Which counties are units**: only the counties holding at least one account. An
  empty county has zero measures: as a unit it would only cost the design engine time
  (the demo's 2,500 accounts lie in 402 counties, their states have 3,039).
* **Where the empty counties go**: every county of the states holding units is drawn
  with one unit (:attr:`~territorial.geo.units.GeoUnits.county_unit`,
  :meth:`~territorial.geo.units.GeoUnits.fill_counties`): its own if it holds
  accounts, else the unit nearest to it along the map (shortest path between county
  centroids through bordering counties, see :func:`~territorial.geo.units.contract_empty`).
  A unit's region (its county and the empty counties drawn with it) is connected.
* **Adjacency**: two units are adjacent when their regions share a border arc in the
  TopoJSON (exact, no geometry). Counties sharing a border are always adjacent; across a
  group of empty counties, units are linked where their shares of the group meet.
  Linking every county that borders the same empty group instead is near-complete: on
  the demo workspace (2,500 accounts, 402 counties with accounts, one empty group of
  2,603 counties bordered by 329 of them) that gives 54,221 edges, against 1,036 here
  (mean degree 5.2, max 11); a Delaunay graph of each group's borderers gives 1,172
  edges but links counties 2,000 km apart across the hull; a distance cap among the
  borderers leaves dozens of components. A territory contiguous in this graph is one
  piece on the map when its units' regions are painted (bridges and empty islands
  apart). Units with no land path to the others (an island county holding accounts,
  or a state not touching the others) are joined by the shortest bridging edge between
  centroids, so the graph is always connected.
* **Placing accounts**: point in polygon (NumPy ray casting with a bounding-box
  prefilter per polygon part). A point in no county (offshore, or off the simplified
  coastline) snaps to the county with the nearest border vertex within ``max_snap_km``,
  preferring the account's own state. Accounts without coordinates use their ZIP
  centroid.
* **Centroid**: the area-weighted centroid of the county polygons, not the mean of
  its accounts (on the demo the two are 16 km apart on average, 143 km at most, in
  large western counties): costs that matter should come from account coordinates.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from scipy.spatial import cKDTree

from territorial.arrays import FloatArray, IntArray
from territorial.geo.geodesy import EARTH_RADIUS_KM, unit_vectors
from territorial.geo.graph import connect_components, contract_empty, valid_points
from territorial.geo.topojson import (
    Geometry,
    Topology,
    adjacency_from_arcs,
    points_in_rings,
    polygons_centroid,
)
from territorial.geo.units import GeoUnits
from territorial.geo.zips import normalize_zip, zip_index

__all__ = [
    "DATA_FILE",
    "STATE_ABBR",
    "CountyAtlas",
    "CountyDataMissingError",
    "build_county_units",
    "counties_of_states",
    "county_atlas",
    "county_geojson",
]


DATA_FILE = Path(__file__).resolve().parent / "data" / "counties-10m.json"

#: State FIPS code -> USPS code (states, DC and territories in ``us-atlas``).
STATE_ABBR: dict[str, str] = {
    "01": "AL",
    "02": "AK",
    "04": "AZ",
    "05": "AR",
    "06": "CA",
    "08": "CO",
    "09": "CT",
    "10": "DE",
    "11": "DC",
    "12": "FL",
    "13": "GA",
    "15": "HI",
    "16": "ID",
    "17": "IL",
    "18": "IN",
    "19": "IA",
    "20": "KS",
    "21": "KY",
    "22": "LA",
    "23": "ME",
    "24": "MD",
    "25": "MA",
    "26": "MI",
    "27": "MN",
    "28": "MS",
    "29": "MO",
    "30": "MT",
    "31": "NE",
    "32": "NV",
    "33": "NH",
    "34": "NJ",
    "35": "NM",
    "36": "NY",
    "37": "NC",
    "38": "ND",
    "39": "OH",
    "40": "OK",
    "41": "OR",
    "42": "PA",
    "44": "RI",
    "45": "SC",
    "46": "SD",
    "47": "TN",
    "48": "TX",
    "49": "UT",
    "50": "VT",
    "51": "VA",
    "53": "WA",
    "54": "WV",
    "55": "WI",
    "56": "WY",
    "60": "AS",
    "66": "GU",
    "69": "MP",
    "72": "PR",
    "78": "VI",
}
#: States whose county FIPS codes 510 and over are independent cities.
_INDEPENDENT_CITY_STATES = frozenset({"24", "29", "32", "51"})


class CountyDataMissingError(FileNotFoundError):
    """The county map was not built into the package."""


@dataclass(frozen=True, slots=True, eq=False)
class CountyAtlas:
    """Every county of ``us-atlas``, in FIPS order.

    Attributes
    ----------
    fips, names, states : list[str]
        FIPS code, display name (``"Middlesex County, MA"``) and USPS state code.
    lat, lon : ndarray
        Area-weighted polygon centroids.
    adjacency : csr_matrix
        Counties sharing a border arc (symmetric, boolean).
    part_county : ndarray of int64
        County index of each polygon part.
    part_bbox : ndarray, shape (n_parts, 4)
        ``min lon, min lat, max lon, max lat`` of each part.
    part_rings : list[list[ndarray]]
        Rings of each part.
    """

    fips: list[str]
    names: list[str]
    states: list[str]
    lat: FloatArray
    lon: FloatArray
    adjacency: sparse.csr_matrix
    part_county: IntArray
    part_bbox: FloatArray
    part_rings: list[list[FloatArray]]
    topology: Topology
    geometries: list[Geometry]
    vertex_tree: cKDTree
    vertex_county: IntArray

    def index(self) -> dict[str, int]:
        """FIPS -> position."""
        return {f: k for k, f in enumerate(self.fips)}

    def locate(self, lat: FloatArray, lon: FloatArray) -> IntArray:
        """County index containing each point, ``-1`` if none (point in polygon)."""
        out = np.full(lat.shape[0], -1, dtype=np.int64)
        ok = np.isfinite(lat) & np.isfinite(lon)
        rows = np.flatnonzero(ok)
        if not rows.size:
            return out
        order = rows[np.argsort(lon[rows], kind="stable")]
        sorted_lon = lon[order]
        lo = np.searchsorted(sorted_lon, self.part_bbox[:, 0], side="left")
        hi = np.searchsorted(sorted_lon, self.part_bbox[:, 2], side="right")
        for part in np.flatnonzero(hi > lo):
            cand = order[lo[part] : hi[part]]
            cand = cand[
                (lat[cand] >= self.part_bbox[part, 1])
                & (lat[cand] <= self.part_bbox[part, 3])
                & (out[cand] < 0)
            ]
            if cand.size:
                inside = points_in_rings(lon[cand], lat[cand], self.part_rings[part])
                out[cand[inside]] = self.part_county[part]
        return out

    def snap(
        self,
        lat: FloatArray,
        lon: FloatArray,
        states: Sequence[str | None],
        max_km: float,
        k: int = 32,
    ) -> tuple[IntArray, FloatArray]:
        """County with the nearest border vertex (own state preferred) and its distance.

        Points farther than ``max_km`` from every vertex get ``-1``.
        """
        if not lat.shape[0]:
            return np.empty(0, dtype=np.int64), np.empty(0)
        chord, idx = self.vertex_tree.query(unit_vectors(lat, lon), k=k)
        dist = 2 * EARTH_RADIUS_KM * np.arcsin(np.clip(np.asarray(chord) / 2, 0.0, 1.0))
        counties = self.vertex_county[np.minimum(idx, self.vertex_county.shape[0] - 1)]
        out = np.full(lat.shape[0], -1, dtype=np.int64)
        out_d = np.full(lat.shape[0], np.inf)
        for i in range(lat.shape[0]):
            pick = 0
            state = (states[i] or "").strip().upper()
            if state:
                same = [j for j in range(k) if self.states[counties[i, j]] == state]
                pick = same[0] if same else 0
            out_d[i] = dist[i, pick]
            if dist[i, pick] <= max_km:
                out[i] = counties[i, pick]
        return out, out_d


def county_atlas(path: Path | None = None) -> CountyAtlas:
    """The county map (loaded once per path, about 1 s).

    Raises
    ------
    CountyDataMissingError
        If the data file is missing: run ``make install`` (never downloaded).
    """
    return _load_atlas(Path(path) if path is not None else DATA_FILE)


@cache
def _load_atlas(path: Path) -> CountyAtlas:
    if not path.is_file():
        raise CountyDataMissingError(
            f"county map not found at {path}. It is copied from the npm package us-atlas "
            "at build time: run `make install` (npm ci, then python scripts/build_assets.py). "
            "Nothing is downloaded at run time."
        )
    with path.open(encoding="utf-8") as handle:
        topology = Topology(json.load(handle))
    geoms = sorted(
        (g for g in topology.geometries("counties") if g.id and g.arcs), key=lambda g: str(g.id)
    )
    fips = [str(g.id).zfill(5) for g in geoms]
    states = [STATE_ABBR.get(f[:2], f[:2]) for f in fips]
    names = [
        _display_name(f, str(g.properties.get("name", f)), s)
        for f, g, s in zip(fips, geoms, states, strict=True)
    ]
    part_county: list[int] = []
    part_bbox: list[list[float]] = []
    part_rings: list[list[FloatArray]] = []
    lat = np.empty(len(geoms))
    lon = np.empty(len(geoms))
    vertices: list[FloatArray] = []
    vertex_county: list[IntArray] = []
    for k, geom in enumerate(geoms):
        polygons = topology.polygons(geom)
        lon[k], lat[k] = polygons_centroid(polygons)
        for poly in polygons:
            pts = np.concatenate(poly)
            part_county.append(k)
            part_bbox.append([*pts.min(axis=0).tolist(), *pts.max(axis=0).tolist()])
            part_rings.append(poly)
            vertices.append(pts)
            vertex_county.append(np.full(pts.shape[0], k, dtype=np.int64))
    all_vertices = np.concatenate(vertices)
    return CountyAtlas(
        fips=fips,
        names=names,
        states=states,
        lat=lat,
        lon=lon,
        adjacency=adjacency_from_arcs(geoms),
        part_county=np.asarray(part_county, dtype=np.int64),
        part_bbox=np.asarray(part_bbox, dtype=np.float64),
        part_rings=part_rings,
        topology=topology,
        geometries=geoms,
        vertex_tree=cKDTree(unit_vectors(all_vertices[:, 1], all_vertices[:, 0])),
        vertex_county=np.concatenate(vertex_county),
    )


def build_county_units(
    lat: FloatArray,
    lon: FloatArray,
    zips: Sequence[str | None],
    states: Sequence[str | None],
    *,
    max_snap_km: float = 25.0,
    atlas: CountyAtlas | None = None,
) -> GeoUnits:
    """County units for accounts (see the module docstring for the choices).

    Only the counties holding accounts are units; every county of their states is
    listed in ``county_ids`` with the unit it is drawn with in ``county_unit``.

    Parameters
    ----------
    lat, lon : ndarray, shape (n_accounts,)
        Account coordinates (NaN where unknown).
    zips : sequence of str or None
        Account ZIP codes, used when coordinates are missing.
    states : sequence of str or None
        Account state codes, preferred when snapping an offshore point.
    max_snap_km : float, default 25
        How far outside every county a point may lie and still be snapped to one.
    atlas : CountyAtlas, optional
        The county map (default :func:`county_atlas`).
    """
    atlas = atlas or county_atlas()
    p_lat = lat.astype(np.float64, copy=True)
    p_lon = lon.astype(np.float64, copy=True)
    notes: list[tuple[int, str]] = []
    unplaced: list[tuple[int, str]] = []
    missing = ~valid_points(p_lat, p_lon)
    if missing.any():
        places = zip_index().places
        for i in np.flatnonzero(missing).tolist():
            code = normalize_zip(zips[i])
            if code is not None and code in places:
                p_lat[i], p_lon[i] = places[code][0], places[code][1]
                notes.append((int(i), f"no coordinates; ZIP {code} centroid used"))
            else:
                p_lat[i] = p_lon[i] = np.nan
                unplaced.append((int(i), "no coordinates and no known ZIP"))
    county = atlas.locate(p_lat, p_lon)
    off = np.flatnonzero((county < 0) & np.isfinite(p_lat))
    if off.size:
        snapped, dist = atlas.snap(
            p_lat[off], p_lon[off], [states[i] for i in off.tolist()], max_snap_km
        )
        county[off] = snapped
        for i, c, d in zip(off.tolist(), snapped.tolist(), dist.tolist(), strict=True):
            if c >= 0:
                notes.append((i, f"outside every county; snapped to {atlas.fips[c]} ({d:.1f} km)"))
            else:
                unplaced.append((i, f"outside every county (nearest border {d:.0f} km)"))
    used = np.unique(county[county >= 0]).astype(np.int64)
    used_states = {atlas.fips[c][:2] for c in used.tolist()}
    drawn = np.array(
        [k for k, f in enumerate(atlas.fips) if f[:2] in used_states], dtype=np.int64
    )  # every county of those states, empty or not
    position = np.full(len(atlas.fips), -1, dtype=np.int64)
    position[used] = np.arange(used.shape[0])
    unit_of_account = np.where(county >= 0, position[np.maximum(county, 0)], -1)
    keep = np.searchsorted(drawn, used)  # both sorted, used a subset of drawn
    contracted, owner = contract_empty(
        atlas.adjacency[drawn][:, drawn], atlas.lat[drawn], atlas.lon[drawn], keep
    )
    adjacency, bridges = connect_components(contracted, atlas.lat[used], atlas.lon[used])
    return GeoUnits(
        kind="county",
        ids=[atlas.fips[c] for c in used.tolist()],
        names=[atlas.names[c] for c in used.tolist()],
        states=[atlas.states[c] for c in used.tolist()],
        lat=atlas.lat[used].copy(),
        lon=atlas.lon[used].copy(),
        unit_of_account=unit_of_account.astype(np.int64),
        adjacency=adjacency,
        unplaced=sorted(unplaced),
        notes=sorted(notes),
        bridges=int(bridges.shape[0]),
        county_ids=[atlas.fips[c] for c in drawn.tolist()],
        county_unit=owner,
    )


def counties_of_states(states: Iterable[str], atlas: CountyAtlas | None = None) -> list[str]:
    """FIPS codes of the counties of the given states (USPS codes), in FIPS order."""
    atlas = atlas or county_atlas()
    wanted = {s.strip().upper() for s in states}
    return [f for f, s in zip(atlas.fips, atlas.states, strict=True) if s in wanted]


def county_geojson(fips_ids: Iterable[str], atlas: CountyAtlas | None = None) -> dict[str, Any]:
    """GeoJSON ``FeatureCollection`` (lon/lat) of the given counties.

    Each feature has ``id`` the FIPS code and properties ``fips``, ``name``, ``state``.
    Unknown FIPS codes raise ``KeyError``.
    """
    atlas = atlas or county_atlas()
    where = atlas.index()
    features = []
    for fips in fips_ids:
        code = str(fips).zfill(5)
        if code not in where:
            raise KeyError(f"unknown county FIPS {fips!r}")
        k = where[code]
        feature = atlas.topology.to_geojson(atlas.geometries[k])
        feature["id"] = code
        feature["properties"] = {"fips": code, "name": atlas.names[k], "state": atlas.states[k]}
        features.append(feature)
    return {"type": "FeatureCollection", "features": features}


def _display_name(fips: str, name: str, state: str) -> str:
    """``"Middlesex County, MA"``, ``"Orleans Parish, LA"``, ``"Richmond city, VA"``."""
    st, county = fips[:2], int(fips[2:])
    if st == "11" or st == "02" or st in {"60", "66", "69", "78"}:
        full = name
    elif st == "22":
        full = f"{name} Parish"
    elif st == "72":
        full = f"{name} Municipio"
    elif st in _INDEPENDENT_CITY_STATES and county >= 510:
        full = name if name.lower().endswith("city") else f"{name} city"
    else:
        full = f"{name} County"
    return f"{full}, {state}"
