"""Seasonal index and time splits."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from territorial.domain.period import Period
from territorial.optimize.seasonality import (
    FLAT_INDEX,
    Granularity,
    SeasonalIndex,
    expected_fraction,
    monthly_index,
    monthly_totals,
    split_by_period,
)

YEAR = Period(date(2025, 1, 1), date(2025, 12, 31))


def test_index_is_mean_share_over_years() -> None:
    y1 = [(2023, m, 100.0 if m == 12 else 0.0) for m in range(1, 13)]  # all in December
    y2 = [(2024, m, 10.0) for m in range(1, 13)]  # flat
    idx = monthly_index(y1 + y2)
    assert idx.years == 2 and not idx.flat
    assert idx.weight(12) == pytest.approx((1 + 1 / 12) / 2)
    assert idx.weight(1) == pytest.approx((0 + 1 / 12) / 2)
    assert sum(idx.shares) == pytest.approx(1.0)


def test_no_history_falls_back_to_flat() -> None:
    assert monthly_index([]) is FLAT_INDEX
    assert monthly_index([(2024, 3, 50.0)]) is FLAT_INDEX  # incomplete year ignored
    assert monthly_index([(2024, m, 0.0) for m in range(1, 13)]) is FLAT_INDEX


def test_monthly_totals() -> None:
    rows = monthly_totals([date(2024, 1, 5), date(2024, 1, 9), date(2024, 2, 1)], [1, 2, 3])
    assert rows == [(2024, 1, 3.0), (2024, 2, 3.0)]


def test_quarters_hand_case() -> None:
    idx = SeasonalIndex(shares=(1, 1, 1, 1, 1, 1, 2, 2, 2, 0, 0, 0), years=1, flat=False)
    parts = split_by_period(120_000, YEAR, idx, granularity="quarter", unit=1000)
    assert [p.label for p in parts] == ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]
    assert [p.amount for p in parts] == [30_000, 30_000, 60_000, 0]


def test_partial_months_count_pro_rata() -> None:
    per = Period(date(2025, 1, 16), date(2025, 2, 28))  # half of January (16 of 31 days)
    parts = split_by_period(Decimal("4400.00"), per, unit="0.01")
    assert [p.label for p in parts] == ["2025-01", "2025-02"]
    jan = 16 / 31
    assert float(parts[0].amount) == pytest.approx(4400 * jan / (jan + 1), abs=0.01)
    assert parts[0].start == date(2025, 1, 16)


def test_expected_fraction_flat_and_seasonal() -> None:
    assert expected_fraction(YEAR, date(2025, 12, 31)) == pytest.approx(1.0)
    assert expected_fraction(YEAR, date(2024, 12, 31)) == 0.0
    assert expected_fraction(YEAR, date(2025, 1, 31)) == pytest.approx(1 / 12)
    idx = SeasonalIndex(shares=(3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1))
    assert expected_fraction(YEAR, date(2025, 1, 31), idx) == pytest.approx(3 / 14)


shares = st.lists(st.floats(0, 100, allow_nan=False), min_size=12, max_size=12).filter(
    lambda s: sum(s) > 0
)


@settings(max_examples=200, deadline=None)
@given(
    st.integers(0, 10**10),
    st.dates(date(2020, 1, 1), date(2030, 1, 1)),
    st.integers(0, 800),
    shares,
    st.sampled_from(list(Granularity)),
    st.sampled_from([Decimal(1), Decimal("0.01"), Decimal(500)]),
)
def test_split_sums_exactly(
    cents: int,
    start: date,
    length: int,
    sh: list[float],
    gran: Granularity,
    unit: Decimal,
) -> None:
    per = Period(start, date.fromordinal(start.toordinal() + length))
    amount = Decimal(cents) / 100
    parts = split_by_period(amount, per, SeasonalIndex(tuple(sh)), granularity=gran, unit=unit)
    assert sum((p.amount for p in parts), Decimal(0)) == amount
    assert parts[0].start == per.start and parts[-1].end == per.end
    off = [p for p in parts if p.amount % unit != 0]
    assert len(off) <= 1


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.tuples(st.integers(2018, 2024), st.integers(1, 12), st.floats(0, 1e6)), max_size=60)
)
def test_learned_index_is_a_distribution(rows: list[tuple[int, int, float]]) -> None:
    idx = monthly_index(rows)
    assert len(idx.shares) == 12
    assert sum(idx.shares) == pytest.approx(1.0)
    assert all(s >= 0 for s in idx.shares)
