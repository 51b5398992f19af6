"""A rep's own view: their territory's accounts by tier, goals, quota and attainment.

Everything here is scoped to one rep; nothing of another territory is ever returned, so
the web app can hand it to a rep's phone as it is (and cache it for offline use).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import numpy as np

from territorial.domain import TerritorialError
from territorial.domain.users import Role
from territorial.metrics.tiers import assign_tiers
from territorial.services.actor import current_actor
from territorial.services.frame import load_frame
from territorial.services.goals import list_goals
from territorial.services.period_sales import rep_attainment
from territorial.services.scenarios import resolve_scenario
from territorial.storage import UnitOfWork

TIER_ORDER = {"A": 0, "B": 1, "C": 2}


class NotYours(TerritorialError):
    """The account is not in the rep's territory (the web answers 404, as for no account)."""


@dataclass(frozen=True)
class RepView:
    rep: dict[str, Any]
    scenario: str
    territories: list[str]
    accounts: list[dict[str, Any]]
    goals: list[dict[str, Any]]
    quota: dict[str, Any] | None
    refreshed_at: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "rep": self.rep,
            "scenario": self.scenario,
            "territories": self.territories,
            "tiers": {t: sum(a["tier"] == t for a in self.accounts) for t in TIER_ORDER},
            "accounts": self.accounts,
            "goals": self.goals,
            "quota": self.quota,
            "refreshed_at": self.refreshed_at,
        }


def _own_rep_id(rep_id: int | None) -> int:
    """The rep whose view is asked for: a rep user sees only their own."""
    actor = current_actor()
    if actor.role is Role.REP:
        if actor.rep_id is None:
            raise TerritorialError(f"{actor.name} is a rep login tied to no rep")
        return actor.rep_id
    if rep_id is None:
        raise TerritorialError("name the rep whose view to show")
    return rep_id


def rep_external_id(uow: UnitOfWork, rep_id: int | None = None) -> str:
    """The external id of the rep whose view is asked for (a rep user: their own)."""
    wanted = _own_rep_id(rep_id)
    with uow:
        ids = uow.reps.ids_by_external_id()
    found = next((ext for ext, i in ids.items() if i == wanted), None)
    if found is None:
        raise TerritorialError("no such rep in the workspace")
    return found


def rep_view(uow: UnitOfWork, rep_id: int | None = None, as_of: date | None = None) -> RepView:
    """The view of rep ``rep_id`` (a rep user: always their own) on the active alignment."""
    wanted = _own_rep_id(rep_id)
    with uow:
        scenario = resolve_scenario(uow, None)
        frame = load_frame(uow, scenario)
        visits = uow.visits.list()
        ids = uow.reps.ids_by_external_id()
    rep = next((r for r in frame.reps.values() if ids.get(r.external_id) == wanted), None)
    if rep is None:
        raise TerritorialError("no such rep in the workspace")
    mine = [t.name for t in scenario.territories if t.rep_external_id == rep.external_id]
    last_visit: dict[str, date] = {}
    for v in visits:
        if v.account_external_id not in last_visit or v.date > last_visit[v.account_external_id]:
            last_visit[v.account_external_id] = v.date
    labels = set(mine)
    accounts = []
    revenue, potential = frame.measure("revenue"), frame.measure("potential")
    tiers = assign_tiers(potential, revenue)
    for i in np.flatnonzero(frame.territory >= 0):
        if frame.labels[frame.territory[i]] not in labels:
            continue
        a = frame.accounts[i]
        seen = last_visit.get(a.external_id)
        accounts.append(
            {
                "external_id": a.external_id,
                "name": a.name,
                "street": a.street,
                "city": a.city,
                "state": a.state,
                "zip": a.zip,
                "territory": frame.labels[frame.territory[i]],
                "tier": tiers.tier[i],
                "revenue": float(revenue[i]),
                "potential": float(potential[i]),
                "last_visit": seen.isoformat() if seen else None,
                "lat": float(frame.lat[i]),
                "lon": float(frame.lon[i]),
            }
        )
    accounts.sort(key=lambda x: (TIER_ORDER[x["tier"]], -x["potential"], x["external_id"]))
    return RepView(
        rep={
            "id": rep.external_id,
            "name": rep.name,
            "email": rep.email,
            "home": [rep.home_latitude, rep.home_longitude],
        },
        scenario=scenario.name,
        territories=mine,
        accounts=accounts,
        goals=_goals(uow, rep.external_id, rep.name, labels, as_of),
        quota=_quota(uow, rep.external_id, as_of),
        refreshed_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )


def _goals(
    uow: UnitOfWork, rep_id: str, rep_name: str, territories: set[str], as_of: date | None
) -> list[dict[str, Any]]:
    rows = list_goals(uow, as_of)
    return [
        g.to_dict()
        for g in rows
        if g.record.subject in territories
        or g.record.subject == rep_id
        or g.record.owner in (rep_id, rep_name)
    ]


def _quota(uow: UnitOfWork, rep_id: str, as_of: date | None) -> dict[str, Any] | None:
    """The rep's quota and attainment in the current period (None when no quota is set):
    their territories only, not the whole monitor."""
    found = rep_attainment(uow, rep_id, as_of)
    if found is None:
        return None
    period, mine = found
    return {
        "period": period.label,
        "as_of": str(as_of or date.today()),
        "quota": mine.quota,
        "actual": mine.actual,
        "attainment": mine.attainment,
        "expected": mine.expected,
        "pace": mine.pace,
        "projection": mine.projection,
    }


def rep_account(view: RepView, external_id: str) -> dict[str, Any]:
    """One account of the rep's view; NotYours when it is not in their territory."""
    for account in view.accounts:
        if account["external_id"] == external_id:
            return account
    raise NotYours(f"no account {external_id!r} in your territory")
