"""Monthly sales history with seasonality, growth and noise."""

from __future__ import annotations

from datetime import date

import numpy as np

from territorial.arrays import FloatArray
from territorial.domain import Account, Sale


def month_starts(end_month: date, months: int) -> list[date]:
    """The ``months`` first-of-month dates ending with ``end_month`` (inclusive)."""
    last = end_month.year * 12 + end_month.month - 1
    return [date(m // 12, m % 12 + 1, 1) for m in range(last - months + 1, last + 1)]


def _bump(month: FloatArray, centre: float, width: float) -> FloatArray:
    """A circular Gaussian bump over the calendar months 1..12."""
    d = np.abs(month - centre)
    d = np.minimum(d, 12 - d)
    return np.asarray(np.exp(-0.5 * (d / width) ** 2))


def seasonality(industry: str, month: FloatArray) -> FloatArray:
    """Relative demand per calendar month (1..12) for ``industry``, not normalised."""
    s = 1.0 + 0.15 * np.sin(2 * np.pi * (month - 4) / 12)  # spring/summer high, winter low
    if industry == "Construction":
        s = s + 0.35 * _bump(month, 7, 1.5) - 0.15 * _bump(month, 1, 1.0)
    elif industry == "Retail":
        s = s + 0.55 * _bump(month, 11.5, 0.8)
    elif industry == "Education":
        s = s - 0.40 * _bump(month, 6.5, 0.8) + 0.30 * _bump(month, 8.5, 0.6)
    elif industry == "Government":
        s = s + 0.30 * _bump(month, 9, 0.7)  # fiscal year end
    elif industry == "Hospitality":
        s = s + 0.20 * _bump(month, 6.5, 1.5)
    return np.asarray(s)


def generate_sales(
    rng: np.random.Generator,
    accounts: list[Account],
    wallet_won: FloatArray,
    end_month: date,
    months: int,
) -> list[Sale]:
    """Monthly sales per customer; the last 12 months sum to about ``wallet_won``."""
    dates = month_starts(end_month, months)
    cal = np.array([d.month for d in dates], dtype=np.float64)
    t_years = (np.arange(months) - (months - 1)) / 12.0  # 0 at the last month
    season = {ind: _normalised(ind, cal) for ind in {a.industry or "" for a in accounts}}
    sales: list[Sale] = []
    for i, acc in enumerate(accounts):
        won = float(wallet_won[i])
        if won <= 0.0:
            continue
        growth = rng.normal(0.05, 0.08)
        p_order = {"A": 0.98, "B": 0.9}.get(acc.tier or "", 0.7)
        curve = season[acc.industry or ""] * (1.0 + growth) ** t_years
        curve *= rng.lognormal(0.0, 0.25, months) * (rng.random(months) < p_order) / p_order
        if rng.random() < 0.06:  # converted recently: no history before that
            curve[: months - int(rng.integers(1, 6))] = 0.0
        last_year = season[acc.industry or ""][-12:] * (1.0 + growth) ** t_years[-12:]
        amounts = np.round(curve * won / max(float(last_year.sum()), 1e-9), 2)
        sales.extend(
            Sale(acc.external_id, dates[m], float(amounts[m])) for m in np.flatnonzero(amounts > 0)
        )
    return sales


def _normalised(industry: str, cal: FloatArray) -> FloatArray:
    """Seasonality for ``cal`` months, scaled so a full calendar year averages 1."""
    year = np.arange(1, 13, dtype=np.float64)
    return np.asarray(seasonality(industry, cal) / seasonality(industry, year).mean())
