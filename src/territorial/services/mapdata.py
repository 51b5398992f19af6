"""Map data: a scenario as compact columns, territory shapes, heat and white space.

The web map (and anything else that draws a scenario) reads these; nothing here knows
about HTTP. Accounts are sent as columns (``accounts.lat``, ``accounts.lon``,
``accounts.territory`` ...), not one GeoJSON feature per account: 50,000 accounts are
about 3 MB instead of 16. Territory shapes (:mod:`territorial.geo.shapes`) are computed
once per scenario change and kept in memory, keyed by the workspace, the scenario, the
kind of shapes and a stamp of the assignment and the account positions.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import threading
from collections import Counter, OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from territorial.domain import Scenario
from territorial.domain.design_choices import UnitKind, choice
from territorial.geo.counties import DATA_FILE, build_county_units, county_atlas
from territorial.geo.shapes import (
    PALETTE,
    PointLayout,
    TerritoryShapes,
    county_shapes,
    point_layout,
    point_shapes,
    us_outline,
)
from territorial.geo.topojson import Topology
from territorial.geo.zips import normalize_zip, zip_index
from territorial.metrics.coverage import high_potential_threshold, white_space_cells
from territorial.services.answers import OneScenario, answer_key
from territorial.services.frame import ScenarioFrame, leaf_labels, load_frame
from territorial.services.region import region_frame
from territorial.services.scenarios import resolve_scenario
from territorial.storage import UnitOfWork

ShapeKind = UnitKind  # shapes from the units a design assigns
UNASSIGNED_COLOR = "#9e9e9e"
#: Heat layer cell size (degrees) and white-space reach / cell size (km).
HEAT_CELL_DEG = 1.0
WHITE_SPACE_KM = 150.0
WHITE_SPACE_CELL_KM = 50.0
WHITE_SPACE_PERCENTILE = 80.0
#: Simplification of the shapes sent (degrees; 0.01 is about 1 km).
SIMPLIFY_DEG = 0.01
_CACHE_SIZE = 16


def territory_color(index: int, colors: list[int] | None = None) -> str:
    """Colour of territory ``index`` (-1 = unassigned) from its graph colouring."""
    if index < 0:
        return UNASSIGNED_COLOR
    c = colors[index] if colors is not None and index < len(colors) else index
    return PALETTE[c % len(PALETTE)]


@dataclass(frozen=True)
class _CachedShapes:
    shapes: TerritoryShapes
    geojson: list[dict[str, Any] | None]
    seconds: float


_cache: OrderedDict[tuple[str, str, str, str], _CachedShapes] = OrderedDict()
_cache_lock = threading.Lock()


def clear_shape_cache() -> None:
    """Forget every cached territory shape."""
    with _cache_lock:
        _cache.clear()
        _payloads.clear()
        _frames.clear()
        _geojson_memo.clear()
    with _layout_lock:
        _layouts.clear()


def shape_kind_of(description: str | None) -> ShapeKind:
    """The units a scenario was designed by, from its description (else ``account``)."""
    found = re.search(r"territories by (account|zip|county)", description or "")
    return UnitKind(found.group(1)) if found else UnitKind.ACCOUNT


def _stamp(frame: ScenarioFrame) -> str:
    digest = hashlib.blake2b(digest_size=16)
    digest.update(np.ascontiguousarray(frame.territory, dtype=np.int64).tobytes())
    digest.update(np.ascontiguousarray(frame.lat, dtype=np.float64).tobytes())
    digest.update(np.ascontiguousarray(frame.lon, dtype=np.float64).tobytes())
    digest.update("\x1f".join(frame.labels).encode())
    return digest.hexdigest()


def compute_shapes(
    frame: ScenarioFrame, kind: ShapeKind = UnitKind.ACCOUNT, *, reuse: bool = False
) -> TerritoryShapes:
    """Territory shapes of a frame: Voronoi of accounts or ZIP centroids, or counties.

    With ``reuse``, account and ZIP shapes reuse the Voronoi cells of the same positions
    computed before (kept in memory) and dissolve again only the territories whose
    accounts differ from the last call's (an edit, or another scenario).
    """
    n = len(frame.labels)
    terr = np.asarray(frame.territory, dtype=np.int64)
    if kind == "county":
        units = build_county_units(
            frame.lat, frame.lon, [a.zip for a in frame.accounts], [a.state for a in frame.accounts]
        )
        unit_terr = [-1] * units.n_units
        votes: list[Counter[int]] = [Counter() for _ in range(units.n_units)]
        for u, t in zip(units.unit_of_account.tolist(), terr.tolist(), strict=True):
            if u >= 0:
                votes[u][t] += 1
        for u, counter in enumerate(votes):
            if counter:
                unit_terr[u] = counter.most_common(1)[0][0]
        filled = units.fill_counties(unit_terr)
        atlas = county_atlas()
        where = atlas.index()
        polygons = []
        county_terr = []
        for fips, t in filled.items():
            rings = atlas.topology.polygons(atlas.geometries[where[fips]])
            polygons.append(
                shapely.MultiPolygon(
                    [
                        shapely.Polygon(poly[0], [h for h in poly[1:] if len(h) >= 4])
                        for poly in rings
                        if len(poly[0]) >= 4
                    ]
                )
            )
            county_terr.append(t)
        return county_shapes(polygons, county_terr, n, (frame.lon, frame.lat, terr))
    lat, lon = frame.lat, frame.lon
    if kind == "zip":
        places = zip_index().places
        lat = lat.astype(np.float64, copy=True)
        lon = lon.astype(np.float64, copy=True)
        for i, account in enumerate(frame.accounts):
            code = normalize_zip(account.zip)
            if code is not None and code in places:
                lat[i], lon[i] = places[code][0], places[code][1]
    if not reuse:
        return point_shapes(lat, lon, terr, n, outline=us_outline())
    digest = hashlib.blake2b(digest_size=16)
    digest.update(np.ascontiguousarray(lat, dtype=np.float64).tobytes())
    digest.update(np.ascontiguousarray(lon, dtype=np.float64).tobytes())
    key = (kind, digest.hexdigest())  # any scenario: its diff to the last one is dissolved
    with _layout_lock:  # one computation at a time: a layout remembers its last shapes
        layout = _layouts.get(key)
        if layout is None:
            layout = point_layout(lat, lon, outline=us_outline())
            _layouts[key] = layout
            while len(_layouts) > _CACHE_SIZE // 2:
                _layouts.popitem(last=False)
        _layouts.move_to_end(key)
        return point_shapes(lat, lon, terr, n, layout=layout)


#: Voronoi cells and land per kind and positions: after an edit (or for another scenario
#: of the same accounts) only the territories whose accounts differ are dissolved again
#: (:class:`PointLayout`).
_layouts: OrderedDict[tuple[str, str], PointLayout] = OrderedDict()
_layout_lock = threading.Lock()


def cached_shapes(url: str, frame: ScenarioFrame, kind: ShapeKind) -> _CachedShapes:
    """:func:`compute_shapes`, cached per workspace, scenario, kind and change stamp."""
    import time

    key = (url, frame.scenario.name, kind, _stamp(frame))
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return hit
    start = time.perf_counter()
    shapes = compute_shapes(frame, kind, reuse=True)
    entry = _CachedShapes(shapes, _geojson(shapes), time.perf_counter() - start)
    with _cache_lock:
        _cache[key] = entry
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return entry


#: GeoJSON of shapes already simplified, by the shape object (a reassignment keeps the
#: shapes of the territories it does not touch; see :class:`PointLayout`).
_geojson_memo: dict[int, tuple[Any, dict[str, Any] | None]] = {}


def _geojson(shapes: TerritoryShapes) -> list[dict[str, Any] | None]:
    out: list[dict[str, Any] | None] = []
    with _cache_lock:
        if len(_geojson_memo) > 2000:
            _geojson_memo.clear()
        for geom in shapes.geometries:
            hit = _geojson_memo.get(id(geom)) if geom is not None else None
            if hit is not None and hit[0] is geom:
                out.append(hit[1])
                continue
            one = TerritoryShapes([geom], [set()], [0], [None]).to_geojson(SIMPLIFY_DEG)[0]
            if geom is not None:
                _geojson_memo[id(geom)] = (geom, one)
            out.append(one)
    return out


def _codes(values: list[str | None]) -> tuple[list[str], list[int]]:
    """Category codes: the distinct values (sorted) and each value's index (-1 = none)."""
    names = sorted({v for v in values if v})
    where = {v: k for k, v in enumerate(names)}
    return names, [where[v] if v else -1 for v in values]


