from __future__ import annotations

import math

import numpy as np
import pytest

from territorial.geo.geodesy import (
    equirectangular_inverse,
    equirectangular_km,
    haversine_km,
    haversine_matrix,
    haversine_one_to_many,
    min_distance_km,
    spherical_centre,
)

KM_PER_DEGREE = 6371.0088 * math.pi / 180.0  # one degree of a great circle


def test_one_degree_on_equator_and_meridian() -> None:
    assert float(haversine_km(0, 0, 0, 1)) == pytest.approx(KM_PER_DEGREE, rel=1e-12)
    assert float(haversine_km(10, 5, 11, 5)) == pytest.approx(KM_PER_DEGREE, rel=1e-12)


def test_known_city_pair() -> None:
    # London (51.5074, -0.1278) to Paris (48.8566, 2.3522): about 343.5 km
    assert float(haversine_km(51.5074, -0.1278, 48.8566, 2.3522)) == pytest.approx(343.5, abs=1)


def test_antimeridian_and_antipodes() -> None:
    assert float(haversine_km(0, 179.5, 0, -179.5)) == pytest.approx(KM_PER_DEGREE)
    assert float(haversine_km(0, 0, 0, 180)) == pytest.approx(180 * KM_PER_DEGREE)


def test_vectorised_shapes() -> None:
    d = haversine_one_to_many(0, 0, [0, 0, 1], [0, 2, 0])
    np.testing.assert_allclose(d, [0, 2 * KM_PER_DEGREE, KM_PER_DEGREE])
    m = haversine_matrix([0, 0], [0, 1], [0, 0, 0], [0, 1, 3])
    assert m.shape == (2, 3)
    np.testing.assert_allclose(m[1], [KM_PER_DEGREE, 0, 2 * KM_PER_DEGREE], atol=1e-9)
    pairwise = haversine_km(np.zeros(3), np.zeros(3), np.zeros(3), np.array([1, 2, 3]))
    np.testing.assert_allclose(pairwise, KM_PER_DEGREE * np.array([1, 2, 3]))


def test_min_distance() -> None:
    d = min_distance_km([0, 0], [0, 10], [0, 0], [1, 8])
    np.testing.assert_allclose(d, [KM_PER_DEGREE, 2 * KM_PER_DEGREE])
    assert np.all(np.isinf(min_distance_km([0], [0], [], [])))


def test_spherical_centre() -> None:
    lat, lon = spherical_centre([0, 0], [0, 2])
    assert (lat, lon) == pytest.approx((0.0, 1.0))
    lat, lon = spherical_centre([0, 0], [0, 2], weights=[0, 1])
    assert (lat, lon) == pytest.approx((0.0, 2.0))
    # across the antimeridian the centre is at 180, not 0
    lat, lon = spherical_centre([0, 0], [179, -179])
    assert abs(lon) == pytest.approx(180.0)
    assert all(np.isnan(spherical_centre([], [])))


def test_equirectangular_round_trip_and_scale() -> None:
    lat = np.array([40.0, 40.5, 41.0])
    lon = np.array([-75.0, -74.0, 179.9])
    x, y = equirectangular_km(lat, lon, 40.0, -75.0)
    assert y[0] == 0 and x[0] == 0
    assert y[2] == pytest.approx(KM_PER_DEGREE)
    assert x[1] == pytest.approx(KM_PER_DEGREE * np.cos(np.radians(40.0)))
    back_lat, back_lon = equirectangular_inverse(x, y, 40.0, -75.0)
    np.testing.assert_allclose(back_lat, lat)
    np.testing.assert_allclose(back_lon, lon)
    # near the reference the projection agrees with great-circle distance
    x, y = equirectangular_km([45.0, 45.3], [7.0, 7.4], 45.15, 7.2)
    planar = float(np.hypot(x[1] - x[0], y[1] - y[0]))
    assert planar == pytest.approx(float(haversine_km(45.0, 7.0, 45.3, 7.4)), rel=2e-3)
