"""The size use case: how many reps a scenario's workload needs, and one rep more or less.

A manager limited to a region sizes their region: its territories' workload, the reps
holding them, and one rep more or less there (services/region.py has the rule).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from territorial.metrics import TravelModel
from territorial.optimize.sizing import SizingReport, WhatIf, sizing_report, what_if_headcount
from territorial.services.actor import current_actor
from territorial.services.frame import load_frame
from territorial.services.region import limited_to
from territorial.services.scenarios import resolve_scenario
from territorial.services.territory_data import (
    WORKING_WEEKS,
    account_workload,
    per_territory,
    yearly_capacity,
)
from territorial.storage import UnitOfWork


@dataclass
class SizingResult:
    """Headcount needed for a scenario, with what-ifs and today's busiest reps."""

    scenario: str
    report: SizingReport
    what_ifs: list[WhatIf]
    busiest: list[tuple[str, float]] = field(default_factory=list)  # (rep, utilisation)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        r = self.report
        return {
            "scenario": self.scenario,
            "total_workload_hours": r.total_workload,
            "capacity_hours_per_rep": r.capacity_hours,
            "target_utilisation": r.target_utilisation,
            "reps_needed": r.reps_needed,
            "current_reps": r.current_reps,
            "current_utilisation": r.current_utilisation,
            "gap": r.gap,
            "sentence": r.sentence,
            "what_if": [
                {
                    "reps": w.after.reps,
                    "mean_workload_hours": w.after.mean_workload,
                    "utilisation": w.after.utilisation,
                    "sentence": w.sentence,
                }
                for w in self.what_ifs
            ],
            "busiest_reps": [{"rep": n, "utilisation": u} for n, u in self.busiest],
            "notes": self.notes,
        }


def size_sales_force(
    uow: UnitOfWork,
    scenario: str | None = None,
    *,
    capacity_hours_per_week: float = 40.0,
    utilisation: float = 0.85,
    travel: TravelModel | None = None,
) -> SizingResult:
    """Reps needed for ``scenario``'s workload at ``utilisation`` of a weekly capacity."""
    with uow:
        found = resolve_scenario(uow, scenario)
        frame = load_frame(uow, found)
        rep_count = uow.reps.count()
    loads = per_territory(frame, account_workload(frame, travel))
    region = limited_to()
    held = [t for t in found.territories if region is None or t.name in region]
    if region is not None:  # the region's territories, their reps; no company fallback
        loads = {k: v for k, v in loads.items() if k in region}
    total = float(sum(loads.values()))
    serving = {t.rep_external_id for t in held if t.rep_external_id}
    current = len(serving) if region is not None else (len(serving) or rep_count)
    capacity = capacity_hours_per_week * WORKING_WEEKS
    report = sizing_report(total, capacity, current, utilisation)
    what_ifs = [
        what_if_headcount(total, current, capacity, change, utilisation=utilisation)
        for change in (1, -1)
        if current + change > 0
    ]
    by_rep: dict[str, float] = {}
    capacity_of: dict[str, float] = {}
    for label, hours in loads.items():
        rep = frame.rep_of(label)
        if rep is not None:
            by_rep[rep.name] = by_rep.get(rep.name, 0.0) + hours
            capacity_of[rep.name] = yearly_capacity(rep.capacity_hours_per_week)
    busiest = sorted(
        ((n, h / capacity_of[n]) for n, h in by_rep.items() if capacity_of[n] > 0),
        key=lambda x: -x[1],
    )[:5]
    notes = [
        f"capacity per rep = {capacity_hours_per_week:g} h/week x {WORKING_WEEKS:g} weeks = "
        f"{capacity:,.0f} h/year",
        "what-ifs spread today's workload evenly; the split between territories changes "
        "only after a redesign (territorial design)",
    ]
    if region is not None:
        notes.insert(
            0,
            f"region {current_actor().region} only: {len(loads)} territories, "
            f"{current} rep{'s' if current != 1 else ''} holding them",
        )
    return SizingResult(found.name, report, what_ifs, busiest, notes)
