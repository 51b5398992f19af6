"""GIS exports read back: GeoJSON, KML (xml.etree) and GeoPackage (GDAL via pyogrio)."""

from __future__ import annotations

import json
import sqlite3
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pyogrio
import pytest
import shapely
from shapely.geometry import shape

from territorial.domain import TerritorialError
from territorial.services.gis_export import export_gis
from territorial.storage import UnitOfWork

NS = {"k": "http://www.opengis.net/kml/2.2"}


def _accounts(uow: UnitOfWork) -> dict[str, tuple[float, float, str]]:
    with uow:
        scenario = uow.scenarios.get("Realigned")
        assert scenario is not None
        return {
            a.external_id: (
                a.longitude or 0.0,
                a.latitude or 0.0,
                scenario.assignments[a.external_id],
            )
            for a in uow.accounts.list()
        }


def test_geojson_layers_metrics_and_points(crm_ws: UnitOfWork, tmp_path: Path) -> None:
    report = export_gis(crm_ws, "geojson", tmp_path, "Realigned")
    assert report.path == tmp_path / "Realigned.geojson"
    doc = json.loads(report.path.read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection"
    terr = [f for f in doc["features"] if f["properties"]["layer"] == "territory"]
    accts = [f for f in doc["features"] if f["properties"]["layer"] == "account"]
    truth = _accounts(crm_ws)
    assert sorted(f["properties"]["id"] for f in accts) == sorted(truth)
    for f in accts:
        lon, lat, territory = truth[f["properties"]["id"]]
        assert f["geometry"]["coordinates"] == pytest.approx([lon, lat], abs=1e-5)
        assert f["properties"]["territory"] == territory
    by_name = {f["properties"]["name"]: f for f in terr}
    used = {t for *_, t in truth.values()}
    assert used <= set(by_name)
    for name in used:
        props = by_name[name]["properties"]
        members = [a for a, (*_, t) in truth.items() if t == name]
        assert props["accounts"] == len(members)
        assert props["workload_hours"] > 0 and "potential_deviation_pct" in props
        poly = shape(by_name[name]["geometry"])
        assert poly.is_valid and poly.geom_type in ("Polygon", "MultiPolygon")
        # every account lies in (or within ~1 km of, after simplification) its territory
        for a in members:
            assert poly.distance(shapely.Point(truth[a][:2])) < 0.02
    assert all(
        -180 <= x <= 180 and -90 <= y <= 90
        for f in terr
        if f["geometry"]
        for x, y in shapely.get_coordinates(shape(f["geometry"])).tolist()
    )


def test_kml_parses_with_coordinates_and_styles(crm_ws: UnitOfWork, tmp_path: Path) -> None:
    path = tmp_path / "map.kml"
    export_gis(crm_ws, "kml", path, "Realigned")
    root = ET.parse(path).getroot()
    assert root.tag == "{http://www.opengis.net/kml/2.2}kml"
    folders = root.findall("k:Document/k:Folder", NS)
    assert [f.findtext("k:name", namespaces=NS) for f in folders] == ["Territories", "Accounts"]
    styles = {s.get("id") for s in root.findall("k:Document/k:Style", NS)}
    polygons = folders[0].findall("k:Placemark", NS)
    assert polygons and all(p.findtext("k:styleUrl", namespaces=NS)[1:] in styles for p in polygons)
    for p in polygons:
        rings = p.findall(".//k:outerBoundaryIs/k:LinearRing/k:coordinates", NS)
        assert rings
        for ring in rings:
            points = [tuple(map(float, c.split(","))) for c in ring.text.split()]
            assert len(points) >= 4 and points[0] == points[-1]
    truth = _accounts(crm_ws)
    marks = folders[1].findall(".//k:Placemark", NS)
    assert len(marks) == len(truth)
    for m in marks:
        data = {
            d.get("name"): d.findtext("k:value", namespaces=NS)
            for d in m.findall("k:ExtendedData/k:Data", NS)
        }
        lon, lat = map(float, m.findtext("k:Point/k:coordinates", namespaces=NS).split(","))
        want = truth[data["id"]]
        assert (lon, lat) == pytest.approx(want[:2], abs=1e-5) and data["territory"] == want[2]


def test_geopackage_reads_back(crm_ws: UnitOfWork, tmp_path: Path) -> None:
    path = tmp_path / "map.gpkg"
    export_gis(crm_ws, "gpkg", path, "Realigned")
    with sqlite3.connect(path) as conn:  # a GeoPackage is SQLite with the OGC tables
        assert conn.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47  # "GPKG"
        srs = conn.execute("SELECT DISTINCT srs_id FROM gpkg_geometry_columns").fetchall()
        assert srs == [(4326,)]
    layers = {name: kind for name, kind in pyogrio.list_layers(path)}
    assert layers == {"territories": "MultiPolygon", "accounts": "Point"}
    meta, _, geoms, fields = pyogrio.raw.read(path, layer="accounts")
    assert meta["crs"] == "EPSG:4326"
    columns = dict(zip(meta["fields"].tolist(), fields, strict=True))
    truth = _accounts(crm_ws)
    for ext, territory, wkb in zip(columns["id"], columns["territory"], geoms, strict=True):
        point = shapely.from_wkb(wkb)
        assert (point.x, point.y) == pytest.approx(truth[ext][:2], abs=1e-5)
        assert territory == truth[ext][2]
    meta, _, geoms, fields = pyogrio.raw.read(path, layer="territories")
    columns = dict(zip(meta["fields"].tolist(), fields, strict=True))
    counts = dict(zip(columns["name"].tolist(), columns["accounts"].tolist(), strict=True))
    assert {n: c for n, c in counts.items() if c} == Counter(t for *_, t in truth.values())
    assert columns["accounts"].dtype.kind == "i"
    assert all(shapely.from_wkb(g).is_valid for g in geoms)


def test_gis_unknown_folder_is_refused(crm_ws: UnitOfWork, tmp_path: Path) -> None:
    with pytest.raises(TerritorialError, match="no such folder"):
        export_gis(crm_ws, "kml", tmp_path / "nope" / "x.kml", "Realigned")
