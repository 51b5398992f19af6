"""The monitor use case: attainment, pace, projection, cost of sales, coverage, trend, alerts.

For a period (a year, quarter or month) inside a stored quota set:

- quota of a territory = its quota slices inside the period (a slice cut by the period
  counts pro rata to its days); a rep's quota = the sum over their territories;
- actual = sales dated from the period start to ``as_of`` of the accounts the territory
  holds in the scenario (default the active alignment);
- attainment = actual / quota; expected = the quota slices' elapsed share; pace =
  actual / expected; projection = run rate (actual per elapsed day x period days);
- cost of sales = the rep's yearly cost for the elapsed part of the period + travel
  (visits in the period x round trip from the territory's base x detour x cost per km;
  planned visits pro rata when no visits were imported);
- coverage = share of A-tier accounts visited at least their planned visits pro rata;
- alerts: behind pace, rep workload over capacity, workload drift since the alignment
  was published (the snapshot ``publish`` takes; for a scenario never published, its
  first snapshot, taken by ``quota set`` and ``assign --apply``);
- for an alignment published during the period, sales dated before its effective date
  count for the territory the account had then (in the alignment it replaced) when that
  territory holds a quota in the set, as the quota carried on publish does;
- with ``rebalance``, a proposal from the design engine under a move cap (a new draft),
  see :mod:`territorial.services.rebalance`;
- a manager limited to a region (:mod:`territorial.services.region`) sees its
  territories, their reps and alerts, and the region's totals (``scope``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from territorial.domain.period import Period, QuotaSlice
from territorial.io import write_rows_csv
from territorial.metrics import TravelModel
from territorial.metrics.performance import (
    Alert,
    Attainment,
    CostOfSales,
    Coverage,
    attainment,
    capacity_alerts,
    cost_of_sales,
    coverage,
    drift_alerts,
    monthly_trend,
    pace_alerts,
    year_fraction,
)
from territorial.metrics.tiers import TierConfig, assign_tiers
from territorial.optimize.quota_carry import quota_within
from territorial.services.actor import current_actor
from territorial.services.frame import load_frame
from territorial.services.period_sales import attribute_sales, period_sales
from territorial.services.region import in_region, limited_to
from territorial.services.snapshots import (
    DRIFT_MEASURE,
    PUBLISH_REASON,
    drift_baseline,
    workload_deviations,
)
from territorial.services.territory_data import (
    account_workload,
    per_territory,
    territory_bases,
    yearly_capacity,
)
from territorial.storage import UnitOfWork

if TYPE_CHECKING:  # a rebalance runs the design engine: loaded only for one
    from territorial.services.rebalance import RebalanceOptions, RebalanceProposal


@dataclass
class TerritoryStatus:
    """One territory's figures for the period."""

    territory: str
    rep_external_id: str | None
    rep: str | None
    attainment: Attainment
    cost: CostOfSales | None
    coverage: Coverage | None
    trend: list[float]
    slope: float
    workload_hours: float


@dataclass
class MonitorReport:
    """Everything ``territorial monitor`` shows."""

    scenario: str
    period: Period
    quota_period: str
    as_of: date
    territories: list[TerritoryStatus]
    reps: list[Attainment]
    company: Attainment
    months: list[str]
    alerts: list[Alert]
    notes: list[str] = field(default_factory=list)
    rebalance: RebalanceProposal | None = None

    def to_dict(self) -> dict[str, Any]:
        def att(a: Attainment) -> dict[str, Any]:
            return {
                "quota": a.quota,
                "actual": a.actual,
                "attainment": a.attainment,
                "expected": a.expected,
                "pace": a.pace,
                "projection": a.projection,
                "projected_attainment": a.projected_attainment,
                "elapsed_fraction": a.elapsed_fraction,
            }

        return {
            "scenario": self.scenario,
            "period": {
                "label": self.period.label,
                "start": str(self.period.start),
                "end": str(self.period.end),
            },
            "quota_period": self.quota_period,
            "as_of": str(self.as_of),
            "company": att(self.company),
            "scope": self.company.subject,  # "company", or the region of a limited manager
            "territories": [
                {
                    "territory": t.territory,
                    "rep_external_id": t.rep_external_id,
                    "rep": t.rep,
                    **att(t.attainment),
                    "cost_of_sales": None
                    if t.cost is None
                    else {
                        "rep_cost": t.cost.rep_cost,
                        "travel_cost": t.cost.travel_cost,
                        "total": t.cost.total_cost,
                        "revenue": t.cost.revenue,
                        "ratio": t.cost.ratio,
                    },
                    "a_tier_coverage": None
                    if t.coverage is None
                    else {
                        "accounts": t.coverage.accounts,
                        "covered": t.coverage.covered,
                        "share": t.coverage.share,
                    },
                    "trend": {"months": self.months, "actuals": t.trend, "slope": t.slope},
                    "workload_hours": t.workload_hours,
                }
                for t in self.territories
            ],
            "reps": [{"rep_external_id": r.subject, **att(r)} for r in self.reps],
            "alerts": [
                {
                    "kind": a.kind,
                    "severity": a.severity.value,
                    "subject": a.subject,
                    "message": a.message,
                    "value": a.value,
                }
                for a in self.alerts
            ],
            "notes": self.notes,
            "rebalance": None if self.rebalance is None else self.rebalance.to_dict(),
        }


