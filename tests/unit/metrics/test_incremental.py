"""The running balance equals a full recomputation after any sequence of moves (plus
the fixed totals of accounts no move touches, such as those without a location)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from territorial.metrics.incremental import RunningBalance, account_km, full_totals


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[np.ndarray, ...]:
    n = draw(st.integers(1, 40))
    p = draw(st.integers(1, 6))
    seed = draw(st.integers(0, 2**31))
    rng = np.random.default_rng(seed)
    values = rng.lognormal(3, 2, (n, 3)) * (rng.random((n, 3)) < 0.9)
    lat = rng.uniform(25, 49, n)
    lon = rng.uniform(-124, -67, n)
    territory = rng.integers(-1, p, n)
    base_lat = np.where(rng.random(p) < 0.8, rng.uniform(25, 49, p), np.nan)
    base_lon = rng.uniform(-124, -67, p)
    fixed = rng.lognormal(3, 2, (p, 3)) * (rng.random((p, 3)) < 0.5)
    return values, lat, lon, territory, base_lat, base_lon, fixed


moves = st.lists(
    st.tuples(
        st.lists(st.integers(0, 39), min_size=1, max_size=12, unique=True), st.integers(-1, 5)
    ),
    max_size=25,
)


@settings(max_examples=150, deadline=None)
@given(scenarios(), moves)
def test_running_sums_equal_a_full_recomputation(
    data: tuple[np.ndarray, ...], steps: list[tuple[list[int], int]]
) -> None:
    values, lat, lon, territory, base_lat, base_lon, fixed = data
    n, p = len(lat), len(base_lat)
    running = RunningBalance(values, lat, lon, territory, base_lat, base_lon, fixed)
    expected = territory.copy()
    for rows, to in steps:
        rows = [r for r in rows if r < n]
        to = min(to, p - 1)
        running.move(rows, to)
        expected[rows] = to
        sums, counts = full_totals(values, expected, p)
        np.testing.assert_array_equal(running.territory, expected)
        np.testing.assert_array_equal(running.counts, counts)
        np.testing.assert_allclose(running.sums, sums + fixed, rtol=1e-9, atol=1e-6)
        km = account_km(lat, lon, expected, base_lat, base_lon)
        ok = expected >= 0
        km_sums = np.bincount(expected[ok], weights=km[ok], minlength=p)
        np.testing.assert_allclose(running.km_sums, km_sums, rtol=1e-9, atol=1e-6)
    fresh = RunningBalance(values, lat, lon, running.territory, base_lat, base_lon, fixed)
    np.testing.assert_allclose(running.deviations(), fresh.deviations(), rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(running.mean_km(), fresh.mean_km(), rtol=1e-9, equal_nan=True)


def test_deviation_and_travel_of_a_small_case() -> None:
    values = np.array([[1.0], [1.0], [4.0]])
    lat = np.array([40.0, 41.0, 40.0])
    lon = np.array([-75.0, -75.0, -75.0])
    running = RunningBalance(values, lat, lon, [0, 0, 1], [40.0, np.nan], [-75.0, -75.0])
    np.testing.assert_allclose(running.deviations()[:, 0], [-1 / 3, 1 / 3])
    km = running.mean_km()
    assert km[0] == pytest.approx(111.19 / 2, rel=1e-3)  # one account at 0 km, one 1° north
    assert np.isnan(km[1])  # vacant: no home, no travel figure
    running.move([2], 0)
    np.testing.assert_allclose(running.sums[:, 0], [6.0, 0.0])
    assert running.counts.tolist() == [3, 0]


def test_moving_an_account_twice_in_one_move_is_refused() -> None:
    running = RunningBalance(np.ones((2, 1)), [40, 41], [-75, -75], [0, 1], [40, 41], [-75, -75])
    with pytest.raises(ValueError, match="twice"):
        running.move([1, 1], 0)
    with pytest.raises(ValueError, match="out of range"):
        running.move([1], 2)
