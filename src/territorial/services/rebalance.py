"""A rebalance proposal: redesign the active alignment with few moves, and show what it fixes.

The design engine (:func:`territorial.services.design.design_scenario`) starts from the
alignment with the same territories and a cap on the accounts that may move; the plan
is stored as a draft (``Rebalance YYYY-MM-DD``, made unique) and compared with the
alignment (:func:`territorial.services.compare.compare_scenarios`): per measure the
worst deviation from the mean before and after, and the accounts and revenue that move.

A manager limited to a region may not ask for one (:func:`require_company_rebalance`):
the engine redesigns every territory of the alignment against one company-wide mean
and move cap, so the draft would move accounts of other regions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from territorial.domain import OptionError, TerritorialError
from territorial.domain.alignment import DEFAULT_TOLERANCE
from territorial.domain.errors import NotPermitted
from territorial.jsondata import to_json_data
from territorial.optimize.design import Progress
from territorial.services.actor import current_actor
from territorial.services.compare import Move, compare_scenarios
from territorial.services.design import DesignRequest, default_balance, design_scenario
from territorial.services.frame import leaf_labels
from territorial.services.scenarios import resolve_scenario
from territorial.storage import UnitOfWork


@dataclass
class RebalanceOptions:
    """What ``monitor --rebalance`` asks the design engine for."""

    # default: what a design balances unless told (potential or revenue, and workload)
    # and what drifted
    balance: tuple[str, ...] | None = None
    max_moves: float = 0.10  # share of accounts (< 1) or a count
    time_limit: float = 20.0
    tolerance: float = DEFAULT_TOLERANCE
    seed: int = 0
    name: str | None = None
    progress: Callable[[Progress], None] | None = None


@dataclass(frozen=True)
class MeasureFix:
    """The worst relative deviation from the mean of one measure, before and after."""

    measure: str
    before: float | None
    after: float | None

    @property
    def improved(self) -> bool:
        return self.before is not None and self.after is not None and self.after < self.before


@dataclass
class RebalanceProposal:
    """The stored draft, what it fixes and what it moves."""

    scenario: str
    base: str
    balance: tuple[str, ...]
    max_moves: float
    feasible: bool
    measures: list[MeasureFix]
    moves: list[Move]
    accounts: int
    revenue_moved: float
    revenue_total: float
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "base": self.base,
            "balance": list(self.balance),
            "max_moves": self.max_moves,
            "feasible": self.feasible,
            "measures": [
                {
                    "measure": m.measure,
                    "worst_deviation_before": m.before,
                    "worst_deviation_after": m.after,
                    "improved": m.improved,
                }
                for m in self.measures
            ],
            "accounts": self.accounts,
            "accounts_moved": len(self.moves),
            "revenue_moved": self.revenue_moved,
            "revenue_total": self.revenue_total,
            "moves": to_json_data(self.moves),
            "notes": self.notes,
        }


def unique_name(taken: Sequence[str], day: date) -> str:
    """``Rebalance 2026-11-26``, or with `` (2)``, `` (3)``... when taken."""
    base = f"Rebalance {day.isoformat()}"
    name, k = base, 1
    while name in taken:
        k += 1
        name = f"{base} ({k})"
    return name


def balance_measures(requested: Sequence[str], drifted: Sequence[str]) -> tuple[str, ...]:
    """The measures to balance: those asked for and every measure that drifted."""
    out = list(requested)
    out += [m for m in drifted if m not in out]
    return tuple(out)


def require_company_rebalance() -> None:
    """Refuse a rebalance to a manager limited to a region (NotPermitted, with why)."""
    actor = current_actor()
    if actor.territories is not None:
        raise NotPermitted(
            f"{actor.name} is limited to region {actor.region}; a rebalance redesigns "
            "every territory of the alignment (one move cap, one mean per measure), so it "
            "would move accounts of other regions: ask an unlimited manager, or move "
            "accounts of your region in the editor"
        )


def propose_rebalance(
    uow: UnitOfWork,
    base: str | None = None,
    options: RebalanceOptions | None = None,
    *,
    drifted: Sequence[str] = (),
    day: date | None = None,
) -> RebalanceProposal:
    """Redesign ``base`` (default the active alignment) under a move cap, store it as a
    draft and compare it with ``base``."""
    require_company_rebalance()
    opts = options or RebalanceOptions()
    if opts.max_moves < 0:
        raise OptionError("max_moves", "must be 0 or more")
    with uow:
        found = resolve_scenario(uow, base)
        names = [n for n, _ in uow.scenarios.names()]
    territories = len(leaf_labels(found))
    if territories < 1:
        raise TerritorialError(f"{found.name!r} has no territory to rebalance")
    if opts.name is not None and opts.name in names:
        raise TerritorialError(f"a scenario named {opts.name!r} exists; choose another name")
    name = opts.name or unique_name(names, day or date.today())
    measures = balance_measures(opts.balance or default_balance(uow), drifted)
    outcome = design_scenario(
        uow,
        DesignRequest(
            name=name,
            territories=territories,
            balance=measures,
            tolerance=opts.tolerance,
            max_moves=opts.max_moves,
            time_limit=opts.time_limit,
            seed=opts.seed,
            base=found.name,
        ),
        opts.progress,
    )
    comparison = compare_scenarios(uow, found.name, name)
    fixes = []
    for m in measures:
        sides = comparison.measures.get(m)
        before = sides["a"].get("max_abs_deviation") if sides else None
        after = sides["b"].get("max_abs_deviation") if sides else None
        fixes.append(MeasureFix(m, before, after))
    notes = list(outcome.notes)
    if not comparison.moves:
        notes.append("the engine found no move that improves the balance within the cap")
    return RebalanceProposal(
        scenario=name,
        base=found.name,
        balance=measures,
        max_moves=opts.max_moves,
        feasible=outcome.feasible,
        measures=fixes,
        moves=comparison.moves,
        accounts=comparison.accounts,
        revenue_moved=comparison.revenue_moved,
        revenue_total=comparison.revenue_total,
        notes=notes,
    )


def proposal_summary(proposal: RebalanceProposal, period: str, as_of: date) -> dict[str, Any]:
    """The proposal as data, with the moves grouped into flows between territories."""
    out = proposal.to_dict()
    flows: dict[tuple[str, str], dict[str, Any]] = {}
    for move in out["moves"]:
        key = (move["from_territory"], move["to_territory"])
        flow = flows.setdefault(
            key, {"from": key[0], "to": key[1], "accounts": 0, "revenue": 0.0, "potential": 0.0}
        )
        flow["accounts"] += 1
        flow["revenue"] += move["revenue"]
        flow["potential"] += move["potential"]
    out["flows"] = sorted(flows.values(), key=lambda f: (-f["accounts"], f["from"], f["to"]))
    out["period"] = period
    out["as_of"] = str(as_of)
    return out
