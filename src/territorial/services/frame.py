"""A scenario as arrays: the bridge between stored accounts and the pure algorithms.

Measures available by name:

- ``accounts``: 1 per account (the count);
- ``potential``: the account's potential;
- ``revenue``: our sales to the account over the last 12 months of sales history when
  the workspace has any, else the account's annual revenue from the CRM (the frame
  says which in ``revenue_source``);
- ``annual_revenue``, ``employees``, ``visits_per_year``, ``visit_minutes``;
- ``competitors``: the potential of accounts where a competitor is present
  (``competitor_presence`` true), 0 elsewhere; ``competitor_accounts``: 1 per such
  account (the count). An unknown presence counts as absent;
- any numeric extra field the user imported, by its column name;
- ``workload``: hours a year, visits x (visit + per-stop travel time), see
  :func:`territorial.metrics.workload.stop_workload_hours`.

Missing numbers count as 0; missing visit frequency and duration take the defaults
below, and the frame counts how many accounts needed them.

Accounts without a location are not on any map, but they are in their territories:
the frame keeps them apart (:class:`OffMap`), and every balance figure adds their
totals per territory (:meth:`ScenarioFrame.off_map_totals`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np

from territorial.domain import Account, Rep, Scenario, TerritorialError
from territorial.io.values import parse_float
from territorial.metrics.workload import TravelModel, stop_workload_hours
from territorial.services.unit_of_work import UnitOfWorkProtocol

DEFAULT_VISITS_PER_YEAR = 12.0
DEFAULT_VISIT_MINUTES = 60.0
BUILTIN_MEASURES = (
    "accounts",
    "potential",
    "revenue",
    "annual_revenue",
    "employees",
    "visits_per_year",
    "visit_minutes",
    "competitors",
    "competitor_accounts",
)


@dataclass
class OffMap:
    """The scenario's accounts without a location: their territories and measures."""

    ids: list[str] = field(default_factory=list)
    territory: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    measures: dict[str, np.ndarray] = field(default_factory=dict)
    visits_per_year: np.ndarray = field(default_factory=lambda: np.zeros(0))
    visit_minutes: np.ndarray = field(default_factory=lambda: np.zeros(0))

    def keep(self, mask: np.ndarray, territory: np.ndarray | None = None) -> OffMap:
        """Only the accounts of ``mask``, with ``territory`` (renumbered) when given."""
        return OffMap(
            [e for e, m in zip(self.ids, mask, strict=True) if m],
            self.territory[mask] if territory is None else territory[mask],
            {k: v[mask] for k, v in self.measures.items()},
            self.visits_per_year[mask],
            self.visit_minutes[mask],
        )


@dataclass
class ScenarioFrame:
    """The located accounts of a scenario as aligned arrays (index i = account i)."""

    scenario: Scenario
    accounts: list[Account]
    lat: np.ndarray
    lon: np.ndarray
    territory: np.ndarray  # index into labels, -1 = unassigned
    labels: list[str]
    reps: dict[str, Rep]  # by external id
    measures: dict[str, np.ndarray]
    visits_per_year: np.ndarray
    visit_minutes: np.ndarray
    revenue_source: str
    defaulted_visits: int = 0
    off_map: OffMap = field(default_factory=OffMap)

    @property
    def unlocated(self) -> list[str]:
        """External ids of the accounts without a location."""
        return self.off_map.ids

    @property
    def external_ids(self) -> list[str]:
        return [a.external_id for a in self.accounts]

    def measure(self, name: str) -> np.ndarray:
        """The named measure per account; raises with the list of known names."""
        if name not in self.measures:
            known = ", ".join(sorted(self.measures))
            raise TerritorialError(f"unknown measure {name!r}; known measures: {known}")
        return self.measures[name]

    def workload(self, travel: TravelModel) -> np.ndarray:
        """Hours a year per account (:func:`~territorial.metrics.workload.stop_workload_hours`)."""
        return stop_workload_hours(
            self.lat, self.lon, self.visits_per_year, self.visit_minutes, travel
        )

    def territory_totals(self, name: str, travel: TravelModel | None = None) -> np.ndarray:
        """Per label, measure ``name`` (or ``workload``) over all the territory's accounts,
        those without a location too."""
        values = (
            self.workload(travel or TravelModel()) if name == "workload" else self.measure(name)
        )
        inside = self.territory >= 0
        located = np.bincount(
            self.territory[inside], weights=values[inside], minlength=len(self.labels)
        ).astype(float)
        hours = values if name == "workload" else None
        total: np.ndarray = located + self.off_map_totals(name, travel, hours)
        return total

    def off_map_totals(
        self, name: str, travel: TravelModel | None = None, hours: np.ndarray | None = None
    ) -> np.ndarray:
        """Per label, the total of measure ``name`` (or ``workload``) over the accounts
        without a location.  Their workload is their visits, each with the median
        travel minutes per stop of the located accounts (whose hours, ``hours``, a caller
        that has them passes, so they are not computed again)."""
        off = self.off_map
        if name != "workload":
            self.measure(name)  # an unknown name raises, naming the known measures
        if not off.ids:
            return np.zeros(len(self.labels))
        if name == "workload":
            hours = self.workload(travel or TravelModel()) if hours is None else hours
            visited = self.visits_per_year > 0
            stop = (
                float(
                    np.median(
                        hours[visited] * 60 / self.visits_per_year[visited]
                        - self.visit_minutes[visited]
                    )
                )
                if visited.any()
                else 0.0
            )
            values = off.visits_per_year * (off.visit_minutes + stop) / 60.0
        else:
            values = off.measures[name]
        inside = off.territory >= 0
        return np.bincount(
            off.territory[inside], weights=values[inside], minlength=len(self.labels)
        ).astype(float)

    def rep_of(self, label: str) -> Rep | None:
        rep_id = self.scenario.rep_of(label)
        return self.reps.get(rep_id) if rep_id else None


