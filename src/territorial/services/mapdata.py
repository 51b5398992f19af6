"""Map data: a scenario's accounts and rep homes as GeoJSON, and the US state outlines.

The web map (and anything else that draws a scenario) reads these; nothing here knows
about HTTP. Colours follow the `simplestyle` convention (``marker-color``) so the
collection also renders coloured in other GeoJSON viewers.
"""

from __future__ import annotations

import colorsys
import json
from functools import cache
from pathlib import Path
from typing import Any

from territorial.geo.counties import DATA_FILE
from territorial.geo.topojson import Topology
from territorial.services.frame import load_frame
from territorial.services.scenarios import resolve_scenario
from territorial.storage import UnitOfWork

#: Distinct colours for territories (Trubetskoy's 20 distinct colours, strong ones first).
PALETTE: tuple[str, ...] = (
    "#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4", "#f032e6", "#469990",
    "#9a6324", "#800000", "#808000", "#000075", "#bfef45", "#ffe119", "#fabed4", "#dcbeff",
    "#ffd8b1", "#aaffc3", "#fffac8", "#000000",
)  # fmt: skip
UNASSIGNED_COLOR = "#9e9e9e"


def territory_color(index: int) -> str:
    """A colour for territory ``index`` (-1 = unassigned); beyond the palette, golden-angle hues."""
    if index < 0:
        return UNASSIGNED_COLOR
    if index < len(PALETTE):
        return PALETTE[index]
    hue = (index * 0.618033988749895) % 1.0
    r, g, b = colorsys.hls_to_rgb(hue, 0.45, 0.65)
    return f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"


def _point(lon: float, lat: float) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [round(lon, 5), round(lat, 5)]}


def scenario_map(uow: UnitOfWork, scenario: str | None = None) -> dict[str, Any]:
    """A GeoJSON ``FeatureCollection`` of ``scenario`` (default: the active alignment).

    Features are the located accounts (``kind: "account"``, coloured by territory) and
    the reps' home bases (``kind: "rep"``). Foreign members give what a legend needs:
    ``scenario`` (name, status), ``territories`` (index, name, rep, colour, accounts,
    potential, in frame order), ``counts`` and ``bbox``.

    Raises
    ------
    TerritorialError
        Unknown scenario, no active alignment, or no located accounts.
    """
    with uow:
        found = resolve_scenario(uow, scenario)
        frame = load_frame(uow, found)
    potential = frame.measure("potential")
    features: list[dict[str, Any]] = []
    counts = [0] * len(frame.labels)
    sums = [0.0] * len(frame.labels)
    for i, account in enumerate(frame.accounts):
        t = int(frame.territory[i])
        if t >= 0:
            counts[t] += 1
            sums[t] += float(potential[i])
        features.append(
            {
                "type": "Feature",
                "id": account.external_id,
                "geometry": _point(float(frame.lon[i]), float(frame.lat[i])),
                "properties": {
                    "kind": "account",
                    "id": account.external_id,
                    "name": account.name,
                    "city": account.city,
                    "state": account.state,
                    "potential": account.potential,
                    "territory": frame.labels[t] if t >= 0 else None,
                    "territory_index": t,
                    "marker-color": territory_color(t),
                },
            }
        )
    held: dict[str, list[int]] = {}
    for t, label in enumerate(frame.labels):
        rep_id = found.rep_of(label)
        if rep_id:
            held.setdefault(rep_id, []).append(t)
    reps_shown = 0
    for person in frame.reps.values():
        home_lat, home_lon = person.home_latitude, person.home_longitude
        if home_lat is None or home_lon is None:
            continue
        mine = held.get(person.external_id, [])
        reps_shown += 1
        features.append(
            {
                "type": "Feature",
                "id": f"rep:{person.external_id}",
                "geometry": _point(home_lon, home_lat),
                "properties": {
                    "kind": "rep",
                    "id": person.external_id,
                    "name": person.name,
                    "city": person.home_city,
                    "state": person.home_state,
                    "territories": [frame.labels[t] for t in mine],
                    "territory_index": mine[0] if mine else -1,
                    "marker-color": territory_color(mine[0] if mine else -1),
                },
            }
        )
    territories = []
    for t, label in enumerate(frame.labels):
        rep = frame.rep_of(label)
        territories.append(
            {
                "index": t,
                "name": label,
                "rep": rep.name if rep else None,
                "color": territory_color(t),
                "accounts": counts[t],
                "potential": sums[t],
            }
        )
    n = len(frame.accounts)
    bbox = (
        [
            float(frame.lon.min()),
            float(frame.lat.min()),
            float(frame.lon.max()),
            float(frame.lat.max()),
        ]
        if n
        else None
    )
    return {
        "type": "FeatureCollection",
        "scenario": {"name": found.name, "status": found.status.value},
        "territories": territories,
        "counts": {
            "accounts": n,
            "unassigned": n - sum(counts),
            "unlocated": len(frame.unlocated),
            "reps": reps_shown,
        },
        "unassigned_color": UNASSIGNED_COLOR,
        "bbox": bbox,
        "features": features,
    }


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
