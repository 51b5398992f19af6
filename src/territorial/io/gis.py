"""GIS files of a territory map: GeoJSON, KML (Google Earth) and GeoPackage, in WGS 84.

A map is two layers: territories (a polygon or multipolygon with its metrics) and
accounts (a point with its territory). Writers take plain features and write all or
nothing (a temporary file beside the target, then renamed).
"""

from __future__ import annotations

import json
import os
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

__all__ = ["Feature", "GisMap", "write_geojson", "write_gpkg", "write_kml"]

Value = str | float | int | None
KML_NS = "http://www.opengis.net/kml/2.2"


@dataclass(frozen=True)
class Feature:
    """A geometry (GeoJSON mapping, lon/lat) with properties; ``geometry`` may be None."""

    geometry: dict[str, Any] | None
    properties: dict[str, Value]


@dataclass(frozen=True)
class GisMap:
    """The two layers of a scenario's map, and its name."""

    name: str
    territories: list[Feature]
    accounts: list[Feature]
    colors: dict[str, str]  # territory name -> "#rrggbb"


@contextmanager
def _atomic(path: Path) -> Iterator[Path]:
    """A temporary path in the target's folder, renamed onto ``path`` on success."""
    path = Path(path)
    fd, name = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    temp = Path(name)
    temp.unlink()
    try:
        yield temp
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


def _clean(value: Value) -> Value:
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value


def write_geojson(gis: GisMap, path: Path) -> int:
    """One RFC 7946 FeatureCollection: territories (``layer`` = ``territory``) first,
    then accounts (``layer`` = ``account``). Returns the number of features."""
    features = []
    for layer, items in (("territory", gis.territories), ("account", gis.accounts)):
        for f in items:
            props = {"layer": layer, **{k: _clean(v) for k, v in f.properties.items()}}
            features.append({"type": "Feature", "geometry": f.geometry, "properties": props})
    doc = {"type": "FeatureCollection", "name": gis.name, "features": features}
    with _atomic(path) as temp:
        temp.write_text(json.dumps(doc, ensure_ascii=False, allow_nan=False), encoding="utf-8")
    return len(features)


def _kml_color(hex_rgb: str, alpha: str) -> str:
    """``#rrggbb`` -> KML ``aabbggrr``."""
    rgb = hex_rgb.lstrip("#")
    return f"{alpha}{rgb[4:6]}{rgb[2:4]}{rgb[0:2]}".lower()


def _coords(ring: Sequence[Sequence[float]]) -> str:
    return " ".join(f"{x:.6f},{y:.6f}" for x, y, *_ in ring)


def _kml_polygons(parent: ET.Element, geometry: dict[str, Any]) -> None:
    polys = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    multi = ET.SubElement(parent, "MultiGeometry") if len(polys) > 1 else parent
    for rings in polys:
        poly = ET.SubElement(multi, "Polygon")
        for i, ring in enumerate(rings):
            boundary = ET.SubElement(poly, "outerBoundaryIs" if i == 0 else "innerBoundaryIs")
            linear = ET.SubElement(ET.SubElement(boundary, "LinearRing"), "coordinates")
            linear.text = _coords(ring)


def _extended(parent: ET.Element, props: dict[str, Value]) -> None:
    data = ET.SubElement(parent, "ExtendedData")
    for key, value in props.items():
        if value is None:
            continue
        item = ET.SubElement(data, "Data", name=key)
        ET.SubElement(item, "value").text = str(value)


