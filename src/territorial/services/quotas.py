"""The quota use cases: split a company target into territory quotas and seasonal slices.

Basis per territory of the scenario: ``potential`` = the accounts' potential;
``history`` = sales of the same period one year earlier (else the last 12 months of
sales when that window is empty); any other frame measure (``revenue``, ``accounts``,
...) can enter a blend by name. The seasonal index is learned from the whole sales
history (complete calendar years). A rep's quota is the sum of the territories they
serve. A new quota set replaces the one of the same scenario and period.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import numpy as np

from territorial.domain import OptionError, Sale, Scenario, TerritorialError
from territorial.domain.errors import MissingStep
from territorial.domain.period import Period, parse_period
from territorial.domain.planning import QuotaSet, TerritoryQuota
from territorial.domain.users import Role
from territorial.io import write_rows_csv
from territorial.optimize.quota import CENT, GrowthRule, QuotaBasis, QuotaMethod, split_target
from territorial.optimize.seasonality import (
    Granularity,
    SeasonalIndex,
    monthly_index,
    monthly_totals,
    split_by_period,
)
from territorial.services import audit
from territorial.services.actor import current_actor, require, require_territories
from territorial.services.frame import ScenarioFrame, load_frame
from territorial.services.region import in_region, limited_to, visible_accounts
from territorial.services.scenarios import resolve_scenario
from territorial.services.snapshots import record_balance_snapshot
from territorial.services.territory_data import require_editable, sales_by_territory
from territorial.storage import UnitOfWork

MAX_AMOUNT = Decimal(10) ** 15


def to_money(value: str | int | float | Decimal, what: str) -> Decimal:
    """A money amount from user input, e.g. ``12000000``, ``1.2e7``, ``"12,000,000"``.

    Refused (naming ``what``): text that is no number, NaN, infinity, a negative amount,
    anything of 10**15 or more and fractions of a cent (quotas sum exactly to the cent).
    """
    try:
        out = Decimal(str(value).replace(",", "").replace("_", "").strip())
    except InvalidOperation:
        raise OptionError(what, f"{value!r} is not an amount") from None
    if not out.is_finite():
        raise OptionError(what, f"{value!r} is not an amount")
    if out < 0:
        raise OptionError(what, f"{value!r} must not be negative")
    if out >= MAX_AMOUNT:
        raise OptionError(what, f"{value!r} is too large (the limit is 10^15)")
    if out != out.quantize(CENT):
        raise OptionError(what, f"{value!r} has fractions of a cent")
    if out == out.to_integral_value():
        out = out.quantize(Decimal(1))
    return out


def _shift_year(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def seasonal_index(sales_dates: list[date], amounts: list[float]) -> SeasonalIndex:
    """The monthly index learned from sales (flat when no complete year exists)."""
    return monthly_index(monthly_totals(sales_dates, amounts))


def history_window(sales: list[Sale], scenario: Scenario, spec: Period) -> tuple[date, date, str]:
    """The sales the ``history`` basis reads: the same period a year earlier, else (when
    the scenario's accounts sold nothing then) the last 12 months of sales."""
    start, end = _shift_year(spec.start, -1), _shift_year(spec.end, -1)
    if sales and not any(sales_by_territory(sales, scenario, start, end).values()):
        last = max(s.date for s in sales)
        first = date.fromordinal(_shift_year(last, -1).toordinal() + 1)
        return first, last, f"sales of the last 12 months to {last}"
    return start, end, f"sales {start} to {end}"


def account_basis(frame: ScenarioFrame, sales: list[Sale], qs: QuotaSet) -> dict[str, float]:
    """Each assigned account's weight inside its territory's quota, by the set's basis.

    Summed over a territory's accounts, these give the territory's basis as
    :func:`set_quotas` computed it (potential, history, any frame measure, or a blend
    of them normalised per component), so an account's share of its territory's
    quota is its value over the territory's sum. ``equal`` counts every account once;
    ``growth`` uses history.
    """
    scenario = frame.scenario
    assigned = [ext for ext in scenario.assignments]
    method = QuotaMethod(qs.method)
    if method is QuotaMethod.EQUAL:
        return dict.fromkeys(assigned, 1.0)
    index = {ext: i for i, ext in enumerate(frame.external_ids)}
    in_frame = np.array([index.get(ext, -1) for ext in assigned])

    def column(name: str) -> np.ndarray:
        if name == "history":
            start, end, _ = history_window(sales, scenario, qs.period)
            per: dict[str, float] = defaultdict(float)
            where = scenario.assignments
            for s in sales:
                if start <= s.date <= end and s.account_external_id in where:
                    per[s.account_external_id] += s.amount
            return np.array([max(per.get(ext, 0.0), 0.0) for ext in assigned])
        values = frame.measure(name)
        out = np.where(in_frame >= 0, values[np.maximum(in_frame, 0)], 0.0)
        return np.maximum(out, 0.0)

    if method in (QuotaMethod.HISTORY, QuotaMethod.GROWTH):
        weights = column("history")
    elif method is QuotaMethod.POTENTIAL:
        weights = column("potential")
    else:  # blend: normalise each component, as the territory split did
        weights = np.zeros(len(assigned))
        for name, wt in qs.weights.items():
            col = column(name)
            if wt > 0 and col.sum() > 0:
                weights += wt * col / col.sum()
        if not weights.any():
            weights = np.ones(len(assigned))
    return {ext: float(w) for ext, w in zip(assigned, weights, strict=True)}


def _season_note(index: SeasonalIndex) -> str:
    if index.flat:
        return "seasonality: flat (no complete calendar year of sales yet)"
    return f"seasonality learned from {index.years} complete year(s) of sales"


def period_scenario(uow: UnitOfWork, name: str | None, period: Period) -> Scenario:
    """The scenario ``name``, else the alignment in force when ``period`` starts: after a
    change published for a later date, that period's quotas belong to the new alignment
    (a period under way: the alignment in force today)."""
    return resolve_scenario(uow, name, None if name else max(period.start, date.today()))


def _empty_bases(
    basis: QuotaBasis, how: QuotaMethod, weights: dict[str, float] | None
) -> list[str]:
    """Notes for the bases the method asked for that are 0 in every territory (the split
    then leaves them out, or is equal when nothing is left)."""
    asked = {QuotaMethod.POTENTIAL: ["potential"], QuotaMethod.HISTORY: ["history"]}.get(
        how, list(weights or {}) if how is QuotaMethod.BLEND else []
    )
    values = {"potential": basis.potential, "history": basis.history, **basis.measures}
    empty = [name for name in asked if not sum(values.get(name, ())) > 0]
    if not empty:
        return []
    rest = "split equally" if len(empty) == len(asked) else "split by the others"
    verb = "is" if len(empty) == 1 else "are"
    return [f"{' and '.join(empty)} {verb} 0 in every territory, so the total is {rest}"]


def set_quotas(
    uow: UnitOfWork,
    *,
    period: str,
    total: str | int | float | Decimal,
    method: str = "potential",
    weights: dict[str, float] | None = None,
    unit: str | int | float | Decimal = 1,
    overrides: dict[str, str] | None = None,
    granularity: str = "month",
    scenario: str | None = None,
    growth: GrowthRule | None = None,
    store: bool = True,
) -> QuotaSet:
    """Split ``total`` over the territories of ``scenario`` for ``period`` and store it.

    With ``store=False`` the set is computed and checked exactly as it would be stored,
    but nothing is written (a preview).
    """
    spec = parse_period(period)
    target = to_money(total, "total")
    step = to_money(unit, "round")
    if step <= 0:
        raise OptionError("round", f"{unit!r} must be above 0")
    try:
        how = QuotaMethod(method)
        gran = Granularity(granularity)
    except ValueError as exc:
        raise TerritorialError(str(exc)) from None
    fixed = {k: to_money(v, "override") for k, v in (overrides or {}).items()}
    require_territories(fixed, "this quota override")
    with uow:
        found = period_scenario(uow, scenario, spec)
        require_editable(found)
        frame = load_frame(uow, found)
        sales = uow.sales.list()
        labels = [lb for j, lb in enumerate(frame.labels) if (frame.territory == j).any()]
        unknown = sorted(set(fixed) - set(labels))
        if unknown:
            raise OptionError(
                "override",
                f"no territory {', '.join(map(repr, unknown))} in {found.name!r} "
                f"(territories: {', '.join(labels)})",
            )
        hist_start, hist_end, history_note = history_window(sales, found, spec)
        hist = sales_by_territory(sales, found, hist_start, hist_end)
        measures = {
            name: dict(zip(frame.labels, frame.territory_totals(name).tolist(), strict=True))
            for name in frame.measures
            if name != "history"
        }
        potential = measures.pop("potential")
        basis = QuotaBasis(
            ids=tuple(labels),
            potential=tuple(potential[lb] for lb in labels),
            history=tuple(max(hist.get(lb, 0.0), 0.0) for lb in labels),
            measures={n: tuple(max(v[lb], 0.0) for lb in labels) for n, v in measures.items()},
        )
        try:
            result = split_target(
                target, basis, how, unit=step, blend=weights, growth=growth, overrides=fixed
            )
        except ValueError as exc:
            raise TerritorialError(str(exc)) from None
        index = seasonal_index([s.date for s in sales], [s.amount for s in sales])
        quotas = []
        for label, amount in zip(result.ids, result.quotas, strict=True):
            slices = split_by_period(amount, spec, index, granularity=gran, unit=step)
            quotas.append(
                TerritoryQuota(
                    territory=label,
                    amount=amount,
                    rep_external_id=found.rep_of(label),
                    overridden=label in result.overridden,
                    slices=slices,
                )
            )
        used_weights = dict(weights or {}) if how is QuotaMethod.BLEND else {}
        quota_set = QuotaSet(
            scenario=found.name,
            period=spec,
            total=target,
            method=how.value,
            unit=step,
            granularity=gran.value,
            weights={**used_weights},
            seasonality=index.shares,
            seasonality_years=index.years,
            created_at=datetime.now(UTC),
            quotas=quotas,
            notes=[
                f"history = {history_note}",
                _season_note(index),
                *_empty_bases(basis, how, weights),
            ],
        )
        if quota_set.sum != target:  # the algorithms guarantee it; never store a wrong set
            raise TerritorialError(f"quotas add up to {quota_set.sum}, not {target}")
        if store:
            require(Role.MANAGER, "set quotas")
            # a stored set changes every territory's quota: all must be in the region
            require_territories(labels, "setting this quota set")
            uow.write_lock()
            uow.quotas.replace(quota_set)
            audit.record(
                uow,
                "quota.set",
                f"{found.name} {spec.label}",
                None,
                {"total": str(target), "method": how.value},
            )
            record_balance_snapshot(uow, found, frame, reason=f"quota set {spec.label}")
            uow.commit()
    return region_quota_set(quota_set)  # a limited manager's preview: their region


def region_quota_set(qs: QuotaSet, visible: set[str] | None = None) -> QuotaSet:
    """``qs`` as the current actor may see it: a manager limited to a region gets their
    territories only (so ``sum`` is the region's) and the transfers of ``visible``
    accounts; anyone else gets ``qs`` itself."""
    if limited_to() is None:
        return qs
    return replace(
        qs,
        quotas=[q for q in qs.quotas if in_region(q.territory)],
        transfers=[
            x for x in qs.transfers if visible is not None and x.account_external_id in visible
        ],
        notes=[*qs.notes, f"territories of region {current_actor().region} only"],
    )


def find_quota_set(uow: UnitOfWork, scenario: str, period: Period | None) -> QuotaSet | None:
    """The quota set for ``period`` (exact label, else one that contains it), or the latest."""
    periods = uow.quotas.periods(scenario)
    if not periods:
        return None
    if period is None:
        return uow.quotas.get(scenario, periods[-1].label)
    exact = [p for p in periods if p.label == period.label]
    containing = [p for p in periods if p.contains(period)]
    chosen = exact or sorted(containing, key=lambda p: (p.end - p.start).days)
    return uow.quotas.get(scenario, chosen[0].label) if chosen else None


def show_quotas(
    uow: UnitOfWork, period: str | None = None, scenario: str | None = None
) -> QuotaSet:
    """The stored quota set of ``scenario`` for ``period`` (default: the latest one)."""
    with uow:
        spec = parse_period(period) if period else None
        found = period_scenario(uow, scenario, spec) if spec else resolve_scenario(uow, scenario)
        qs = find_quota_set(uow, found.name, spec)
        if qs is not None:
            qs.transfers = uow.publishing.transfers(found.name, qs.period.label)
            qs = region_quota_set(qs, visible_accounts(uow))
        if qs is None:
            known = ", ".join(p.label for p in uow.quotas.periods(found.name)) or "none"
            wanted = f"for {period} " if period else ""
            raise MissingStep(
                f"no quotas {wanted}in scenario {found.name!r} (periods with quotas: {known})",
                "quotas",
            )
    return qs


def quota_set_dict(qs: QuotaSet) -> dict[str, Any]:
    """JSON form of a quota set (amounts as decimal strings)."""
    return {
        "scenario": qs.scenario,
        "period": {
            "label": qs.period.label,
            "start": str(qs.period.start),
            "end": str(qs.period.end),
        },
        "total": str(qs.total),
        "sum": str(qs.sum),
        "method": qs.method,
        "weights": qs.weights,
        "unit": str(qs.unit),
        "granularity": qs.granularity,
        "seasonality": {"shares": list(qs.seasonality), "years": qs.seasonality_years},
        "territories": [
            {
                "territory": q.territory,
                "rep_external_id": q.rep_external_id,
                "quota": str(q.amount),
                "overridden": q.overridden,
                "slices": [
                    {
                        "label": s.label,
                        "start": str(s.start),
                        "end": str(s.end),
                        "quota": str(s.amount),
                    }
                    for s in q.slices
                ],
            }
            for q in qs.quotas
        ],
        "reps": {rep: str(amount) for rep, amount in sorted(qs.rep_quotas().items())},
        "transfers": [x.to_dict() for x in qs.transfers],
    }


QUOTA_COLUMNS = (
    "scenario",
    "period",
    "territory",
    "rep_external_id",
    "slice",
    "start",
    "end",
    "quota",
)


def export_quotas(uow: UnitOfWork, path: Path, scenario: str | None = None) -> int:
    """Every quota set of the scenario as CSV: one ``total`` row per territory and period,
    then one row per slice. Returns the number of rows."""
    with uow:
        found = resolve_scenario(uow, scenario)
        sets = [uow.quotas.get(found.name, p.label) for p in uow.quotas.periods(found.name)]
    rows: list[list[str]] = []
    for stored in sets:
        assert stored is not None
        qs = region_quota_set(stored)  # a limited manager: their region's rows
        for q in sorted(qs.quotas, key=lambda q: q.territory):
            base = [qs.scenario, qs.period.label, q.territory, q.rep_external_id or ""]
            rows.append([*base, "total", str(qs.period.start), str(qs.period.end), str(q.amount)])
            for s in q.slices:
                rows.append([*base, s.label, str(s.start), str(s.end), str(s.amount)])
    write_rows_csv(QUOTA_COLUMNS, rows, Path(path))  # formula-looking text neutralised
    return len(rows)
