"""Compactness and contiguity."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from territorial.geo.geodesy import haversine_matrix
from territorial.metrics.compactness import compactness, diameter_km
from territorial.metrics.contiguity import delaunay_adjacency, territory_components

KM_PER_DEGREE = 6371.0088 * math.pi / 180.0  # one degree of a great circle


def brute_diameter(lat: list[float], lon: list[float]) -> float:
    if len(lat) < 2:
        return 0.0
    return float(haversine_matrix(lat, lon, lat, lon).max())


def test_diameter_small_cases() -> None:
    assert diameter_km([], []) == 0.0
    assert diameter_km([1.0], [2.0]) == 0.0
    assert diameter_km([1.0, 1.0], [2.0, 2.0]) == 0.0
    assert diameter_km([0, 0], [0, 2]) == pytest.approx(2 * KM_PER_DEGREE)
    # collinear points (qhull cannot build a hull)
    assert diameter_km([0, 0, 0, 0], [0, 1, 3, 2]) == pytest.approx(3 * KM_PER_DEGREE)


def test_compactness_hand_computed() -> None:
    c = compactness([0, 0, 0, 0, 5], [0, 2, 10, 12, 0], [0, 0, 1, 1, -1], 3)
    np.testing.assert_allclose(c.centre_lat[:2], [0, 0], atol=1e-12)
    np.testing.assert_allclose(c.centre_lon[:2], [1, 11])
    np.testing.assert_allclose(c.mean_km[:2], [KM_PER_DEGREE, KM_PER_DEGREE])
    np.testing.assert_allclose(c.max_km[:2], [KM_PER_DEGREE, KM_PER_DEGREE])
    np.testing.assert_allclose(c.diameter_km[:2], [2 * KM_PER_DEGREE, 2 * KM_PER_DEGREE])
    assert np.isnan(c.diameter_km[2])  # empty territory


points = st.lists(st.tuples(st.floats(-80, 80), st.floats(-180, 180)), min_size=0, max_size=60)
regional = st.lists(st.tuples(st.floats(30, 34), st.floats(-100, -95)), min_size=1, max_size=60)


@settings(max_examples=150, deadline=None)
@given(points)
def test_diameter_equals_brute_force(pts: list[tuple[float, float]]) -> None:
    lat = [p[0] for p in pts]
    lon = [p[1] for p in pts]
    assert diameter_km(lat, lon) == pytest.approx(brute_diameter(lat, lon), rel=1e-9, abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(regional, st.data())
def test_diameter_equals_brute_force_with_duplicates_and_lines(
    pts: list[tuple[float, float]], data: st.DataObject
) -> None:
    lat = [p[0] for p in pts] + [pts[0][0]] * 3  # duplicates
    lon = [p[1] for p in pts] + [pts[0][1]] * 3
    if data.draw(st.booleans()):
        lat = [31.0] * len(lat)  # all on one parallel
    assert diameter_km(lat, lon) == pytest.approx(brute_diameter(lat, lon), rel=1e-9, abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(regional)
def test_diameter_at_least_max_distance_to_centre(pts: list[tuple[float, float]]) -> None:
    lat = [p[0] for p in pts]
    lon = [p[1] for p in pts]
    c = compactness(lat, lon, [0] * len(pts), 1)
    assert c.diameter_km[0] >= c.max_km[0] * (1 - 1e-9) - 1e-9
    assert c.max_km[0] >= c.mean_km[0] - 1e-9


def test_diameter_many_points_matches_brute_force() -> None:
    rng = np.random.default_rng(7)
    lat = rng.normal(40, 1.0, 3000)
    lon = rng.normal(-90, 1.5, 3000)
    assert diameter_km(lat, lon) == pytest.approx(brute_diameter(list(lat), list(lon)))


def test_components_hand_computed() -> None:
    # path 0-1-2-3; territory 0 = {0, 2} is split by account 1 of territory 1
    adj = np.zeros((4, 4), dtype=np.int8)
    for a, b in ((0, 1), (1, 2), (2, 3)):
        adj[a, b] = 1  # one direction only: direction is ignored
    comp = territory_components(adj, [0, 1, 0, 2], 4)
    assert list(comp) == [2, 1, 1, 0]
    comp = territory_components(adj, [0, 0, -1, 1], 2)
    assert list(comp) == [1, 1]


def test_delaunay_adjacency() -> None:
    square = delaunay_adjacency([0, 0, 1, 1], [0, 1, 0, 1]).toarray()
    assert (square == square.T).all()
    assert square.sum() == 2 * 5  # four sides and one diagonal
    dup = delaunay_adjacency([0, 0, 1, 0], [0, 1, 0, 0]).toarray()
    assert dup[0, 3] == 1  # identical points are joined
    assert territory_components(dup, [0, 0, 0, 0], 1)[0] == 1
    line = delaunay_adjacency([0, 0, 0], [2, 0, 1]).toarray()
    assert line[1, 2] == line[2, 0] == 1 and line[1, 0] == 0
    assert delaunay_adjacency([5], [5]).shape == (1, 1)
    assert delaunay_adjacency([], []).shape == (0, 0)


@pytest.mark.parametrize("seed", [1, 2])
def test_diameter_kdtree_path_matches_brute_force(seed: int) -> None:
    rng = np.random.default_rng(seed)
    theta = rng.uniform(0, 2 * np.pi, 1500)  # a ring: every point is a hull vertex
    ring_lat, ring_lon = 40 + np.sin(theta), -90 + 1.3 * np.cos(theta)
    glob_lat, glob_lon = rng.uniform(-85, 85, 1500), rng.uniform(-180, 180, 1500)
    for lat, lon in ((ring_lat, ring_lon), (glob_lat, glob_lon)):
        expected = brute_diameter(list(lat), list(lon))
        assert diameter_km(lat, lon) == pytest.approx(expected, rel=1e-9)
