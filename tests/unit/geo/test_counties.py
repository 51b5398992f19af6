"""County units on the real us-atlas map (built by `make install` into the package)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy.sparse import csgraph

from territorial.geo.counties import (
    DATA_FILE,
    CountyAtlas,
    CountyDataMissingError,
    build_county_units,
    counties_of_states,
    county_atlas,
    county_geojson,
)
from territorial.geo.topojson import points_in_rings
from territorial.geo.units import build_units, connect_components

ROOT = Path(__file__).resolve().parents[3]
NAN = float("nan")
CONUS = {"AL", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "ID", "IL", "IN", "IA",
         "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH",
         "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX",
         "UT", "VT", "VA", "WA", "WV", "WI", "WY"}


@pytest.fixture(scope="module")
def atlas() -> CountyAtlas:
    """The real map; required (a failure) once npm packages are installed."""
    if not DATA_FILE.is_file():
        if (ROOT / "node_modules" / "us-atlas").is_dir():
            pytest.fail(f"{DATA_FILE} missing: run `python scripts/build_assets.py`")
        pytest.skip("us-atlas not installed (run `make install`)")
    return county_atlas()


def test_missing_file_tells_to_run_make_install(tmp_path: Path) -> None:
    with pytest.raises(CountyDataMissingError, match="make install"):
        county_atlas(tmp_path / "counties-10m.json")


def test_middlesex_borders_suffolk_and_worcester(atlas: CountyAtlas) -> None:
    where = atlas.index()
    neighbours = {atlas.fips[k] for k in atlas.adjacency[where["25017"]].indices}
    assert {"25025", "25027"} <= neighbours
    assert "25019" not in neighbours  # Nantucket is an island
    assert atlas.names[where["25017"]] == "Middlesex County, MA"
    assert atlas.names[where["22071"]] == "Orleans Parish, LA"
    assert atlas.names[where["51760"]] == "Richmond city, VA"


def test_counties_per_state(atlas: CountyAtlas) -> None:
    assert len(counties_of_states(["MA"], atlas)) == 14
    assert len(atlas.fips) == 3231


def test_cambridge_account_lands_in_middlesex(atlas: CountyAtlas) -> None:
    units = build_units(np.array([42.373, 42.3601]), np.array([-71.11, -71.0589]),
                        [None, None], ["MA", "MA"], by="county")
    assert units.kind == "county"
    assert [units.ids[k] for k in units.unit_of_account] == ["25017", "25025"]
    assert len(units.ids) == 14  # every MA county is a unit
    assert (units.adjacency != units.adjacency.T).nnz == 0
    assert csgraph.connected_components(units.adjacency)[0] == 1
    assert units.bridges == 1  # Nantucket, an island (Dukes touches Barnstable in the map)
    k = units.ids.index("25017")
    assert (units.lat[k], units.lon[k]) == pytest.approx((42.49, -71.39), abs=0.05)


def test_offshore_points_snap_and_missing_coordinates_use_zip(atlas: CountyAtlas) -> None:
    lat = np.array([42.36, NAN, NAN, 42.0])
    lon = np.array([-70.96, NAN, NAN, -40.0])  # Boston harbour; no coords x2; mid-Atlantic
    units = build_county_units(lat, lon, [None, "02139", None, None], ["MA", None, None, None],
                               atlas=atlas)
    assert units.ids[units.unit_of_account[0]] in {"25025", "25021", "25023"}
    assert units.ids[units.unit_of_account[1]] == "25017"
    assert units.unit_of_account[2:].tolist() == [-1, -1]
    assert dict(units.unplaced)[2] == "no coordinates and no known ZIP"
    assert "outside every county" in dict(units.unplaced)[3]
    assert "ZIP 02139 centroid" in dict(units.notes)[1]


def test_only_used_counties_when_asked(atlas: CountyAtlas) -> None:
    units = build_county_units(np.array([42.373, 40.75]), np.array([-71.11, -73.99]),
                               [None, None], [None, None], include_empty=False, atlas=atlas)
    assert units.ids == ["25017", "36061"]
    assert units.adjacency.nnz == 2  # one bridge both ways


def test_contiguous_states_graph_connected_after_island_linking(atlas: CountyAtlas) -> None:
    chosen = np.array([k for k, s in enumerate(atlas.states) if s in CONUS])
    sub = atlas.adjacency[chosen][:, chosen]
    raw_components = csgraph.connected_components(sub, directed=False)[0]
    assert raw_components > 1  # islands exist
    linked, bridges = connect_components(sub, atlas.lat[chosen], atlas.lon[chosen])
    assert csgraph.connected_components(linked, directed=False)[0] == 1
    assert bridges.shape[0] == raw_components - 1
    assert (linked != linked.T).nnz == 0
    # the same through build_units, one account in each state's first county
    first = {}
    for k in chosen:
        first.setdefault(atlas.states[k], k)
    rows = np.array(sorted(first.values()))
    units = build_units(atlas.lat[rows], atlas.lon[rows], [None] * len(rows),
                        [atlas.states[k] for k in rows], by="county")
    assert len(units.ids) == len(chosen)
    assert csgraph.connected_components(units.adjacency)[0] == 1


def test_county_geojson(atlas: CountyAtlas) -> None:
    collection = county_geojson(["25017", "25025"], atlas)
    assert collection["type"] == "FeatureCollection"
    middlesex = collection["features"][0]
    assert middlesex["id"] == "25017"
    assert middlesex["properties"]["name"] == "Middlesex County, MA"
    geom = middlesex["geometry"]
    rings = [np.asarray(r) for r in (geom["coordinates"] if geom["type"] == "Polygon"
                                     else [r for p in geom["coordinates"] for r in p])]
    assert points_in_rings(np.array([-71.11]), np.array([42.373]), rings).tolist() == [True]
    with pytest.raises(KeyError):
        county_geojson(["99999"], atlas)


def test_no_accounts_gives_no_county_units(atlas: CountyAtlas) -> None:
    units = build_county_units(np.empty(0), np.empty(0), [], [], atlas=atlas)
    assert units.ids == []
    assert units.adjacency.shape == (0, 0)