def _heat(frame: ScenarioFrame, potential: np.ndarray) -> dict[str, Any]:
    row = np.floor(frame.lat / HEAT_CELL_DEG).astype(np.int64)
    col = np.floor(frame.lon / HEAT_CELL_DEG).astype(np.int64)
    keys, inverse = np.unique(np.column_stack([row, col]), axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    sums = np.bincount(inverse, weights=potential, minlength=keys.shape[0])
    counts = np.bincount(inverse, minlength=keys.shape[0])
    return {
        "cell_deg": HEAT_CELL_DEG,
        "south": (keys[:, 0] * HEAT_CELL_DEG).round(4).tolist(),
        "west": (keys[:, 1] * HEAT_CELL_DEG).round(4).tolist(),
        "potential": sums.round(0).tolist(),
        "accounts": counts.tolist(),
    }


def _white_space(
    frame: ScenarioFrame, potential: np.ndarray, rep_lat: list[float], rep_lon: list[float]
) -> dict[str, Any]:
    n = len(frame.accounts)
    cells = white_space_cells(
        frame.lat,
        frame.lon,
        potential,
        rep_lat,
        rep_lon,
        max_km=WHITE_SPACE_KM,
        cell_km=WHITE_SPACE_CELL_KM,
    )
    # high potential only: cells holding an account in the top fifth by potential
    threshold = high_potential_threshold(potential, WHITE_SPACE_PERCENTILE) if n else 0.0
    cells = tuple(c for c in cells if any(potential[i] >= threshold for i in c.account_indices))
    unassigned = frame.territory < 0
    return {
        "max_km": WHITE_SPACE_KM,
        "min_potential": threshold,
        "cell_km": WHITE_SPACE_CELL_KM,
        "cells": [
            {
                "bounds": [
                    round(c.south, 4),
                    round(c.west, 4),
                    round(c.north, 4),
                    round(c.east, 4),
                ],
                "accounts": c.accounts,
                "potential": round(c.potential),
                "nearest_rep_km": round(c.nearest_rep_km),
            }
            for c in cells
        ],
        "unassigned_accounts": int(unassigned.sum()),
        "unassigned_potential": float(potential[unassigned].sum()),
    }


def _label(entry: _CachedShapes | None, t: int) -> list[float] | None:
    point = entry.shapes.labels[t] if entry else None
    return [point[0], point[1]] if point else None


def scenario_map(
    uow: UnitOfWork,
    scenario: str | None = None,
    by: str | None = None,
    *,
    shapes: bool = True,
    frame_stamp: str | None = None,
) -> dict[str, Any]:
    """The map of ``scenario`` (default: the active alignment) as compact columns.

    Keys: ``scenario`` (name, status), ``by`` (the kind of shapes), ``territories``
    (index, name, rep, colour, accounts, potential, revenue, ``shape`` as a GeoJSON
    geometry and ``label`` [lon, lat]), ``accounts`` (columns: ``id``, ``name``,
    ``lat``, ``lon``, ``territory`` index or -1, ``potential``, ``revenue``, ``tier``,
    ``industry`` and ``status`` as codes into ``categories``, ``last_visit``), ``reps``
    (homes), ``heat`` (potential per grid cell), ``white_space``, ``counts``, ``bbox``.

    Raises
    ------
    TerritorialError
        Unknown scenario, no active alignment, or no located accounts.
    ValueError
        ``by`` not one of account, zip, county.
    """
    chosen = None if by is None else choice(UnitKind, by, "by")
    with uow:
        found = resolve_scenario(uow, scenario)
        # a limited manager sees their region only
        frame = region_frame(uow, _map_frame(uow, found, frame_stamp))
        last_visit: dict[str, str] = {}
        for visit in uow.visits.list():
            day = visit.date.isoformat()
            if day > last_visit.get(visit.account_external_id, ""):
                last_visit[visit.account_external_id] = day
    kind = chosen if chosen is not None else shape_kind_of(found.description)
    potential = frame.measure("potential")
    revenue = frame.measure("revenue")
    n_t = len(frame.labels)
    terr = np.asarray(frame.territory, dtype=np.int64)
    assigned = terr >= 0
    # a territory's totals count its accounts without a location too (not drawn)
    counts = frame.territory_totals("accounts")
    pot_t = frame.territory_totals("potential")
    rev_t = frame.territory_totals("revenue")
    entry = cached_shapes(uow.url, frame, kind) if shapes and n_t else None
    colors = entry.shapes.colors if entry else None
    territories = []
    for t, label in enumerate(frame.labels):
        rep = frame.rep_of(label)
        territories.append(
            {
                "index": t,
                "name": label,
                "rep": rep.name if rep else None,
                "rep_id": rep.external_id if rep else None,
                "color": territory_color(t, colors),
                "accounts": int(counts[t]),
                "potential": float(pot_t[t]),
                "revenue": float(rev_t[t]),
                "shape": entry.geojson[t] if entry else None,
                "label": _label(entry, t),
                "neighbours": sorted(entry.shapes.adjacency[t]) if entry else [],
            }
        )
    held: dict[str, list[int]] = {}
    for t, label in enumerate(frame.labels):
        rep_id = found.rep_of(label)
        if rep_id:
            held.setdefault(rep_id, []).append(t)
    reps: list[dict[str, Any]] = []
    for person in frame.reps.values():
        if person.home_latitude is None or person.home_longitude is None:
            continue
        reps.append(
            {
                "id": person.external_id,
                "name": person.name,
                "lat": round(person.home_latitude, 5),
                "lon": round(person.home_longitude, 5),
                "city": person.home_city,
                "state": person.home_state,
                "territories": held.get(person.external_id, []),
            }
        )
    accounts = frame.accounts
    tiers, tier_codes = _codes([a.tier for a in accounts])
    industries, industry_codes = _codes([a.industry for a in accounts])
    statuses, status_codes = _codes([a.status.value if a.status else None for a in accounts])
    n = len(accounts)
    return {
        "scenario": {"name": found.name, "status": found.status.value},
        "by": kind,
        "territories": territories,
        "accounts": {
            "id": [a.external_id for a in accounts],
            "name": [a.name for a in accounts],
            "city": [a.city for a in accounts],
            "state": [a.state for a in accounts],
            "lat": np.round(frame.lat, 5).tolist(),
            "lon": np.round(frame.lon, 5).tolist(),
            "territory": terr.tolist(),
            "potential": np.round(potential, 0).tolist(),
            "revenue": np.round(revenue, 0).tolist(),
            "tier": tier_codes,
            "industry": industry_codes,
            "status": status_codes,
            "last_visit": [last_visit.get(a.external_id) for a in accounts],
        },
        "categories": {"tier": tiers, "industry": industries, "status": statuses},
        "reps": reps,
        "heat": _heat(frame, potential),
        "white_space": _white_space(
            frame, potential, [r["lat"] for r in reps], [r["lon"] for r in reps]
        ),
        "counts": {
            "accounts": n,
            "unassigned": int(n - assigned.sum()),
            "unlocated": len(frame.unlocated),
            "reps": len(reps),
        },
        "unassigned_color": UNASSIGNED_COLOR,
        "shapes_seconds": round(entry.seconds, 3) if entry else None,
        "bbox": [
            float(frame.lon.min()),
            float(frame.lat.min()),
            float(frame.lon.max()),
            float(frame.lat.max()),
        ]
        if n
        else None,
    }


def _frame_stamp(uow: UnitOfWork) -> str:
    """A cheap fingerprint (SQL aggregates) of the part of a frame that is not the
    scenario: accounts, reps and sales. An edit leaves it alone, so the parsed accounts
    are reused (parsing 50,000 accounts takes seconds); an import or new sale changes it.
    """
    from sqlalchemy import func, select

    from territorial.storage import tables as tb

    f = func
    queries = [
        select(
            f.count(),
            f.max(tb.accounts.c.id),
            f.sum(tb.accounts.c.latitude),
            f.sum(tb.accounts.c.longitude),
            f.sum(tb.accounts.c.potential),
            f.sum(tb.accounts.c.annual_revenue),
            f.sum(f.length(tb.accounts.c.name)),
            f.sum(
                f.length(
                    f.coalesce(tb.accounts.c.tier, "")
                    + f.coalesce(tb.accounts.c.industry, "")
                    + f.coalesce(tb.accounts.c.status, "")
                )
            ),
        ),
        select(
            f.count(),
            f.sum(tb.reps.c.home_latitude),
            f.sum(tb.reps.c.home_longitude),
            f.sum(f.length(tb.reps.c.name)),
        ),
        select(f.count(), f.max(tb.sales.c.id), f.sum(tb.sales.c.amount)),
    ]
    conn = uow._conn  # read-only aggregates inside the caller's transaction
    assert conn is not None
    values = [tuple(conn.execute(q).one()) for q in queries]
    return hashlib.blake2b(repr(values).encode(), digest_size=16).hexdigest()


_frames: OrderedDict[tuple[str, str], ScenarioFrame] = OrderedDict()


def _map_frame(uow: UnitOfWork, scenario: Scenario, stamp: str | None = None) -> ScenarioFrame:
    """:func:`load_frame`, the accounts, reps and sales part kept in memory until they
    change (parsing 50,000 accounts takes seconds; after an edit only the assignment
    differs). Call inside ``with uow``."""
    key = (uow.url, stamp if stamp is not None else _frame_stamp(uow))
    with _cache_lock:
        base = _frames.get(key)
    if base is None:
        frame = load_frame(uow, scenario)
        with _cache_lock:
            _frames[key] = frame
            while len(_frames) > 2:
                _frames.popitem(last=False)
        return frame
    labels = leaf_labels(scenario)
    position = {name: i for i, name in enumerate(labels)}
    territory = np.array(
        [position.get(scenario.assignments.get(a.external_id, ""), -1) for a in base.accounts],
        dtype=np.int64,
    )
    return replace(base, scenario=scenario, labels=labels, territory=territory)


_payloads: OrderedDict[tuple[Hashable, ...], tuple[bytes, bytes]] = OrderedDict()


def scenario_map_json(
    uow: UnitOfWork, scenario: str | None = None, by: str | None = None, *, gzipped: bool = False
) -> bytes:
    """:func:`scenario_map` as JSON bytes (gzip-compressed if ``gzipped``), kept in memory
    until the data it reads changes (the scenario's rows or the common data: see
    :mod:`territorial.services.answers`) or the day does (the alignment in force may
    change overnight).

    At 50,000 accounts building the map takes seconds (loading the frame and its sales
    history, computing shapes) and compressing it about a second; answering from this
    cache takes one primary-key lookup (the data version).
    """
    # the versions first: the map read after them is never older than its key
    key = answer_key(uow, "map", (scenario or "", by or ""), OneScenario(scenario or None))
    with _cache_lock:
        hit = _payloads.get(key) if key is not None else None
        if key is not None and hit is not None:
            _payloads.move_to_end(key)
            return hit[1] if gzipped else hit[0]
    with uow:
        frame_stamp = _frame_stamp(uow)
    data = scenario_map(uow, scenario, by, frame_stamp=frame_stamp)
    raw = json.dumps(data, separators=(",", ":"), allow_nan=False, ensure_ascii=False).encode()
    packed = gzip.compress(raw, compresslevel=5, mtime=0)
    if key is not None:  # None: no such scenario when the versions were read
        with _cache_lock:
            _payloads[key] = (raw, packed)
            while len(_payloads) > _CACHE_SIZE // 2:
                _payloads.popitem(last=False)
    return packed if gzipped else raw


def state_outlines(path: Path | None = None, decimals: int = 2) -> dict[str, Any]:
    """US state outlines as a GeoJSON ``FeatureCollection`` (empty if the map is not built).

    Read from the ``us-atlas`` county map shipped with the package (no download);
    coordinates rounded to ``decimals`` (2 is about 1 km), repeated points dropped.
    """
    return _state_outlines(Path(path) if path is not None else DATA_FILE, decimals)


@cache
def _state_outlines(path: Path, decimals: int) -> dict[str, Any]:
    if not path.is_file():
        return {"type": "FeatureCollection", "features": [], "missing": str(path)}
    with path.open(encoding="utf-8") as handle:
        topology = Topology(json.load(handle))
    features = []
    for geometry in topology.geometries("states"):
        polygons = []
        for polygon in topology.polygons(geometry):
            rings = []
            for ring in polygon:
                points: list[list[float]] = []
                for lon, lat in ring.round(decimals).tolist():
                    if not points or points[-1] != [lon, lat]:
                        points.append([lon, lat])
                if len(points) >= 4:
                    rings.append(points)
            if rings:
                polygons.append(rings)
        if not polygons:
            continue
        features.append(
            {
                "type": "Feature",
                "id": geometry.id,
                "properties": {"name": geometry.properties.get("name")},
                "geometry": {"type": "MultiPolygon", "coordinates": polygons},
            }
        )
    return {"type": "FeatureCollection", "features": features}