def run_monitor(
    uow: UnitOfWork,
    period: str | None = None,
    as_of: date | None = None,
    scenario: str | None = None,
    *,
    pace_threshold: float = 0.10,
    drift_threshold: float = 0.05,
    cost_per_km: float = 0.35,
    travel: TravelModel | None = None,
    tiers: TierConfig | None = None,
    rebalance: RebalanceOptions | None = None,
) -> MonitorReport:
    """Monitor ``scenario`` (default the alignment in force on ``as_of``, or on the
    period's last day when it ended before) for ``period`` on ``as_of``.

    With ``rebalance``, also design a rebalanced draft from the scenario (stored) and
    report what it would fix (:func:`~territorial.services.rebalance.propose_rebalance`).
    """
    day = as_of or date.today()
    model = travel or TravelModel()
    notes: list[str] = []
    with uow:
        data = period_sales(uow, period, day, scenario)
        found, qs, spec, until = data.found, data.qs, data.spec, data.until
        frame = load_frame(uow, found)
        visits = uow.visits.list(since=spec.start, until=until)
        any_visits = uow.visits.count() > 0
        baseline = drift_baseline(uow, found.name)
    every_quota = quota_within(qs, spec)
    actual, sales_of = attribute_sales(data, every_quota)
    # a manager limited to a region: its territories, its reps, its totals
    quotas = {k: v for k, v in every_quota.items() if in_region(k)}
    if data.switch is not None:
        notes.append(
            f"sales before {data.switch} count for the territories of {data.replaced} "
            f"(replaced by {found.name} on that date)"
        )
    outside = sorted(t for t in set(actual) - set(every_quota) if in_region(t))
    if outside:
        notes.append(f"sales in territories without a quota are left out: {', '.join(outside)}")
    workload = per_territory(frame, account_workload(frame, model))
    bases = territory_bases(frame)
    result = assign_tiers(frame.measure("potential"), frame.measure("revenue"), tiers)
    visit_count: dict[str, int] = defaultdict(int)
    for v in visits:
        visit_count[v.account_external_id] += 1
    elapsed_period = Period(spec.start, until) if until >= spec.start else None
    rows: list[TerritoryStatus] = []
    months = [f"{y}-{m:02d}" for y, m in spec.months() if date(y, m, 1) <= until]
    for label in sorted(quotas):
        amount, slices = quotas[label]
        att = attainment(label, amount, actual.get(label, 0.0), spec, day, split=slices)
        j = frame.labels.index(label) if label in frame.labels else -1
        members = np.flatnonzero(frame.territory == j) if j >= 0 else np.array([], dtype=int)
        rep = frame.rep_of(label)
        cost = None
        if elapsed_period is not None:
            km_each = bases.account_km[members] * model.detour_factor * 2
            if any_visits:
                trips = np.array(
                    [visit_count.get(frame.accounts[i].external_id, 0) for i in members],
                    dtype=float,
                )
            else:
                trips = frame.visits_per_year[members] * year_fraction(elapsed_period)
            km = float(np.nansum(km_each * trips))
            cost = cost_of_sales(
                label,
                att.actual,
                elapsed_period,
                rep_yearly_cost=float(rep.yearly_cost or 0.0) if rep else 0.0,
                km=km,
                cost_per_km=cost_per_km,
            )
        cov = None
        if any_visits:
            ids = [frame.accounts[i].external_id for i in members]
            planned = [float(frame.visits_per_year[i]) * year_fraction(spec) for i in members]
            cov = coverage(
                ids,
                [result.tier[i] for i in members],
                planned,
                visit_count,
                spec,
                day,
                subject=label,
            )
        trend = monthly_trend(sales_of.get(label, []), spec, day)
        rows.append(
            TerritoryStatus(
                territory=label,
                rep_external_id=rep.external_id if rep else None,
                rep=rep.name if rep else None,
                attainment=att,
                cost=cost,
                coverage=cov,
                trend=list(trend.actuals),
                slope=trend.slope,
                workload_hours=workload.get(label, 0.0),
            )
        )
    if not any_visits:
        notes.append("no visits imported: coverage not computed; travel cost uses planned visits")
    rep_quota: dict[str, Decimal] = defaultdict(Decimal)
    rep_actual: dict[str, float] = defaultdict(float)
    rep_slices: dict[str, list[QuotaSlice]] = defaultdict(list)
    for r in rows:
        if r.rep_external_id:
            rep_quota[r.rep_external_id] += quotas[r.territory][0]
            rep_actual[r.rep_external_id] += r.attainment.actual
            rep_slices[r.rep_external_id] += quotas[r.territory][1]
    reps = [
        attainment(rid, rep_quota[rid], rep_actual[rid], spec, day, split=rep_slices[rid])
        for rid in sorted(rep_quota)
    ]
    company_quota = sum((q for q, _ in quotas.values()), Decimal(0))
    all_slices = [s for _, sl in quotas.values() for s in sl]
    region = current_actor().region if limited_to() is not None else None
    company = attainment(
        region or "company",
        company_quota,
        sum(r.attainment.actual for r in rows),
        spec,
        day,
        split=all_slices,
    )
    alerts = pace_alerts(
        [r.attainment for r in rows if r.attainment.expected > 0], threshold=pace_threshold
    )
    loads: dict[str, float] = defaultdict(float)
    caps: dict[str, float] = {}
    for label, hours in workload.items():
        rep = frame.rep_of(label) if in_region(label) else None
        if rep is not None:
            loads[rep.name] += hours
            caps[rep.name] = yearly_capacity(rep.capacity_hours_per_week)
    alerts += capacity_alerts(dict(loads), caps)
    drift: list[Alert] = []
    if baseline is None:
        notes.append("no balance snapshot for this scenario yet: drift not checked")
    else:
        drift = [
            a
            for a in drift_alerts(
                workload_deviations(frame), baseline.deviations, threshold=drift_threshold
            )
            if in_region(a.subject)
        ]
        alerts += drift
        what = "publish" if baseline.reason.startswith(PUBLISH_REASON) else "balance"
        notes.append(f"drift measured against the {what} snapshot of {baseline.taken_at:%Y-%m-%d}")
    if day < spec.start:
        notes.append(f"{day} is before the period starts ({spec.start}): nothing is expected yet")
    proposal = None
    if rebalance is not None:
        from territorial.services.rebalance import propose_rebalance

        drifted = [DRIFT_MEASURE] if drift else []
        proposal = propose_rebalance(uow, found.name, rebalance, drifted=drifted)
    return MonitorReport(
        scenario=found.name,
        period=spec,
        quota_period=qs.period.label,
        as_of=day,
        territories=rows,
        reps=reps,
        company=company,
        months=months,
        alerts=alerts,
        notes=notes,
        rebalance=proposal,
    )


