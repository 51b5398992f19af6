from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from territorial.metrics._arrays import totals_by_territory
from territorial.metrics.balance import (
    balance_stats,
    coefficient_of_variation,
    deviation_from_target,
    gini,
    max_min_ratio,
)

totals_lists = st.lists(
    st.floats(min_value=0, max_value=1e9, allow_nan=False, allow_infinity=False),
    min_size=1,
    max_size=40,
)


def test_hand_computed_two_territories() -> None:
    s = balance_stats("revenue", [100.0, 300.0], tolerance=0.05)
    assert s.mean == 200
    np.testing.assert_allclose(s.deviations, [-0.5, 0.5])
    assert s.cv == pytest.approx(0.5)  # population std 100 / mean 200
    assert s.max_min_ratio == pytest.approx(3.0)
    assert s.gini == pytest.approx(0.25)  # (|100-300| × 2) / (2 × 2² × 200)
    assert not s.all_within and s.n_outside == 2
    assert s.max_abs_deviation == pytest.approx(0.5)


def test_gini_known_values() -> None:
    assert gini([0, 0, 0, 10]) == pytest.approx(0.75)  # (n-1)/n
    assert gini([1, 2, 3]) == pytest.approx(8 / (2 * 9 * 2))
    assert gini([0, 0]) == 0.0
    assert math.isnan(gini([-1, 2]))


def test_explicit_targets_and_tolerance_edge() -> None:
    s = balance_stats("accounts", [105.0, 90.0], targets=[100.0, 100.0], tolerance=0.05)
    np.testing.assert_allclose(s.deviations, [0.05, -0.10])
    assert list(s.within_tolerance) == [True, False]


def test_inf_safe() -> None:
    assert max_min_ratio([0.0, 5.0]) == math.inf
    assert max_min_ratio([0.0, 0.0]) == 1.0
    assert coefficient_of_variation([0.0, 0.0]) == 0.0
    dev = deviation_from_target([0.0, 3.0, -2.0], [0.0, 0.0, 0.0])
    assert list(dev) == [0.0, math.inf, -math.inf]
    with pytest.raises(ValueError):
        balance_stats("x", [1.0], tolerance=-0.1)


@given(totals_lists)
def test_gini_in_unit_interval(values: list[float]) -> None:
    g = gini(values)
    assert 0.0 <= g < 1.0


@given(st.floats(min_value=0, max_value=1e12, allow_nan=False), st.integers(1, 50))
def test_equal_totals_are_perfectly_balanced(value: float, n: int) -> None:
    s = balance_stats("m", [value] * n)
    assert s.gini == 0.0
    assert s.cv == 0.0
    assert s.max_min_ratio == 1.0
    assert s.all_within


@given(totals_lists)
def test_cv_non_negative(values: list[float]) -> None:
    assert coefficient_of_variation(values) >= 0.0


@given(st.lists(st.floats(min_value=1e-3, max_value=1e9, allow_nan=False), min_size=1, max_size=40))
def test_deviations_sum_to_zero_around_the_mean(values: list[float]) -> None:
    s = balance_stats("m", values)
    assert float(s.deviations.sum()) == pytest.approx(0.0, abs=1e-9 * len(values))


@given(
    st.lists(
        st.tuples(st.integers(-1, 4), st.floats(-1e6, 1e6, allow_nan=False)),
        min_size=0,
        max_size=60,
    )
)
def test_totals_sum_to_assigned_grand_total(rows: list[tuple[int, float]]) -> None:
    terr = np.array([r[0] for r in rows], dtype=np.int64)
    vals = np.array([r[1] for r in rows], dtype=np.float64)
    totals = totals_by_territory(vals, terr, 5)
    assert totals.shape == (5,)
    assert float(totals.sum()) == pytest.approx(float(vals[terr >= 0].sum()), abs=1e-6)
