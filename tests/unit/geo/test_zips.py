"""ZIP units."""

from __future__ import annotations

import numpy as np
import pytest
import zipcodes
from scipy.sparse import csgraph

from territorial.geo.builder import build_units
from territorial.geo.geodesy import haversine_km
from territorial.geo.zips import normalize_zip, zip_index

NAN = float("nan")


def _centroid(code: str) -> tuple[float, float]:
    row = zipcodes.matching(code)[0]
    return float(row["lat"]), float(row["long"])


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("02139", "02139"),
        ("2139", "02139"),
        ("02139-4307", "02139"),
        (" 10001 ", "10001"),
        (2139, "02139"),
        (2139.0, "02139"),
        ("021394307", "02139"),
        ("21394307", "02139"),
        ("abc", None),
        (None, None),
        (NAN, None),
        ("", None),
    ],
)
def test_normalize_zip(raw: object, expected: str | None) -> None:
    assert normalize_zip(raw) == expected


def test_three_zips_give_three_units_with_their_centroids() -> None:
    zips = ["02139", "10001", "2139", "60601-1234", "10001"]
    units = build_units(np.full(5, NAN), np.full(5, NAN), zips, ["MA"] * 5, by="zip")
    assert units.kind == "zip"
    assert units.ids == ["02139", "10001", "60601"]
    assert units.names[0] == "02139 Cambridge, MA"
    for k, code in enumerate(units.ids):
        assert (units.lat[k], units.lon[k]) == pytest.approx(_centroid(code))
    assert units.unit_of_account.tolist() == [0, 1, 0, 2, 1]
    assert units.account_counts().tolist() == [2, 2, 1]
    adj = units.adjacency
    assert adj.shape == (3, 3)
    assert (adj != adj.T).nnz == 0
    assert csgraph.connected_components(adj)[0] == 1
    assert not units.unplaced


def test_account_without_zip_goes_to_nearest_zip() -> None:
    lat0, lon0 = _centroid("02139")
    lat = np.array([lat0 + 0.001, NAN, 40.0])
    lon = np.array([lon0 - 0.001, NAN, -30.0])  # the last is mid-Atlantic
    units = build_units(lat, lon, [None, None, ""], [None] * 3, by="zip")
    index = zip_index()
    found, _ = index.nearest(lat[:1], lon[:1])
    assert found == ["02139"]
    assert units.ids == ["02139"]
    assert units.unit_of_account.tolist() == [0, -1, -1]
    reasons = dict(units.unplaced)
    assert reasons[1] == "no ZIP and no coordinates"
    assert "km away" in reasons[2]
    assert "nearest ZIP 02139" in dict(units.notes)[0]


def test_nearest_zip_is_truly_nearest_among_standard_zips() -> None:
    index = zip_index()
    lat, lon = np.array([41.8781]), np.array([-87.6298])  # Chicago Loop
    found, dist = index.nearest(lat, lon)
    codes = index.standard
    all_lat = np.array([index.places[c][0] for c in codes])
    all_lon = np.array([index.places[c][1] for c in codes])
    brute = haversine_km(lat[0], lon[0], all_lat, all_lon)
    assert found[0] == codes[int(np.argmin(brute))]
    assert dist[0] == pytest.approx(brute.min(), abs=1e-6)


def test_unknown_zip_falls_back_to_coordinates_or_is_unplaced() -> None:
    lat0, lon0 = _centroid("10001")
    units = build_units(
        np.array([lat0, NAN]), np.array([lon0, NAN]), ["99999", "99999"], [None, None], by="zip"
    )
    assert units.unit_of_account.tolist() == [0, -1]
    assert "unknown ZIP 99999" in dict(units.notes)[0]
    assert dict(units.unplaced)[1] == "unknown ZIP 99999 and no coordinates"


def test_far_zips_are_still_connected() -> None:
    zips = ["02139", "02140", "02141", "96813", "99501", "33101"]  # + Honolulu, Anchorage, Miami
    units = build_units(
        np.full(6, NAN), np.full(6, NAN), zips, [None] * 6, by="zip", max_edge_km=50
    )
    assert csgraph.connected_components(units.adjacency)[0] == 1
    assert units.bridges >= 3


def test_no_long_edge_across_the_sea() -> None:
    """The Delaunay hull joins Wilmington, NC to Jupiter, FL across the Atlantic; a
    contiguous territory must not jump along it.  The inland chain keeps the graph whole."""
    zips = ["28401", "33477", "29201", "30303", "32801"]  # + Columbia, Atlanta, Orlando
    units = build_units(np.full(5, NAN), np.full(5, NAN), zips, [None] * 5, by="zip")
    wilmington, jupiter = units.ids.index("28401"), units.ids.index("33477")
    assert units.adjacency[wilmington, jupiter] == 0
    assert csgraph.connected_components(units.adjacency)[0] == 1
    assert units.bridges == 0


def test_nan_zip_counts_as_missing() -> None:
    units = build_units(
        np.array([NAN]),
        np.array([NAN]),
        [NAN],
        [None],  # type: ignore[list-item]
        by="zip",
    )
    assert units.unplaced == [(0, "no ZIP and no coordinates")]


def test_account_stays_in_its_zip_with_a_note_when_its_coordinates_are_far() -> None:
    lat0, lon0 = _centroid("02139")
    lat = np.array([lat0 + 0.01, 41.8781])  # near Cambridge; in Chicago with a Cambridge ZIP
    lon = np.array([lon0, -87.6298])
    units = build_units(lat, lon, ["02139", "02139"], [None, None], by="zip")
    assert units.ids == ["02139"]
    assert units.unit_of_account.tolist() == [0, 0]
    notes = dict(units.notes)
    assert 0 not in notes
    assert "km from the centroid of its ZIP 02139" in notes[1]
    # the unit's centroid is the ZIP centroid, not the mean of its accounts
    assert (units.lat[0], units.lon[0]) == pytest.approx((lat0, lon0))