def _numeric(accounts: list[Account], attr: str) -> np.ndarray:
    return np.array([float(getattr(a, attr) or 0.0) for a in accounts])


def _last_year_sales(uow: UnitOfWorkProtocol, ids: list[str]) -> np.ndarray | None:
    """Sales of the last 12 whole months to the newest sale, per account (SQL sums)."""
    last = uow.sales.last_date()
    if last is None:
        return None
    start = date(last.year - 1, last.month, 1)
    start = date(start.year + (start.month // 12), start.month % 12 + 1, 1)
    totals = uow.sales.totals_since(start)
    return np.array([totals.get(ext, 0.0) for ext in ids])


def has_data(uow: UnitOfWorkProtocol, name: str) -> bool:
    """Whether ``potential`` or ``revenue`` is above 0 for some account, from SQL sums
    (call inside ``with uow``): what :func:`load_frame` would find, without loading it."""
    if name == "revenue":
        return uow.sales.last_date() is not None or uow.accounts.total("annual_revenue") > 0
    return uow.accounts.total(name) > 0


def leaf_labels(scenario: Scenario) -> list[str]:
    """Territory names that hold accounts or are leaves of the hierarchy, in order."""
    return scenario.leaf_labels()


def load_frame(uow: UnitOfWorkProtocol, scenario: Scenario) -> ScenarioFrame:
    """Arrays for the accounts of ``scenario`` (call inside ``with uow``): the located
    ones, and apart (:class:`OffMap`) those without a location."""
    all_accounts = uow.accounts.list()
    located = np.array([a.is_located for a in all_accounts], dtype=bool)
    if not located.any():
        raise TerritorialError("the workspace has no located accounts; import accounts first")
    labels = leaf_labels(scenario)
    position = {name: i for i, name in enumerate(labels)}
    territory = np.array(
        [position.get(scenario.assignments.get(a.external_id, ""), -1) for a in all_accounts],
        dtype=np.int64,
    )
    ids = [a.external_id for a in all_accounts]
    sales = _last_year_sales(uow, ids)
    measures = {
        "accounts": np.ones(len(all_accounts)),
        "potential": _numeric(all_accounts, "potential"),
        "annual_revenue": _numeric(all_accounts, "annual_revenue"),
        "employees": _numeric(all_accounts, "employees"),
        "revenue": sales if sales is not None else _numeric(all_accounts, "annual_revenue"),
    }
    present = np.array([a.competitor_presence is True for a in all_accounts])
    measures["competitors"] = np.where(present, measures["potential"], 0.0)
    measures["competitor_accounts"] = present.astype(float)
    for name, column in _extra_measures(all_accounts).items():
        measures.setdefault(name, column)
    visits = [a.visits_per_year for a in all_accounts]
    minutes = [a.visit_minutes for a in all_accounts]
    missing = np.array([v is None or m is None for v, m in zip(visits, minutes, strict=True)])
    visits_f = np.array([DEFAULT_VISITS_PER_YEAR if v is None else float(v) for v in visits])
    minutes_f = np.array([DEFAULT_VISIT_MINUTES if m is None else float(m) for m in minutes])
    measures["visits_per_year"] = visits_f
    measures["visit_minutes"] = minutes_f
    accounts = [a for a, here in zip(all_accounts, located, strict=True) if here]
    off = ~located
    return ScenarioFrame(
        scenario=scenario,
        accounts=accounts,
        lat=np.array([a.latitude for a in accounts], dtype=float),
        lon=np.array([a.longitude for a in accounts], dtype=float),
        territory=territory[located],
        labels=labels,
        reps={r.external_id: r for r in uow.reps.list()},
        measures={k: v[located] for k, v in measures.items()},
        visits_per_year=visits_f[located],
        visit_minutes=minutes_f[located],
        revenue_source="sales, last 12 months" if sales is not None else "annual_revenue",
        defaulted_visits=int(missing[located].sum()),
        off_map=OffMap(
            [e for e, o in zip(ids, off, strict=True) if o],
            territory[off],
            {k: v[off] for k, v in measures.items()},
            visits_f[off],
            minutes_f[off],
        ),
    )


def _number(value: object) -> float | None:
    """An extra cell as a number: a stored number, or text that reads as one; else None."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        return parse_float(value)
    except ValueError:
        return None


def _extra_measures(accounts: list[Account]) -> dict[str, np.ndarray]:
    """Extra columns whose every value is a number, as measures (a missing value is 0)."""
    numeric: dict[str, bool] = {}
    for a in accounts:
        for name, value in a.extra.items():
            numeric[name] = numeric.get(name, True) and _number(value) is not None
    return {
        name: np.array([_number(a.extra.get(name)) or 0.0 for a in accounts])
        for name in sorted(n for n, ok in numeric.items() if ok)
    }