ATTAINMENT_COLUMNS = (
    "scenario",
    "period",
    "start",
    "end",
    "as_of",
    "level",
    "territory",
    "rep_external_id",
    "quota",
    "actual",
    "attainment",
    "expected",
    "pace",
)


def _f(x: float | None, digits: int = 2) -> str:
    return "" if x is None else f"{x:.{digits}f}"


def export_attainment(
    uow: UnitOfWork,
    path: Path,
    period: str | None = None,
    as_of: date | None = None,
    scenario: str | None = None,
) -> int:
    """Write attainment per territory, then per rep, as CSV; returns the row count.

    ``quota`` and ``actual`` are written with 2 decimals, ``attainment`` (actual / quota)
    and ``pace`` with 6, so the ratios can be recomputed from the file.
    """
    report = run_monitor(uow, period, as_of, scenario)
    head = [
        report.scenario,
        report.period.label,
        str(report.period.start),
        str(report.period.end),
        str(report.as_of),
    ]
    rows = []
    for t in report.territories:
        a = t.attainment
        rows.append(
            [
                *head,
                "territory",
                t.territory,
                t.rep_external_id or "",
                _f(a.quota),
                _f(a.actual),
                _f(a.attainment, 6),
                _f(a.expected),
                _f(a.pace, 6),
            ]
        )
    for a in report.reps:
        rows.append(
            [
                *head,
                "rep",
                "",
                a.subject,
                _f(a.quota),
                _f(a.actual),
                _f(a.attainment, 6),
                _f(a.expected),
                _f(a.pace, 6),
            ]
        )
    write_rows_csv(ATTAINMENT_COLUMNS, rows, Path(path))  # formula-looking text neutralised
    return len(rows)
