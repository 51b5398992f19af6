"""Reps and geography after a design: who takes which territory, and how far they drive.

A design that keeps the base's territories but not its centres at rep homes (the
diameter objective, vacancies, free centres) may leave a rep far from the territory
that kept their name; :func:`rematch_reps` reassigns the reps optimally on distance
from home and continuity (:func:`territorial.optimize.assign.assign_reps`).
:func:`rep_distances` is what a manager looks at first: per territory, its rep's home
to the territory's centre, and the mean distance from the home to its accounts.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from territorial.domain import Scenario
from territorial.geo.geodesy import haversine_km, spherical_centre
from territorial.optimize.assign import AccountTable, AssignWeights, RepProfile, assign_reps
from territorial.services.frame import ScenarioFrame

# travel from home and continuity only: skills and experience are for `assign`
GEOGRAPHY = AssignWeights(travel=0.5, fit=0.0, experience=0.0, continuity=0.5)


@dataclass(frozen=True)
class RepDistance:
    """How far a territory's rep lives from it (km, great-circle)."""

    territory: str
    rep: str | None
    accounts: int  # every account it holds, those without a location too
    home_to_centre_km: float | None
    mean_account_km: float | None  # over its located accounts
    located: int = 0  # its located accounts (the mean's weight)


def _labels(frame: ScenarioFrame, scenario: Scenario) -> list[str]:
    return [scenario.assignments.get(ext, "") for ext in frame.external_ids]


def rematch_reps(frame: ScenarioFrame, scenario: Scenario) -> int:
    """Give the base's reps to ``scenario``'s territories by home distance and continuity.

    ``frame`` is the base scenario's (its territories give each account's current rep).
    Returns how many territories changed rep.
    """
    reps = [frame.rep_of(t.name) for t in scenario.territories if t.rep_external_id]
    profiles = []
    for rep in {r.external_id: r for r in reps if r is not None}.values():
        try:
            profiles.append(RepProfile.from_rep(rep))
        except ValueError:
            return 0  # a rep without a home: nothing to match on
    leaves = [t.name for t in scenario.territories if t.name in scenario.assignments.values()]
    if len(profiles) < 2 or not leaves:
        return 0
    owners = [frame.rep_of(frame.labels[j]) if j >= 0 else None for j in frame.territory]
    table = AccountTable(
        territory=_labels(frame, scenario),
        lat=frame.lat,
        lon=frame.lon,
        industry=[a.industry or "" for a in frame.accounts],
        potential=frame.measure("potential"),
        revenue=frame.measure("revenue"),
        workload=frame.measure("accounts"),
        owner=[r.external_id if r else None for r in owners],
    )
    result = assign_reps(profiles, leaves, table, weights=GEOGRAPHY)
    matched = {a.territory_id: a.rep_id for a in result.assignments}
    changed = 0
    for territory in scenario.territories:  # a leaf left without a rep is vacant
        if territory.name in leaves and territory.rep_external_id != matched.get(territory.name):
            territory.rep_external_id = matched.get(territory.name)
            changed += 1
    return changed


def rep_distances(frame: ScenarioFrame, scenario: Scenario) -> list[RepDistance]:
    """Per leaf territory of ``scenario``: its rep, home to centre, mean home to accounts."""
    labels = np.array(_labels(frame, scenario), dtype=object)
    held = Counter(scenario.assignments.values())  # with the accounts not on the map
    out = []
    for territory in scenario.territories:
        idx = np.flatnonzero(labels == territory.name)
        if not len(idx):
            continue
        rep = frame.reps.get(territory.rep_external_id or "")
        home = (
            None
            if rep is None or rep.home_latitude is None or rep.home_longitude is None
            else (rep.home_latitude, rep.home_longitude)
        )
        centre_km = mean_km = None
        if home is not None:
            c_lat, c_lon = spherical_centre(frame.lat[idx], frame.lon[idx])
            centre_km = float(haversine_km(home[0], home[1], c_lat, c_lon))
            mean_km = float(haversine_km(frame.lat[idx], frame.lon[idx], *home).mean())
        out.append(
            RepDistance(
                territory.name,
                rep.name if rep else None,
                held[territory.name],
                centre_km,
                mean_km,
                len(idx),
            )
        )
    return out


FAR = 2.0  # a rep whose accounts average this many times the plan's mean km is named


def far_reps_note(reps: list[RepDistance], *, homes_ignored: bool = False) -> str | None:
    """A note naming the reps whose accounts are on average more than :data:`FAR` times
    the plan's mean distance from home (a rep living away from their accounts), or None.

    ``homes_ignored``: the design's objective did not look at homes (diameter), so the
    advice is the objective that does, not the balance."""
    known = [r for r in reps if r.mean_account_km is not None and r.located]
    weight = sum(r.located for r in known)
    if not weight:
        return None
    mean = sum((r.mean_account_km or 0.0) * r.located for r in known) / weight
    far = sorted(
        (r for r in known if (r.mean_account_km or 0.0) > FAR * mean),
        key=lambda r: -(r.mean_account_km or 0.0),
    )
    if not far:
        return None
    named = ", ".join(f"{r.rep} ({r.territory}, {r.mean_account_km:,.0f} km)" for r in far)
    why = (
        "the diameter objective makes territories compact wherever the reps live "
        "(the default travel objective designs them around rep homes)"
        if homes_ignored
        else "balance gives them accounts away from home (`territorial assign` checks "
        "whether another rep suits the territory better)"
    )
    plan = f"against {mean:,.0f} km for the plan as a whole"
    return f"far from their accounts: {named}, {plan}; {why}"
