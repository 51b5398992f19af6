"""County units on the real us-atlas map (built by `make install` into the package)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import sparse
from scipy.sparse import csgraph

from territorial.geo.builder import build_units
from territorial.geo.counties import (
    DATA_FILE,
    CountyAtlas,
    CountyDataMissingError,
    build_county_units,
    counties_of_states,
    county_atlas,
    county_geojson,
)
from territorial.geo.graph import connect_components
from territorial.geo.topojson import points_in_rings

ROOT = Path(__file__).resolve().parents[3]
NAN = float("nan")
CONUS = {
    "AL",
    "AZ",
    "AR",
    "CA",
    "CO",
    "CT",
    "DE",
    "DC",
    "FL",
    "GA",
    "ID",
    "IL",
    "IN",
    "IA",
    "KS",
    "KY",
    "LA",
    "ME",
    "MD",
    "MA",
    "MI",
    "MN",
    "MS",
    "MO",
    "MT",
    "NE",
    "NV",
    "NH",
    "NJ",
    "NM",
    "NY",
    "NC",
    "ND",
    "OH",
    "OK",
    "OR",
    "PA",
    "RI",
    "SC",
    "SD",
    "TN",
    "TX",
    "UT",
    "VT",
    "VA",
    "WA",
    "WV",
    "WI",
    "WY",
}


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
    units = build_units(
        np.array([42.373, 42.3601]),
        np.array([-71.11, -71.0589]),
        [None, None],
        ["MA", "MA"],
        by="county",
    )
    assert units.kind == "county"
    assert units.ids == ["25017", "25025"]  # only the counties holding accounts
    assert [units.ids[k] for k in units.unit_of_account] == ["25017", "25025"]
    assert units.adjacency.toarray().tolist() == [[False, True], [True, False]]
    assert units.bridges == 0
    k = units.ids.index("25017")
    assert (units.lat[k], units.lon[k]) == pytest.approx((42.49, -71.39), abs=0.05)
    # the 14 MA counties are all drawn, with one of the two units
    assert units.county_ids == counties_of_states(["MA"], atlas)
    fill = units.fill_counties(["North", "Boston"])
    assert len(fill) == 14
    assert fill["25017"] == "North" and fill["25025"] == "Boston"
    assert fill["25003"] == "North"  # Berkshire, far west, is nearer to Middlesex
    assert fill["25019"] in {"North", "Boston"}  # Nantucket: no land path, nearest centroid


def test_offshore_points_snap_and_missing_coordinates_use_zip(atlas: CountyAtlas) -> None:
    lat = np.array([42.36, NAN, NAN, 42.0])
    lon = np.array([-70.96, NAN, NAN, -40.0])  # Boston harbour; no coords x2; mid-Atlantic
    units = build_county_units(
        lat, lon, [None, "02139", None, None], ["MA", None, None, None], atlas=atlas
    )
    assert units.ids[units.unit_of_account[0]] in {"25025", "25021", "25023"}
    assert units.ids[units.unit_of_account[1]] == "25017"
    assert units.unit_of_account[2:].tolist() == [-1, -1]
    assert dict(units.unplaced)[2] == "no coordinates and no known ZIP"
    assert "outside every county" in dict(units.unplaced)[3]
    assert "ZIP 02139 centroid" in dict(units.notes)[1]


def test_counties_with_accounts_linked_through_empty_ones(atlas: CountyAtlas) -> None:
    # Cambridge MA and Manhattan: not neighbours, but the empty counties between them
    # (western MA, upstate NY) are drawn with one or the other, and those regions touch
    units = build_county_units(
        np.array([42.373, 40.75]),
        np.array([-71.11, -73.99]),
        [None, None],
        [None, None],
        atlas=atlas,
    )
    assert units.ids == ["25017", "36061"]
    assert units.adjacency.nnz == 2
    assert units.bridges == 0
    assert len(units.county_ids) == 14 + 62
    assert sorted(set(units.county_unit.tolist())) == [0, 1]


def test_empty_plains_give_a_sparse_graph(atlas: CountyAtlas) -> None:
    # one account in every county on the edge of Kansas and Nebraska, none inside: linking
    # all the counties bordering the empty middle would be near-complete
    chosen = np.array([k for k, s in enumerate(atlas.states) if s in {"KS", "NE"}])
    sub = atlas.adjacency[chosen][:, chosen]
    outside = np.array([k for k, s in enumerate(atlas.states) if s not in {"KS", "NE"}])
    rim = chosen[np.asarray(atlas.adjacency[chosen][:, outside].sum(axis=1)).ravel() > 0]
    units = build_county_units(
        atlas.lat[rim],
        atlas.lon[rim],
        [None] * len(rim),
        [atlas.states[k] for k in rim],
        atlas=atlas,
    )
    k = units.n_units
    assert k == len(rim) and k > 40
    assert len(units.county_ids) == len(chosen) and sub.nnz // 2 > 3 * k
    assert units.adjacency.nnz // 2 <= 3 * k - 6  # planar, not k (k - 1) / 2
    assert csgraph.connected_components(units.adjacency)[0] == 1


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
    units = build_units(
        atlas.lat[rows],
        atlas.lon[rows],
        [None] * len(rows),
        [atlas.states[k] for k in rows],
        by="county",
    )
    assert units.ids == [atlas.fips[k] for k in rows]
    assert len(units.county_ids) == len(chosen)
    assert csgraph.connected_components(units.adjacency)[0] == 1
    assert units.bridges == 0  # the mainland links every state; empty islands link nothing


def test_county_geojson(atlas: CountyAtlas) -> None:
    collection = county_geojson(["25017", "25025"], atlas)
    assert collection["type"] == "FeatureCollection"
    middlesex = collection["features"][0]
    assert middlesex["id"] == "25017"
    assert middlesex["properties"]["name"] == "Middlesex County, MA"
    geom = middlesex["geometry"]
    rings = [
        np.asarray(r)
        for r in (
            geom["coordinates"]
            if geom["type"] == "Polygon"
            else [r for p in geom["coordinates"] for r in p]
        )
    ]
    assert points_in_rings(np.array([-71.11]), np.array([42.373]), rings).tolist() == [True]
    with pytest.raises(KeyError):
        county_geojson(["99999"], atlas)


def test_no_accounts_gives_no_county_units(atlas: CountyAtlas) -> None:
    units = build_county_units(np.empty(0), np.empty(0), [], [], atlas=atlas)
    assert units.ids == []
    assert units.adjacency.shape == (0, 0)
    assert units.county_ids == []
    assert units.fill_counties([]) == {}


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(st.floats(40.5, 45.0), st.floats(-79.7, -70.0)),  # NY, New England
        min_size=1,
        max_size=40,
    )
)
def test_county_units_on_random_accounts(
    atlas: CountyAtlas, points: list[tuple[float, float]]
) -> None:
    lat = np.array([p[0] for p in points])
    lon = np.array([p[1] for p in points])
    units = build_county_units(lat, lon, [None] * len(points), [None] * len(points), atlas=atlas)
    where = atlas.index()
    county = np.array([where[f] for f in units.ids], dtype=np.int64)
    # only counties holding accounts, each account in the county that contains it
    assert (units.account_counts() > 0).all()
    snapped = {i for i, note in units.notes if "snapped" in note}
    for i, u in enumerate(units.unit_of_account.tolist()):
        if u < 0 or i in snapped:
            continue
        rings = [
            ring for poly in atlas.topology.polygons(atlas.geometries[county[u]]) for ring in poly
        ]
        assert points_in_rings(lon[i : i + 1], lat[i : i + 1], rings).tolist() == [True]
    if not units.n_units:
        return
    adj = units.adjacency
    assert (adj != adj.T).nnz == 0 and adj.diagonal().sum() == 0
    assert csgraph.connected_components(adj)[0] == 1
    # counties sharing a border are adjacent
    border = atlas.adjacency[county][:, county]
    assert (border.astype(bool) > adj).nnz == 0
    # every county of the states involved is drawn with a unit; a unit with itself
    states = {atlas.states[c] for c in county.tolist()}
    assert units.county_ids == counties_of_states(states, atlas)
    fill = units.fill_counties(list(range(units.n_units)))
    assert set(fill) == set(units.county_ids)
    assert all(fill[f] == k for k, f in enumerate(units.ids))
    # apart from bridges, units are adjacent exactly when their regions share a border
    region = np.array([where[f] for f in units.county_ids])
    sub = atlas.adjacency[region][:, region].tocoo()
    owner = units.county_unit
    touching = {
        (min(a, b), max(a, b))
        for a, b in zip(owner[sub.row].tolist(), owner[sub.col].tolist(), strict=True)
        if a != b
    }
    links = set(zip(*sparse.triu(adj, 1).nonzero(), strict=True))
    links = {(int(a), int(b)) for a, b in links}
    assert touching <= links and len(links - touching) <= units.bridges
    # each unit's region is one piece (the empty islands no unit reaches over land apart)
    _, piece = csgraph.connected_components(atlas.adjacency[region][:, region])
    keep = np.searchsorted(region, county)
    landed = np.isin(piece, piece[keep])
    for u in range(units.n_units):
        members = np.flatnonzero((owner == u) & landed)
        assert keep[u] in members
        assert csgraph.connected_components(sub.tocsr()[members][:, members])[0] == 1
