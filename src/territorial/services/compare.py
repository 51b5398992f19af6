"""Comparing two scenarios: their balance side by side and the accounts that move.

An account *moves* when it is assigned in both scenarios and its territory differs,
the count a design reports as ``moved_accounts`` and publish as the accounts that
change territory. Accounts assigned in only one of the two are counted apart
(``only_in_a``, ``only_in_b``), never as moves.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from territorial.domain import Scenario
from territorial.io import write_rows_csv
from territorial.jsondata import to_json_data
from territorial.services.assess import assess_scenario
from territorial.services.design_reps import rep_distances
from territorial.services.frame import ScenarioFrame, load_frame
from territorial.services.region import region_frame, visible_accounts
from territorial.services.scenarios import resolve_scenario
from territorial.storage import UnitOfWork

MOVE_COLUMNS = (
    "account_id",
    "name",
    "from_territory",
    "to_territory",
    "from_rep",
    "to_rep",
    "revenue",
    "potential",
)


@dataclass(frozen=True)
class Move:
    """An account that changes territory (and maybe rep) between two scenarios."""

    account_id: str
    name: str
    from_territory: str
    to_territory: str
    from_rep: str | None
    to_rep: str | None
    revenue: float
    potential: float


def moved_accounts(a: Scenario, b: Scenario) -> list[str]:
    """Accounts assigned in both ``a`` and ``b`` to different territories, sorted."""
    other = b.assignments
    return sorted(ext for ext, terr in a.assignments.items() if ext in other and other[ext] != terr)


@dataclass
class Comparison:
    """Balance and compactness of A and B per measure, and the moves from A to B."""

    a: str
    b: str
    measures: dict[str, dict[str, dict[str, float | None]]]  # measure -> a|b -> stats
    territories: dict[str, int]  # a|b -> count
    moves: list[Move]
    accounts: int
    revenue_moved: float
    revenue_total: float
    only_in_a: int = 0  # assigned in A, not in B (not a move)
    only_in_b: int = 0  # assigned in B, not in A (not a move)

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "territories": self.territories,
            "measures": self.measures,
            "accounts": self.accounts,
            "accounts_moved": len(self.moves),
            "assigned_only_in_a": self.only_in_a,
            "assigned_only_in_b": self.only_in_b,
            "revenue_moved": self.revenue_moved,
            "revenue_total": self.revenue_total,
            "moves": to_json_data(self.moves),
        }


STATS = ("cv", "max_abs_deviation", "max_min_ratio", "gini")


def compare_scenarios(uow: UnitOfWork, a: str | None, b: str) -> Comparison:
    """Compare scenario ``a`` (default: the active alignment) with ``b``."""
    first = assess_scenario(uow, a)
    second = assess_scenario(uow, b)
    measures: dict[str, dict[str, dict[str, float | None]]] = {}
    for label, result in (("a", first), ("b", second)):
        data = result.to_dict()
        for name, stats in data["balance"].items():
            measures.setdefault(name, {})[label] = {k: stats[k] for k in STATS}
        diameters = [t["diameter_km"] or 0.0 for t in data["territories"]]
        measures.setdefault("diameter_km", {})[label] = {
            "max": max(diameters, default=0.0),
            "mean": sum(diameters) / len(diameters) if diameters else 0.0,
        }
    with uow:
        sa = resolve_scenario(uow, first.scenario)
        sb = resolve_scenario(uow, second.scenario)
        frame = load_frame(uow, sa)
        reps = {r.external_id: r.name for r in uow.reps.list()}
        accounts = {acc.external_id: acc for acc in uow.accounts.list()}
        visible = visible_accounts(uow)  # a manager limited to a region: theirs only
    revenue = dict(zip(frame.external_ids, frame.measure("revenue"), strict=True))
    if visible is not None:
        accounts = {k: v for k, v in accounts.items() if k in visible}
        revenue = {k: v for k, v in revenue.items() if k in visible}

    def rep(scenario: Scenario, territory: str) -> str | None:
        rep_id = scenario.rep_of(territory)
        return reps.get(rep_id) if rep_id else None

    moves = [
        Move(
            ext,
            accounts[ext].name,
            sa.assignments[ext],
            sb.assignments[ext],
            rep(sa, sa.assignments[ext]),
            rep(sb, sb.assignments[ext]),
            float(revenue.get(ext, 0.0)),
            float(accounts[ext].potential or 0.0),
        )
        for ext in moved_accounts(sa, sb)
        if ext in accounts
    ]
    return Comparison(
        a=sa.name,
        b=sb.name,
        measures=measures,
        territories={
            "a": len(first.assessment.territories),
            "b": len(second.assessment.territories),
        },
        moves=moves,
        accounts=len(accounts),
        revenue_moved=sum(m.revenue for m in moves),
        revenue_total=float(sum(revenue.values())),
        only_in_a=sum(1 for ext in sa.assignments if ext not in sb.assignments and ext in accounts),
        only_in_b=sum(1 for ext in sb.assignments if ext not in sa.assignments and ext in accounts),
    )


def write_moves_csv(comparison: Comparison, target: Path | str | IO[str]) -> int:
    """Every move as CSV (:data:`MOVE_COLUMNS`); returns how many rows were written."""
    rows = [[getattr(m, c) for c in MOVE_COLUMNS] for m in comparison.moves]
    write_rows_csv(MOVE_COLUMNS, rows, target)
    return len(rows)


@dataclass(frozen=True)
class RepChange:
    """What changes for one rep from scenario A to B (``rep_id`` None: vacant)."""

    rep_id: str | None
    rep: str
    territories_a: list[str]
    territories_b: list[str]
    accounts_a: int
    accounts_b: int
    revenue_a: float
    revenue_b: float
    workload_a: float
    workload_b: float
    mean_km_a: float | None  # mean distance from the rep's home to their accounts
    mean_km_b: float | None


@dataclass
class _RepSide:
    territories: list[str]
    accounts: int = 0
    revenue: float = 0.0
    workload: float = 0.0
    km_sum: float = 0.0
    km_accounts: int = 0

    @property
    def mean_km(self) -> float | None:
        return self.km_sum / self.km_accounts if self.km_accounts else None


def _rep_sides(frame: ScenarioFrame, scenario: Scenario) -> dict[str | None, _RepSide]:
    # every account of a territory, those without a location too
    revenue = dict(zip(frame.labels, frame.territory_totals("revenue").tolist(), strict=True))
    workload = dict(zip(frame.labels, frame.territory_totals("workload").tolist(), strict=True))
    out: dict[str | None, _RepSide] = {}
    for d in rep_distances(frame, scenario):
        rep_id = scenario.rep_of(d.territory)
        key = rep_id if rep_id in frame.reps else None
        side = out.setdefault(key, _RepSide([]))
        side.territories.append(d.territory)
        side.accounts += d.accounts
        side.revenue += revenue.get(d.territory, 0.0)
        side.workload += workload.get(d.territory, 0.0)
        if d.mean_account_km is not None:
            side.km_sum += d.mean_account_km * d.located
            side.km_accounts += d.located
    return out


def rep_changes(uow: UnitOfWork, a: str | None, b: str) -> list[RepChange]:
    """Per rep (and vacant territories together): territories, accounts, revenue,
    workload (hours/year, default travel model) and mean km from home, in A and in B.
    Reps whose book changes come first, by the revenue that changes."""
    with uow:
        sa = resolve_scenario(uow, a)
        sb = resolve_scenario(uow, b)
        # a manager limited to a region: their accounts and territories only
        fa = region_frame(uow, load_frame(uow, sa), drop_territories=True)
        fb = region_frame(uow, load_frame(uow, sb), drop_territories=True)
    before, after = _rep_sides(fa, sa), _rep_sides(fb, sb)
    names = {**{k: r.name for k, r in fa.reps.items()}, **{k: r.name for k, r in fb.reps.items()}}
    empty = _RepSide([])
    rows = []
    for key in dict.fromkeys([*before, *after]):
        x, y = before.get(key, empty), after.get(key, empty)
        rows.append(
            RepChange(
                key,
                names.get(key or "", "(vacant)") if key else "(vacant)",
                x.territories,
                y.territories,
                x.accounts,
                y.accounts,
                x.revenue,
                y.revenue,
                x.workload,
                y.workload,
                x.mean_km,
                y.mean_km,
            )
        )
    return sorted(rows, key=lambda r: (-abs(r.revenue_b - r.revenue_a), r.rep))
