"""The rep's territory pack: a printable booklet to work from without a connection.

The rep's map, their accounts by tier (A/B/C, as the territory plans rank them) with
addresses, their goals, and their quota by month.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from territorial.domain import Rep, TerritorialError
from territorial.domain.period import parse_period
from territorial.metrics.tiers import assign_tiers
from territorial.reports import column_chart
from territorial.services.frame import load_frame
from territorial.services.goals import list_goals
from territorial.services.mapdata import scenario_map
from territorial.services.quotas import find_quota_set
from territorial.services.report_maps import TIER_COLORS, territory_svg
from territorial.services.scenarios import resolve_scenario
from territorial.storage import UnitOfWork

__all__ = ["find_rep", "rep_pack_context"]


def find_rep(reps: list[Rep], key: str) -> Rep:
    """The rep whose external id, email or name is ``key`` (case-insensitive)."""
    wanted = key.strip().lower()
    for attr in ("external_id", "email", "name"):
        found = [r for r in reps if (getattr(r, attr) or "").strip().lower() == wanted]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise TerritorialError(f"{len(found)} reps have the {attr} {key!r}; use the rep id")
    known = ", ".join(sorted(r.external_id for r in reps)[:20]) or "none"
    raise TerritorialError(f"no rep with the id, email or name {key!r} (reps: {known})")


def rep_pack_context(
    uow: UnitOfWork,
    rep_key: str,
    scenario: str | None = None,
    period: str | None = None,
    as_of: date | None = None,
) -> dict[str, Any]:
    """Everything in a rep's pack; raises when the rep holds no territory."""
    with uow:
        found = resolve_scenario(uow, scenario)
        rep = find_rep(uow.reps.list(), rep_key)
        frame = load_frame(uow, found)
        qs = find_quota_set(uow, found.name, parse_period(period) if period else None)
        visits: dict[str, str] = {}
        for v in uow.visits.list():
            day = v.date.isoformat()
            if day > visits.get(v.account_external_id, ""):
                visits[v.account_external_id] = day
    names = [t.name for t in found.territories if t.rep_external_id == rep.external_id]
    if not names:
        raise TerritorialError(f"{rep.name} holds no territory in scenario {found.name!r}")
    tiers = assign_tiers(frame.measure("potential"), frame.measure("revenue"))
    potential, revenue = frame.measure("potential"), frame.measure("revenue")
    by_tier: dict[str, list[dict[str, Any]]] = {"A": [], "B": [], "C": []}
    tier_of: dict[str, str] = {}
    held = set(names)
    for i, account in enumerate(frame.accounts):
        territory = found.assignments.get(account.external_id)
        if territory not in held:
            continue
        tier = tiers.tier[i]
        tier_of[account.external_id] = tier
        by_tier[tier].append(
            {
                "id": account.external_id,
                "name": account.name,
                "territory": territory,
                "address": ", ".join(
                    x for x in (account.street, account.city, account.state, account.zip) if x
                ),
                "industry": account.industry,
                "potential": float(potential[i]),
                "revenue": float(revenue[i]),
                "last_visit": visits.get(account.external_id),
            }
        )
    for rows in by_tier.values():
        rows.sort(key=lambda r: (-r["potential"], r["name"]))
    unlocated = sorted(
        ext for ext, t in found.assignments.items() if t in held and ext in set(frame.unlocated)
    )
    goals = [
        g.to_dict()
        for g in list_goals(uow, as_of)
        if (g.record.scope == "territory" and g.record.subject in held)
        or (g.record.scope == "rep" and g.record.subject == rep.external_id)
    ]
    months: dict[str, Decimal] = defaultdict(Decimal)
    quota_total = None
    if qs is not None:
        quota_total = Decimal(0)
        for q in qs.quotas:
            if q.territory in held:
                quota_total += q.amount
                for s in q.slices:
                    months[s.label] += s.amount
    quota_chart = (
        column_chart(
            list(months),
            [("quota", [float(v) for v in months.values()], "#4e79a7")],
            title="quota by month",
        )
        if months
        else None
    )
    data = scenario_map(uow, found.name)
    home = None
    if rep.home_latitude is not None and rep.home_longitude is not None:
        home = (rep.home_longitude, rep.home_latitude)
    return {
        "scenario_name": found.name,
        "title": f"Territory pack: {rep.name}",
        "subtitle": f"{', '.join(names)} · scenario {found.name}",
        "rep": rep,
        "territories": names,
        "by_tier": by_tier,
        "counts": {k: len(v) for k, v in by_tier.items()},
        "totals": {
            "potential": sum(r["potential"] for v in by_tier.values() for r in v),
            "revenue": sum(r["revenue"] for v in by_tier.values() for r in v),
        },
        "unlocated": unlocated,
        "goals": goals,
        "quota_period": qs.period.label if qs is not None else None,
        "quota_total": float(quota_total) if quota_total is not None else None,
        "quota_months": [(k, float(v)) for k, v in months.items()],
        "quota_chart": quota_chart,
        "map": territory_svg(data, held, tier_of, home),
        "tier_colors": TIER_COLORS,
    }
