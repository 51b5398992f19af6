"""Seasonality: learn a monthly index from sales history and split quotas over time.

A period (:class:`territorial.domain.period.Period`) is a closed date range (``start``
and ``end`` both included). Months cut by the period count pro rata to the days inside
it; the slices are :class:`territorial.domain.period.QuotaSlice`.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from territorial.domain.period import Period, QuotaSlice
from territorial.optimize.quota import Money, apportion, to_decimal

__all__ = [
    "FLAT_INDEX",
    "Granularity",
    "SeasonalIndex",
    "expected_fraction",
    "monthly_index",
    "monthly_totals",
    "split_by_period",
]

MonthlySales = tuple[int, int, float]
"""``(year, month, amount)``."""


@dataclass(frozen=True)
class SeasonalIndex:
    """Share of a year's sales falling in each calendar month (sums to 1).

    ``years`` is the number of years it was learned from; ``flat`` is true when
    there was no usable history and every month weighs 1/12.
    """

    shares: tuple[float, ...]
    years: int = 0
    flat: bool = True

    def __post_init__(self) -> None:
        if len(self.shares) != 12:
            raise ValueError("a seasonal index has 12 monthly shares")
        if any((not math.isfinite(s)) or s < 0 for s in self.shares) or sum(self.shares) <= 0:
            raise ValueError("monthly shares must be finite, non-negative, not all zero")

    def weight(self, month: int) -> float:
        """Share of calendar month ``month`` (1..12)."""
        return self.shares[month - 1]


FLAT_INDEX = SeasonalIndex(shares=(1.0 / 12,) * 12, years=0, flat=True)


def monthly_totals(dates: Iterable[date], amounts: Iterable[float]) -> list[MonthlySales]:
    """Aggregate dated amounts into ``(year, month, amount)`` rows, sorted."""
    acc: dict[tuple[int, int], float] = {}
    for d, a in zip(dates, amounts, strict=True):
        key = (d.year, d.month)
        acc[key] = acc.get(key, 0.0) + float(a)
    return [(y, m, acc[(y, m)]) for (y, m) in sorted(acc)]


def monthly_index(history: Iterable[MonthlySales], *, min_months: int = 12) -> SeasonalIndex:
    """Learn a monthly index: the mean share of each calendar month over years.

    Parameters
    ----------
    history
        ``(year, month, amount)`` rows; several rows for a month are added.
    min_months
        A year is used only if it has rows for at least this many distinct
        months (a missing month inside a used year counts as zero sales) and a
        positive total. Default: complete years only.

    Returns
    -------
    SeasonalIndex
        The learned index, or :data:`FLAT_INDEX` when no year is usable.
    """
    by_year: dict[int, dict[int, float]] = {}
    for y, m, a in history:
        if not 1 <= m <= 12:
            raise ValueError(f"month must be 1..12, got {m}")
        if not math.isfinite(a):
            raise ValueError("sales amounts must be finite")
        by_year.setdefault(int(y), {})
        by_year[int(y)][int(m)] = by_year[int(y)].get(int(m), 0.0) + float(a)
    rows = []
    for months in by_year.values():
        total = sum(months.values())
        if len(months) >= min_months and total > 0:
            rows.append([max(months.get(m, 0.0), 0.0) / total for m in range(1, 13)])
    if not rows:
        return FLAT_INDEX
    mean = [sum(r[m] for r in rows) / len(rows) for m in range(12)]
    s = sum(mean)
    if s <= 0:
        return FLAT_INDEX
    return SeasonalIndex(shares=tuple(x / s for x in mean), years=len(rows), flat=False)


class Granularity(StrEnum):
    """Sub-period size for time splits."""

    MONTH = "month"
    QUARTER = "quarter"


def _month_weight(period: Period, index: SeasonalIndex, y: int, m: int) -> float:
    return index.weight(m) * period.month_days(y, m) / calendar.monthrange(y, m)[1]


def split_by_period(
    amount: Money,
    period: Period,
    index: SeasonalIndex = FLAT_INDEX,
    *,
    granularity: Granularity | str = Granularity.MONTH,
    unit: Money = 1,
) -> list[QuotaSlice]:
    """Split a period quota into months or quarters by a seasonal index.

    A month's weight is its index share times the fraction of its days inside
    the period. Quarters are consecutive three-month blocks from the period's
    first month (calendar quarters for a calendar year). Parts are multiples of
    ``unit`` summing exactly to ``amount``; the sub-unit remainder goes to the
    heaviest slice (see :func:`territorial.optimize.quota.apportion`).
    """
    gran = Granularity(granularity)
    months = period.months()
    slices: list[tuple[str, date, date, float]] = []
    step = 1 if gran is Granularity.MONTH else 3
    for k in range(0, len(months), step):
        block = months[k : k + step]
        (y0, m0), (y1, m1) = block[0], block[-1]
        start = max(date(y0, m0, 1), period.start)
        end = min(date(y1, m1, calendar.monthrange(y1, m1)[1]), period.end)
        w = sum(_month_weight(period, index, y, m) for y, m in block)
        label = f"{y0}-{m0:02d}" if gran is Granularity.MONTH else f"{y0}-{m0:02d}+3m"
        if gran is Granularity.QUARTER and period.start.month in (1, 4, 7, 10):
            label = f"{y0}-Q{(m0 - 1) // 3 + 1}"
        slices.append((label, start, end, w))
    weights = [s[3] for s in slices]
    if sum(weights) <= 0:  # the index is zero on every month of the period
        weights = [float((s[2] - s[1]).days + 1) for s in slices]
    parts, _ = apportion(to_decimal(amount), weights, unit)
    return [QuotaSlice(s[0], s[1], s[2], p) for s, p in zip(slices, parts, strict=True)]


def expected_fraction(period: Period, as_of: date, index: SeasonalIndex = FLAT_INDEX) -> float:
    """Seasonal share of the period's quota expected by the end of ``as_of``.

    Within a month the expectation accrues evenly per day.
    """
    total = 0.0
    done = 0.0
    for y, m in period.months():
        dim = calendar.monthrange(y, m)[1]
        w_day = index.weight(m) / dim
        total += w_day * period.month_days(y, m)
        if as_of >= period.start:
            sub = Period(period.start, min(as_of, period.end))
            done += w_day * sub.month_days(y, m)
    if total <= 0:
        return period.elapsed_fraction(as_of)
    return min(max(done / total, 0.0), 1.0)
