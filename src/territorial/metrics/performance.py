"""Monitoring: attainment, pace, projection, cost of sales, coverage, trend, alerts.

Money here is float (ratios and projections, not ledgers); ``Decimal`` quotas
are accepted and converted. Periods are closed date ranges and ``as_of`` counts
as elapsed (a report on 31 January covers all of January).
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

import numpy as np

from territorial.domain.period import Period, QuotaSlice
from territorial.optimize.seasonality import FLAT_INDEX, SeasonalIndex, expected_fraction

__all__ = [
    "Alert",
    "Attainment",
    "CostOfSales",
    "Coverage",
    "Severity",
    "Trend",
    "attainment",
    "attainment_by_slice",
    "attainment_table",
    "capacity_alerts",
    "cost_of_sales",
    "coverage",
    "drift_alerts",
    "expected_to_date",
    "monthly_trend",
    "pace_alerts",
    "year_fraction",
]

Amount = float | int | Decimal
Sale = tuple[date, float]
"""``(date, amount)``."""


def _ratio(num: float, den: float) -> float | None:
    return num / den if den != 0 else None


@dataclass(frozen=True)
class Attainment:
    """How a subject (territory, rep, region) stands against its quota.

    ``attainment`` = actual / quota; ``expected`` is the quota expected by
    ``as_of`` under the seasonal split; ``pace`` = actual / expected;
    ``projection`` = actual / elapsed days × period days (run rate);
    ``projected_attainment`` = projection / quota. Ratios are ``None`` when their
    denominator is zero.
    """

    subject: str
    quota: float
    actual: float
    attainment: float | None
    expected: float
    pace: float | None
    projection: float | None
    projected_attainment: float | None
    elapsed_fraction: float


def expected_to_date(
    quota: Amount,
    period: Period,
    as_of: date,
    index: SeasonalIndex = FLAT_INDEX,
    split: Sequence[QuotaSlice] | None = None,
) -> float:
    """Quota expected to be earned by the end of ``as_of``.

    With ``split`` (the published monthly/quarterly quotas) each slice counts
    for its elapsed days; otherwise ``quota × expected_fraction`` by ``index``.
    """
    if split is not None:
        done = 0.0
        for s in split:
            done += float(s.amount) * Period(s.start, s.end).elapsed_fraction(as_of)
        return done
    return float(quota) * expected_fraction(period, as_of, index)


def attainment(
    subject: str,
    quota: Amount,
    actual: float,
    period: Period,
    as_of: date,
    index: SeasonalIndex = FLAT_INDEX,
    split: Sequence[QuotaSlice] | None = None,
) -> Attainment:
    """Attainment, seasonal pace and run-rate projection of one subject."""
    q = float(quota)
    a = float(actual)
    expected = expected_to_date(q, period, as_of, index, split)
    days = period.elapsed_days(as_of)
    projection = a / days * period.days if days > 0 else None
    return Attainment(
        subject=subject,
        quota=q,
        actual=a,
        attainment=_ratio(a, q),
        expected=expected,
        pace=_ratio(a, expected),
        projection=projection,
        projected_attainment=None if projection is None else _ratio(projection, q),
        elapsed_fraction=period.elapsed_fraction(as_of),
    )


def attainment_table(
    quotas: Mapping[str, Amount],
    actuals: Mapping[str, float],
    period: Period,
    as_of: date,
    index: SeasonalIndex = FLAT_INDEX,
) -> list[Attainment]:
    """Attainment of every subject with a quota (missing actuals count 0)."""
    return [
        attainment(s, q, float(actuals.get(s, 0.0)), period, as_of, index)
        for s, q in quotas.items()
    ]


def attainment_by_slice(
    subject: str, slices: Sequence[QuotaSlice], sales: Iterable[Sale], as_of: date
) -> list[Attainment]:
    """Attainment per month or quarter of a seasonal split.

    Each slice is its own period; sales after ``as_of`` are ignored.
    """
    rows = [(d, float(x)) for d, x in sales if d <= as_of]
    out = []
    for s in slices:
        per = Period(s.start, s.end)
        act = sum(x for d, x in rows if s.start <= d <= s.end)
        out.append(attainment(f"{subject} {s.label}".strip(), s.amount, act, per, as_of))
    return out


def year_fraction(period: Period) -> float:
    """The period's length in years, each day weighing 1/365 or 1/366."""
    total = 0.0
    for y, m in period.months():
        total += period.month_days(y, m) / (366 if calendar.isleap(y) else 365)
    return total


@dataclass(frozen=True)
class CostOfSales:
    """Cost of selling in a territory for a period, against its revenue."""

    subject: str
    rep_cost: float
    travel_cost: float
    total_cost: float
    revenue: float
    ratio: float | None


def cost_of_sales(
    subject: str,
    revenue: float,
    period: Period,
    *,
    rep_yearly_cost: float,
    rep_share: float = 1.0,
    km: float = 0.0,
    cost_per_km: float = 0.0,
) -> CostOfSales:
    """Rep cost share for the period plus travel cost, over revenue.

    Parameters
    ----------
    revenue
        Revenue in the period.
    rep_yearly_cost
        Fully loaded yearly cost of the rep.
    rep_share
        Share of the rep's time spent on this territory (0..1).
    km, cost_per_km
        Distance driven in the period and its cost.
    """
    if not 0 <= rep_share <= 1:
        raise ValueError("rep_share must lie in [0, 1]")
    if min(rep_yearly_cost, km, cost_per_km) < 0:
        raise ValueError("costs and distances must be non-negative")
    rep_cost = rep_yearly_cost * rep_share * year_fraction(period)
    travel = km * cost_per_km
    total = rep_cost + travel
    return CostOfSales(subject, rep_cost, travel, total, float(revenue), _ratio(total, revenue))


