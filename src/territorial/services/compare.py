"""Comparing two scenarios: their balance side by side and the accounts that move."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from territorial.services.assess import assess_scenario
from territorial.services.frame import load_frame
from territorial.services.scenarios import resolve_scenario
from territorial.storage import UnitOfWork


@dataclass(frozen=True)
class Move:
    """An account that changes territory (and maybe rep) between two scenarios."""

    account_id: str
    name: str
    from_territory: str | None
    to_territory: str | None
    from_rep: str | None
    to_rep: str | None
    revenue: float


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

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "territories": self.territories,
            "measures": self.measures,
            "accounts": self.accounts,
            "accounts_moved": len(self.moves),
            "revenue_moved": self.revenue_moved,
            "revenue_total": self.revenue_total,
            "moves": [m.__dict__ for m in self.moves],
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
    revenue = dict(zip(frame.external_ids, frame.measure("revenue"), strict=True))

    def rep(scenario: Any, territory: str | None) -> str | None:
        rep_id = scenario.rep_of(territory) if territory else None
        return reps.get(rep_id) if rep_id else None

    moves = []
    for ext in sorted(set(sa.assignments) | set(sb.assignments)):
        ta, tb = sa.assignments.get(ext), sb.assignments.get(ext)
        if ta != tb:
            moves.append(
                Move(
                    ext,
                    accounts[ext].name,
                    ta,
                    tb,
                    rep(sa, ta),
                    rep(sb, tb),
                    float(revenue.get(ext, 0.0)),
                )
            )
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
    )
