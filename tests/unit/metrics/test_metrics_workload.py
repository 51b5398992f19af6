from __future__ import annotations

import math

import numpy as np
import pytest

from territorial.metrics.workload import TravelModel, base_distance_km, workload_hours

KM_PER_DEGREE = 6371.0088 * math.pi / 180.0  # one degree of a great circle


def test_travel_model_defaults_and_validation() -> None:
    tm = TravelModel()
    assert (tm.detour_factor, tm.speed_kmh) == (1.3, 50.0)
    # 10 km away: 2 × 10 × 1.3 = 26 km at 50 km/h = 31.2 min
    assert float(tm.round_trip_minutes(10.0)) == pytest.approx(31.2)
    for bad in ({"detour_factor": 0.9}, {"speed_kmh": 0}, {"speed_kmh": float("nan")}):
        with pytest.raises(ValueError):
            TravelModel(**bad)


def test_workload_hand_computed() -> None:
    # 12 visits × (60 + 31.2) min / 60 = 18.24 h; no base -> visit time only
    h = workload_hours([12, 12], [60, 60], [10.0, np.nan], TravelModel())
    np.testing.assert_allclose(h, [18.24, 12.0])


def test_base_distance() -> None:
    d = base_distance_km([0, 0, 0], [1, 2, 5], [0, 1, -1], [0, 0], [0, 4])
    assert d[0] == pytest.approx(KM_PER_DEGREE)
    assert d[1] == pytest.approx(2 * KM_PER_DEGREE)
    assert np.isnan(d[2])
