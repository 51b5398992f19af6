"""Per-territory figures the planning services share: workload, sales, bases, reps.

Workload is :func:`territorial.metrics.workload.stop_workload_hours` (via
``ScenarioFrame.workload``), the model design and assess use. Bases (the rep's home
when known, else the territory's centre) give the travel distances for cost of sales.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import numpy as np

from territorial.domain import Sale, Scenario, ScenarioStatus, TerritorialError
from territorial.metrics import TravelModel, haversine_km, spherical_centre
from territorial.services.frame import ScenarioFrame

WORKING_WEEKS = 46.0


@dataclass
class Bases:
    """Where each territory's travel starts: (lat, lon) per label, and the distance per account."""

    lat: np.ndarray
    lon: np.ndarray
    account_km: np.ndarray  # nan for unassigned accounts


def territory_bases(frame: ScenarioFrame) -> Bases:
    """The rep's home, else the centre of the territory's accounts (per frame label)."""
    n = len(frame.labels)
    lat = np.zeros(n)
    lon = np.zeros(n)
    for j, label in enumerate(frame.labels):
        rep = frame.rep_of(label)
        members = frame.territory == j
        if rep is not None and rep.home_latitude is not None and rep.home_longitude is not None:
            lat[j], lon[j] = rep.home_latitude, rep.home_longitude
        elif members.any():
            lat[j], lon[j] = spherical_centre(frame.lat[members], frame.lon[members])
    km = np.full(len(frame.accounts), np.nan)
    mask = frame.territory >= 0
    if mask.any():
        t = frame.territory[mask]
        km[mask] = haversine_km(frame.lat[mask], frame.lon[mask], lat[t], lon[t])
    return Bases(lat, lon, km)


def account_workload(frame: ScenarioFrame, travel: TravelModel | None = None) -> np.ndarray:
    """Hours a year each account of ``frame`` needs: the model design and assess use."""
    return frame.workload(travel or TravelModel())


def per_territory(frame: ScenarioFrame, values: np.ndarray) -> dict[str, float]:
    """Sum ``values`` (one per account) per territory label."""
    mask = frame.territory >= 0
    sums = np.bincount(frame.territory[mask], values[mask], minlength=len(frame.labels))
    return {label: float(sums[j]) for j, label in enumerate(frame.labels)}


def sales_by_territory(
    sales: Iterable[Sale], scenario: Scenario, start: date, end: date
) -> dict[str, float]:
    """Sales dated in ``[start, end]`` per territory of ``scenario`` (by account)."""
    where = scenario.assignments
    out: dict[str, float] = defaultdict(float)
    for s in sales:
        if start <= s.date <= end:
            terr = where.get(s.account_external_id)
            if terr is not None:
                out[terr] += s.amount
    return dict(out)


def yearly_capacity(hours_per_week: float | None, default: float = 40.0) -> float:
    """A rep's yearly hours: hours per week times the working weeks."""
    return (default if hours_per_week is None else hours_per_week) * WORKING_WEEKS


def require_editable(scenario: Scenario) -> None:
    """Refuse to change an archived scenario."""
    if scenario.status is ScenarioStatus.ARCHIVED:
        raise TerritorialError(
            f"scenario {scenario.name!r} is archived and cannot be changed; copy it first"
        )


def parse_pairs(items: Iterable[str], what: str) -> dict[str, str]:
    """``["A=1", "B=2,C=3"]`` -> ``{"A": "1", "B": "2", "C": "3"}``."""
    out: dict[str, str] = {}
    for item in items:
        for part in item.split(","):
            if not part.strip():
                continue
            key, sep, value = part.partition("=")
            if not sep or not key.strip() or not value.strip():
                raise TerritorialError(f"{what}: expected NAME=VALUE, got {part.strip()!r}")
            out[key.strip()] = value.strip()
    return out


def parse_weights(items: Iterable[str], what: str) -> dict[str, float]:
    """``["potential=0.6,history=0.4"]`` -> ``{"potential": 0.6, "history": 0.4}``."""
    out: dict[str, float] = {}
    for key, value in parse_pairs(items, what).items():
        try:
            out[key] = float(value)
        except ValueError:
            raise TerritorialError(f"{what}: {key}={value!r} is not a number") from None
    return out