def write_kml(gis: GisMap, path: Path) -> int:
    """KML 2.2 for Google Earth: a folder of territory polygons (filled with their map
    colour, metrics as ExtendedData) and a folder of account placemarks per territory.
    Returns the number of placemarks."""
    ET.register_namespace("", KML_NS)
    root = ET.Element(f"{{{KML_NS}}}kml")
    doc = ET.SubElement(root, "Document")
    ET.SubElement(doc, "name").text = gis.name
    style_of: dict[str, str] = {}
    for i, (name, color) in enumerate(sorted(gis.colors.items())):
        style_id = f"t{i}"
        style_of[name] = style_id
        style = ET.SubElement(doc, "Style", id=style_id)
        line = ET.SubElement(style, "LineStyle")
        ET.SubElement(line, "color").text = _kml_color(color, "ff")
        ET.SubElement(line, "width").text = "1.5"
        ET.SubElement(ET.SubElement(style, "PolyStyle"), "color").text = _kml_color(color, "66")
        icon = ET.SubElement(style, "IconStyle")
        ET.SubElement(icon, "color").text = _kml_color(color, "ff")
        ET.SubElement(icon, "scale").text = "0.6"
        ET.SubElement(
            ET.SubElement(icon, "Icon"), "href"
        ).text = "http://maps.google.com/mapfiles/kml/shapes/shaded_dot.png"
    count = 0
    folder = ET.SubElement(doc, "Folder")
    ET.SubElement(folder, "name").text = "Territories"
    for f in gis.territories:
        if f.geometry is None:
            continue
        name = str(f.properties.get("name", ""))
        mark = ET.SubElement(folder, "Placemark")
        ET.SubElement(mark, "name").text = name
        if name in style_of:
            ET.SubElement(mark, "styleUrl").text = f"#{style_of[name]}"
        _extended(mark, f.properties)
        _kml_polygons(mark, f.geometry)
        count += 1
    accounts = ET.SubElement(doc, "Folder")
    ET.SubElement(accounts, "name").text = "Accounts"
    by_territory: dict[str, list[Feature]] = {}
    for f in gis.accounts:
        by_territory.setdefault(str(f.properties.get("territory") or "Unassigned"), []).append(f)
    for territory in sorted(by_territory):
        sub = ET.SubElement(accounts, "Folder")
        ET.SubElement(sub, "name").text = territory
        for f in by_territory[territory]:
            if f.geometry is None:
                continue
            mark = ET.SubElement(sub, "Placemark")
            ET.SubElement(mark, "name").text = str(f.properties.get("name", ""))
            if territory in style_of:
                ET.SubElement(mark, "styleUrl").text = f"#{style_of[territory]}"
            _extended(mark, f.properties)
            x, y = f.geometry["coordinates"][:2]
            ET.SubElement(ET.SubElement(mark, "Point"), "coordinates").text = f"{x:.6f},{y:.6f}"
            count += 1
    ET.indent(root)
    with _atomic(path) as temp:
        ET.ElementTree(root).write(temp, encoding="UTF-8", xml_declaration=True)
    return count


def _column(values: list[Value]) -> np.ndarray:
    numbers = [v for v in values if v is not None]
    if numbers and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return np.array(values, dtype=np.int64)
    if numbers and all(isinstance(v, int | float) and not isinstance(v, bool) for v in numbers):
        return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)
    return np.array([None if v is None else str(v) for v in values], dtype=object)


def _layer(
    features: list[Feature], to_geom: Callable[[dict[str, Any]], BaseGeometry]
) -> tuple[np.ndarray, list[str], list[np.ndarray]]:
    kept = [f for f in features if f.geometry is not None]
    geoms = np.empty(len(kept), dtype=object)
    for i, f in enumerate(kept):
        assert f.geometry is not None
        geoms[i] = shapely.to_wkb(to_geom(f.geometry))
    names = list(dict.fromkeys(k for f in kept for k in f.properties))
    columns = [_column([f.properties.get(k) for f in kept]) for k in names]
    return geoms, names, columns


def _multipolygon(geometry: dict[str, Any]) -> BaseGeometry:
    geom = shape(geometry)
    return shapely.MultiPolygon([geom]) if geom.geom_type == "Polygon" else geom


def write_gpkg(gis: GisMap, path: Path) -> int:
    """A GeoPackage (OGC, through GDAL's writer in ``pyogrio``) with the layers
    ``territories`` (MultiPolygon) and ``accounts`` (Point), EPSG:4326. Returns the
    number of features."""
    from pyogrio.raw import write

    count = 0
    with _atomic(path) as temp:
        for layer, features, kind, to_geom in (
            ("territories", gis.territories, "MultiPolygon", _multipolygon),
            ("accounts", gis.accounts, "Point", shape),
        ):
            geoms, names, columns = _layer(features, to_geom)
            write(
                str(temp),
                geoms,
                columns,
                fields=names,
                layer=layer,
                driver="GPKG",
                geometry_type=kind,
                crs="EPSG:4326",
            )
            count += len(geoms)
    return count