@dataclass(frozen=True)
class Coverage:
    """Share of priority accounts visited as often as planned so far."""

    subject: str
    tier: str
    accounts: int
    covered: int
    share: float | None
    uncovered: tuple[str, ...]


def coverage(
    account_ids: Sequence[str],
    tiers: Sequence[str],
    planned_visits: Sequence[float],
    visits: Mapping[str, int],
    period: Period,
    as_of: date,
    *,
    tier: str = "A",
    subject: str = "",
) -> Coverage:
    """Coverage of ``tier`` accounts.

    An account is covered when its visits so far reach its planned visits for
    the period pro rata to the elapsed time, rounded down to whole visits
    (``floor(planned × elapsed)``). ``share`` is ``None`` with no such account.
    """
    if not len(account_ids) == len(tiers) == len(planned_visits):
        raise ValueError("account_ids, tiers and planned_visits must have the same length")
    elapsed = period.elapsed_fraction(as_of)
    picked = [
        (a, p) for a, t, p in zip(account_ids, tiers, planned_visits, strict=True) if t == tier
    ]
    uncovered = []
    for a, p in picked:
        need = math.floor(float(p) * elapsed + 1e-9)
        if visits.get(a, 0) < need:
            uncovered.append(a)
    n = len(picked)
    covered = n - len(uncovered)
    return Coverage(subject, tier, n, covered, _ratio(covered, n), tuple(uncovered))


@dataclass(frozen=True)
class Trend:
    """Actuals per calendar month of a period, up to ``as_of``.

    ``slope`` is the least-squares change per month (0 with fewer than two).
    """

    months: tuple[tuple[int, int], ...]
    actuals: tuple[float, ...]
    slope: float


def monthly_trend(sales: Iterable[Sale], period: Period, as_of: date | None = None) -> Trend:
    """Per-month actuals series (months without sales are 0)."""
    last = min(as_of or period.end, period.end)
    months = [(y, m) for y, m in period.months() if date(y, m, 1) <= last]
    acc = dict.fromkeys(months, 0.0)
    for d, x in sales:
        if period.start <= d <= last and (d.year, d.month) in acc:
            acc[(d.year, d.month)] += float(x)
    vals = [acc[k] for k in months]
    slope = float(np.polyfit(np.arange(len(vals)), vals, 1)[0]) if len(vals) >= 2 else 0.0
    return Trend(tuple(months), tuple(vals), slope)


class Severity(StrEnum):
    """How urgent an alert is."""

    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"


@dataclass(frozen=True)
class Alert:
    """Something a manager should look at, in one plain sentence."""

    kind: str
    severity: Severity
    subject: str
    message: str
    value: float


def pace_alerts(
    rows: Iterable[Attainment], threshold: float = 0.10, critical: float = 0.25
) -> list[Alert]:
    """Subjects behind their expected-to-date by more than ``threshold``.

    Behind = ``1 - pace``; above ``critical`` the alert is critical.
    """
    out = []
    for r in rows:
        if r.pace is None:
            continue
        behind = 1.0 - r.pace
        if behind > threshold:
            sev = Severity.CRITICAL if behind > critical else Severity.WARNING
            msg = (
                f"{r.subject} is {behind:.0%} behind pace: {r.actual:,.0f} sold against "
                f"{r.expected:,.0f} expected by now (quota {r.quota:,.0f})."
            )
            out.append(Alert("pace", sev, r.subject, msg, behind))
    return out


def capacity_alerts(
    workloads: Mapping[str, float],
    capacities: Mapping[str, float],
    threshold: float = 1.0,
    critical: float = 1.2,
) -> list[Alert]:
    """Subjects whose workload exceeds ``threshold × capacity`` (hours)."""
    out = []
    for s, load in workloads.items():
        cap = float(capacities.get(s, 0.0))
        util = load / cap if cap > 0 else math.inf
        if util > threshold:
            sev = Severity.CRITICAL if util > critical else Severity.WARNING
            msg = f"{s} needs {load:,.0f} h of work for {cap:,.0f} h of capacity" + (
                f" ({util:.0%})." if math.isfinite(util) else " (no capacity)."
            )
            out.append(Alert("capacity", sev, s, msg, util))
    return out


def drift_alerts(
    current: Mapping[str, float],
    at_publish: Mapping[str, float],
    threshold: float = 0.05,
    critical: float = 0.15,
    measure: str = "workload",
) -> list[Alert]:
    """Territories whose balance deviation grew by more than ``threshold``.

    Deviations are relative to the target (``0.12`` = 12% above it); drift is
    ``|current| - |at publish|`` (a territory missing at publish counts 0).
    """
    out = []
    for s, dev in current.items():
        before = float(at_publish.get(s, 0.0))
        drift = abs(dev) - abs(before)
        if drift > threshold:
            sev = Severity.CRITICAL if drift > critical else Severity.WARNING
            side = "above" if dev > 0 else "below"
            msg = (
                f"{s} has drifted out of balance on {measure}: {abs(dev):.0%} {side} target "
                f"now, {abs(before):.0%} off when published."
            )
            out.append(Alert("drift", sev, s, msg, drift))
    return out
