"""Quota arithmetic across alignments and periods: carry a quota set, clip it to a period.

Pure: domain records in, domain records out, no storage.

- A territory's quota *remaining* on an effective date is the part of its slices from
  that day on (a slice cut by the date counts pro rata to its days, to the cent; a
  quota without slices counts as one slice over the whole period).
- Carrying a quota set to a new alignment: the accounts that change territory carry
  their share of the remaining quota (:func:`territorial.optimize.quota.prorate_moves`
  with the period starting on the effective date); the moved amounts leave the old
  territory's remaining slices in proportion to them and join the new territory's
  slices of the same labels, so territory, slice and company totals stay exact.
- The quota of a set inside a sub-period (a quarter of a yearly set): its slices
  clipped to it (see :func:`territorial.optimize.quota.clip_slices`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal

from territorial.domain import Scenario, TerritorialError
from territorial.domain.period import Period, QuotaSlice
from territorial.domain.planning import QuotaSet, TerritoryQuota
from territorial.domain.publishing import QuotaTransferRecord
from territorial.optimize.quota import (
    AccountMove,
    apportion,
    clip_slices,
    prorate_moves,
    prorated_slice,
)

__all__ = ["carry_quota_set", "quota_within", "remaining_part", "remaining_quota"]


def _whole(q: TerritoryQuota, period: Period, label: str | None = None) -> list[QuotaSlice]:
    """The slices of ``q``, or one slice over the whole period when it has none."""
    return q.slices or [QuotaSlice(label or period.label, period.start, period.end, q.amount)]


def remaining_part(s: QuotaSlice, effective: date) -> Decimal:
    """The part of slice ``s`` from ``effective`` on (pro rata to days when cut)."""
    part = prorated_slice(s, effective, s.end)
    return Decimal(0) if part is None else part.amount


def remaining_quota(q: TerritoryQuota, period: Period, effective: date) -> Decimal:
    """The part of ``q`` (a quota for ``period``) from ``effective`` on."""
    return sum((remaining_part(s, effective) for s in _whole(q, period)), Decimal(0))


def quota_within(qs: QuotaSet, period: Period) -> dict[str, tuple[Decimal, list[QuotaSlice]]]:
    """Quota and slices of each territory of ``qs`` inside ``period`` (a part of its
    period, or the period itself, where each territory keeps its quota exactly)."""
    out = {}
    for q in qs.quotas:
        slices = clip_slices(_whole(q, qs.period, period.label), period)
        if qs.period.label == period.label:
            out[q.territory] = (q.amount, slices)
        else:
            out[q.territory] = (sum((s.amount for s in slices), Decimal(0)), slices)
    return out


def carry_quota_set(
    qs: QuotaSet,
    old: Scenario,
    new: Scenario,
    basis: Mapping[str, float],
    effective: date,
    *,
    now: datetime | None = None,
) -> tuple[QuotaSet, list[QuotaTransferRecord]]:
    """The quota set ``qs`` of ``old`` carried to ``new`` from ``effective`` on.

    ``basis`` is each account's weight inside its territory's quota. The result sums
    exactly to ``qs.total``; only accounts assigned in both scenarios to different
    territories carry quota; ``now`` is its creation time.
    """
    period = qs.period
    if effective > period.end:
        raise ValueError(f"the period {qs.period.label} ended before {effective}")
    amount = {q.territory: q.amount for q in qs.quotas}
    remaining = {q.territory: remaining_quota(q, period, effective) for q in qs.quotas}
    where = {ext: terr for ext, terr in old.assignments.items()}
    for terr in set(where.values()):
        remaining.setdefault(terr, Decimal(0))
    moves = [
        AccountMove(ext, new.assignments[ext], effective)
        for ext, terr in sorted(where.items())
        if ext in new.assignments and new.assignments[ext] != terr
    ]
    window = Period(max(effective, period.start), period.end)
    result = prorate_moves(remaining, where, basis, moves, window, unit=qs.unit)

    # slices: the elapsed part stays; each transfer leaves the source's remaining slices
    # in proportion to them and joins the destination's slices of the same labels
    template = next((q.slices for q in qs.quotas if q.slices), [])
    slices: dict[str, dict[str, Decimal]] = {
        q.territory: {s.label: s.amount for s in q.slices} for q in qs.quotas if q.slices
    }
    weights = {
        q.territory: [float(remaining_part(s, effective)) for s in q.slices]
        for q in qs.quotas
        if q.slices
    }
    remaining_days = [float(max((s.end - max(s.start, effective)).days + 1, 0)) for s in template]
    transfers: list[QuotaTransferRecord] = []
    for x in result.transfers:
        before = amount.get(x.from_territory, Decimal(0))
        transfers.append(
            QuotaTransferRecord(
                account_external_id=x.account_id,
                from_territory=x.from_territory,
                to_territory=x.to_territory,
                effective=effective,
                share=x.account_share,
                remaining=float(remaining[x.from_territory] / before) if before > 0 else 0.0,
                amount=x.amount,
            )
        )
        if not template or x.amount == 0:
            continue
        w = weights.get(x.from_territory) or remaining_days
        parts, _ = apportion(x.amount, w if sum(w) > 0 else remaining_days, qs.unit)
        for side, sign in ((x.from_territory, -1), (x.to_territory, 1)):
            row = slices.setdefault(side, {s.label: Decimal(0) for s in template})
            for s, part in zip(template, parts, strict=True):
                row[s.label] += sign * part

    new_amount = {t: amount.get(t, Decimal(0)) for t in amount}
    for terr, value in result.quotas.items():
        new_amount[terr] = amount.get(terr, Decimal(0)) + (value - remaining.get(terr, Decimal(0)))
    old_by_name = {q.territory: q for q in qs.quotas}
    order = new.leaf_labels()
    order += [t for t in new_amount if t not in order and new_amount[t] != 0]
    quotas = []
    for terr in order:
        value = new_amount.get(terr, Decimal(0))
        previous = old_by_name.get(terr)
        in_new = new.territory(terr) is not None
        rep = new.rep_of(terr) if in_new else (previous.rep_external_id if previous else None)
        row = slices.get(terr) or ({s.label: Decimal(0) for s in template} if template else {})
        quotas.append(
            TerritoryQuota(
                territory=terr,
                amount=value,
                rep_external_id=rep,
                overridden=bool(previous and previous.overridden),
                slices=[QuotaSlice(s.label, s.start, s.end, row[s.label]) for s in template],
            )
        )
    carried = QuotaSet(
        scenario=new.name,
        period=qs.period,
        total=qs.total,
        method=qs.method,
        unit=qs.unit,
        granularity=qs.granularity,
        weights=dict(qs.weights),
        seasonality=qs.seasonality,
        seasonality_years=qs.seasonality_years,
        created_at=now,
        quotas=quotas,
        notes=[f"carried from {old.name} on publish, effective {effective}"],
        transfers=transfers,
    )
    if carried.sum != qs.total:  # prorate_moves conserves exactly; never store a wrong set
        raise TerritorialError(f"carried quotas add up to {carried.sum}, not {qs.total}")
    return carried, transfers
