"""GIS exports: a scenario's territories (with metrics) and accounts as GeoJSON, KML or
GeoPackage, from the same shapes the web map draws."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from territorial.domain import TerritorialError
from territorial.io.gis import Feature, GisMap, write_geojson, write_gpkg, write_kml
from territorial.services.assess import assess_scenario
from territorial.services.mapdata import scenario_map
from territorial.services.region import require_whole_company
from territorial.storage import UnitOfWork

__all__ = ["GIS_FORMATS", "GisExport", "export_gis", "gis_map"]

GIS_FORMATS: dict[str, str] = {"geojson": ".geojson", "kml": ".kml", "gpkg": ".gpkg"}
_WRITERS = {"geojson": write_geojson, "kml": write_kml, "gpkg": write_gpkg}


@dataclass
class GisExport:
    format: str
    scenario: str
    path: Path
    territories: int
    accounts: int


def _pct(x: float) -> float:
    return round(100.0 * x, 2)


def gis_map(uow: UnitOfWork, scenario: str | None = None, by: str | None = None) -> GisMap:
    """The two layers of ``scenario``'s map (default: the active alignment).

    Territory properties: name, rep, rep_id, colour, accounts, potential, revenue,
    workload_hours, the deviation from the mean in percent of accounts, potential,
    revenue and workload, and the mean distance of its accounts from its centre (km).
    Account properties: id, name, city, state, territory, rep, potential, revenue, tier.
    """
    data = scenario_map(uow, scenario, by)
    found = data["scenario"]["name"]
    rows = {r.label: r for r in assess_scenario(uow, found).assessment.territories}
    territories: list[Feature] = []
    colors: dict[str, str] = {}
    for t in data["territories"]:
        row = rows.get(t["name"])
        props: dict[str, str | float | int | None] = {
            "name": t["name"],
            "rep": t["rep"],
            "rep_id": t["rep_id"],
            "color": t["color"],
            "accounts": t["accounts"],
            "potential": round(t["potential"], 2),
            "revenue": round(t["revenue"], 2),
        }
        if row is not None:
            props["workload_hours"] = round(row.workload_hours, 1)
            for m in ("accounts", "potential", "revenue", "workload"):
                if m in row.deviation:
                    props[f"{m}_deviation_pct"] = _pct(row.deviation[m])
            props["mean_km_to_centre"] = round(row.mean_km_to_centre, 2)
        territories.append(Feature(t["shape"], props))
        colors[t["name"]] = t["color"]
    cols = data["accounts"]
    tiers = data["categories"]["tier"]
    names = [t["name"] for t in data["territories"]]
    reps = [t["rep"] for t in data["territories"]]
    accounts = []
    for i, ext in enumerate(cols["id"]):
        t = cols["territory"][i]
        tier = cols["tier"][i]
        accounts.append(
            Feature(
                {"type": "Point", "coordinates": [cols["lon"][i], cols["lat"][i]]},
                {
                    "id": ext,
                    "name": cols["name"][i],
                    "city": cols["city"][i],
                    "state": cols["state"][i],
                    "territory": names[t] if t >= 0 else None,
                    "rep": reps[t] if t >= 0 else None,
                    "potential": cols["potential"][i],
                    "revenue": cols["revenue"][i],
                    "tier": tiers[tier] if tier >= 0 else None,
                },
            )
        )
    return GisMap(found, territories, accounts, colors)


def export_gis(
    uow: UnitOfWork, fmt: str, output: Path, scenario: str | None = None, by: str | None = None
) -> GisExport:
    """Write ``scenario``'s map as ``fmt`` (geojson, kml, gpkg) to ``output`` (a file, or
    a folder to put ``<scenario>.<ext>`` in)."""
    if fmt not in _WRITERS:
        raise TerritorialError(f"unknown map format {fmt!r}; one of {', '.join(_WRITERS)}")
    require_whole_company(f"the {fmt} map")
    gis = gis_map(uow, scenario, by)
    output = Path(output)
    if output.is_dir():
        safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in gis.name) or "map"
        output = output / f"{safe}{GIS_FORMATS[fmt]}"
    if not output.parent.is_dir():
        raise TerritorialError(f"no such folder: {output.parent}")
    _WRITERS[fmt](gis, output)
    return GisExport(
        fmt, gis.name, output, sum(1 for f in gis.territories if f.geometry), len(gis.accounts)
    )
