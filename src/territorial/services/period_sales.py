"""The sales a monitored period counts, and one rep's attainment without the whole monitor.

The monitor (:mod:`territorial.services.monitor`) and a rep's own view share these rules:
the alignment in force during the period, its quota set, and which territory each sale
counts for (for an alignment published during the period, a sale dated before its
effective date counts for the territory the account had then, when that territory holds
a quota in the set).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from territorial.domain import Sale, Scenario, TerritorialError
from territorial.domain.errors import MissingStep
from territorial.domain.period import Period, QuotaSlice, parse_period
from territorial.domain.planning import QuotaSet
from territorial.metrics.performance import Attainment, attainment
from territorial.optimize.quota_carry import quota_within
from territorial.services.quotas import find_quota_set
from territorial.services.scenarios import resolve_scenario
from territorial.storage import UnitOfWork

Quotas = dict[str, tuple[Decimal, list[QuotaSlice]]]


@dataclass
class PeriodSales:
    """What a monitored period needs from the database besides the frame."""

    found: Scenario
    qs: QuotaSet
    spec: Period
    until: date
    sales: list[Sale]
    switch: date | None = None
    replaced: str | None = None
    before_where: dict[str, str] = field(default_factory=dict)


def period_sales(
    uow: UnitOfWork, period: str | None, day: date, scenario: str | None, *, with_sales: bool = True
) -> PeriodSales:
    """The scenario in force during ``period`` (on ``day``, or the period's last day if
    earlier), its quota set, and (``with_sales``) the period's sales up to ``day``
    (inside an open uow)."""
    spec = parse_period(period) if period else None
    # a publish scheduled after the period does not take its monitoring away
    on = min(day, spec.end) if spec is not None else day
    found = resolve_scenario(uow, scenario, on)
    qs = find_quota_set(uow, found.name, spec)
    if qs is None:
        raise MissingStep(
            f"no quotas cover {period or 'any period'} in scenario {found.name!r}", "quotas"
        )
    spec = spec or qs.period
    until = min(day, spec.end)
    sales = [s for s in uow.sales.list(since=spec.start) if s.date <= until] if with_sales else []
    out = PeriodSales(found, qs, spec, until, sales)
    published = uow.publishing.last_published(found.name)
    if (
        published is not None
        and published.other is not None
        and published.effective is not None
        and published.effective > spec.start
    ):
        replaced = uow.scenarios.get(published.other)
        if replaced is not None:
            out.switch, out.replaced = published.effective, published.other
            out.before_where = replaced.assignments
    return out


def counted_for(data: PeriodSales, account: str, before_switch: bool, quotas: Quotas) -> str | None:
    """The territory a sale of ``account`` counts for (dated before the switch or not)."""
    if before_switch:
        earlier = data.before_where.get(account)
        if earlier is not None and earlier in quotas:
            return earlier
    return data.found.assignments.get(account)


def attribute_sales(
    data: PeriodSales, quotas: Quotas
) -> tuple[dict[str, float], dict[str, list[tuple[date, float]]]]:
    """Each territory's sales total and its (date, amount) sales in the period."""
    actual: dict[str, float] = defaultdict(float)
    sales_of: dict[str, list[tuple[date, float]]] = defaultdict(list)
    for s in data.sales:
        early = data.switch is not None and s.date < data.switch
        terr = counted_for(data, s.account_external_id, early, quotas)
        if terr is not None:
            actual[terr] += s.amount
            sales_of[terr].append((s.date, s.amount))
    return actual, sales_of


def rep_attainment(
    uow: UnitOfWork, rep_external_id: str, as_of: date | None = None
) -> tuple[Period, Attainment] | None:
    """The rep's quota and attainment in the current period of the active alignment, as
    the monitor reports it (to rounding), for their territories only: sales are summed
    per account in the database, not listed (None: no quota)."""
    day = as_of or date.today()
    with uow:
        try:
            data = period_sales(uow, None, day, None, with_sales=False)
        except TerritorialError:
            return None
        quotas = quota_within(data.qs, data.spec)
        mine = {
            t.name
            for t in data.found.territories
            if t.rep_external_id == rep_external_id and t.name in quotas
        }
        if not mine:
            return None
        start, until, switch = data.spec.start, data.until, data.switch
        parts = (
            [(False, uow.sales.totals_between(start, until))]
            if switch is None
            else [
                (True, uow.sales.totals_between(start, min(until, switch - timedelta(days=1)))),
                (False, uow.sales.totals_between(switch, until)),
            ]
        )
    done = sum(
        amount
        for early, totals in parts
        for account, amount in totals.items()
        if counted_for(data, account, early, quotas) in mine
    )
    labels = sorted(mine)
    quota = sum((quotas[t][0] for t in labels), Decimal(0))
    split = [s for t in labels for s in quotas[t][1]]
    return data.spec, attainment(rep_external_id, quota, done, data.spec, day, split=split)
