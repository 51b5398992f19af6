"""Monitoring on a small hand-computed fixture."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from territorial.domain.period import Period
from territorial.metrics.performance import (
    Severity,
    attainment,
    attainment_by_slice,
    attainment_table,
    capacity_alerts,
    cost_of_sales,
    coverage,
    drift_alerts,
    expected_to_date,
    monthly_trend,
    pace_alerts,
    year_fraction,
)
from territorial.optimize.seasonality import SeasonalIndex, split_by_period

# Q1 2025: 90 days (Jan 31, Feb 28, Mar 31); as of 14 Feb = 45 days elapsed
Q1 = Period(date(2025, 1, 1), date(2025, 3, 31))
AS_OF = date(2025, 2, 14)
SALES = [
    (date(2025, 1, 10), 20_000.0),
    (date(2025, 1, 25), 10_000.0),
    (date(2025, 2, 3), 6_000.0),
    (date(2025, 2, 20), 99_999.0),
]  # the last one is after AS_OF


def test_attainment_and_run_rate_by_hand() -> None:
    a = attainment("T1", Decimal(90_000), 36_000.0, Q1, AS_OF)
    assert a.attainment == pytest.approx(0.4)
    assert a.elapsed_fraction == pytest.approx(0.5)
    assert a.expected == pytest.approx(45_000)  # flat: Jan + half of Feb = 1.5 of 3 months
    assert a.pace == pytest.approx(0.8)
    assert a.projection == pytest.approx(36_000 / 45 * 90)  # 72,000
    assert a.projected_attainment == pytest.approx(0.8)


def test_seasonal_expected_to_date() -> None:
    # January weighs double: Jan 2/4, Feb 1/4, Mar 1/4 of the quarter
    idx = SeasonalIndex(shares=(2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1))
    exp = expected_to_date(80_000, Q1, AS_OF, idx)
    assert exp == pytest.approx(80_000 * (2 / 4 + 1 / 4 * 14 / 28))  # 50,000
    split = split_by_period(80_000, Q1, idx, unit=1)
    assert [p.amount for p in split] == [40_000, 20_000, 20_000]
    assert expected_to_date(80_000, Q1, AS_OF, split=split) == pytest.approx(50_000)
    a = attainment("T1", 80_000, 36_000, Q1, AS_OF, idx)
    assert a.pace == pytest.approx(36_000 / 50_000)


def test_table_and_slices() -> None:
    rows = attainment_table({"T1": 90_000, "T2": 0}, {"T1": 36_000}, Q1, AS_OF)
    assert rows[0].attainment == pytest.approx(0.4)
    assert rows[1].actual == 0 and rows[1].attainment is None
    split = split_by_period(90_000, Q1, unit=1000)
    months = attainment_by_slice("T1", split, SALES, AS_OF)
    assert [m.subject for m in months] == ["T1 2025-01", "T1 2025-02", "T1 2025-03"]
    assert [m.actual for m in months] == [30_000, 6_000, 0]
    jan, feb = months[0], months[1]  # flat index: each month a third of the quarter
    assert jan.quota == 30_000 and jan.attainment == pytest.approx(1.0)
    assert feb.expected == pytest.approx(30_000 * 14 / 28) and feb.pace == pytest.approx(0.4)


def test_cost_of_sales() -> None:
    c = cost_of_sales(
        "T1", 36_000, Q1, rep_yearly_cost=73_000, rep_share=0.5, km=1_000, cost_per_km=0.5
    )
    assert c.rep_cost == pytest.approx(73_000 * 0.5 * 90 / 365)  # 9,000
    assert c.travel_cost == 500 and c.total_cost == pytest.approx(9_500)
    assert c.ratio == pytest.approx(9_500 / 36_000)
    assert year_fraction(Period(date(2024, 1, 1), date(2024, 12, 31))) == pytest.approx(1)


def test_coverage_pro_rata() -> None:
    # half the quarter gone: a 4-visit account needs 2, a 3-visit account needs floor(1.5) = 1
    cov = coverage(
        ["a", "b", "c", "d"],
        ["A", "A", "A", "B"],
        [4, 3, 4, 10],
        {"a": 2, "b": 1, "c": 1},
        Q1,
        AS_OF,
    )
    assert cov.accounts == 3 and cov.covered == 2
    assert cov.share == pytest.approx(2 / 3) and cov.uncovered == ("c",)
    assert coverage([], [], [], {}, Q1, AS_OF).share is None


def test_monthly_trend() -> None:
    t = monthly_trend(SALES, Q1, AS_OF)
    assert t.months == ((2025, 1), (2025, 2))
    assert t.actuals == (30_000, 6_000)
    assert t.slope == pytest.approx(-24_000)
    full = monthly_trend(SALES, Q1)
    assert full.actuals == (30_000, 105_999, 0)


def test_alerts() -> None:
    rows = attainment_table(
        {"T1": 90_000, "T2": 90_000, "T3": 90_000},
        {"T1": 36_000, "T2": 44_000, "T3": 20_000},
        Q1,
        AS_OF,
    )
    alerts = pace_alerts(rows, threshold=0.10, critical=0.25)
    assert [(a.subject, a.severity) for a in alerts] == [
        ("T1", Severity.WARNING),  # 20% behind
        ("T3", Severity.CRITICAL),  # 56% behind
    ]
    assert alerts[0].message.startswith("T1 is 20% behind pace")
    cap = capacity_alerts({"ann": 1_900, "bob": 1_500, "cy": 100}, {"ann": 1_840, "bob": 1_840})
    assert [(a.subject, a.severity) for a in cap] == [
        ("ann", Severity.WARNING),
        ("cy", Severity.CRITICAL),
    ]
    drift = drift_alerts({"T1": 0.12, "T2": -0.04, "T3": -0.30}, {"T1": 0.03, "T3": 0.05})
    assert [(a.subject, a.severity) for a in drift] == [
        ("T1", Severity.WARNING),
        ("T3", Severity.CRITICAL),
    ]
    assert "30% below target now, 5% off when published" in drift[1].message
