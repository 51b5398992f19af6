"""The assign use case: match reps to a scenario's territories, explain, optionally apply.

Continuity is measured against the ACTIVE alignment: an account's current owner is the
rep of its territory there, so a rep "already owns" the share of a territory's revenue
that sits in accounts of their current territory.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from territorial.domain import OptionError, Rep, Scenario, ScenarioStatus, TerritorialError
from territorial.domain.users import Role
from territorial.io import write_rows_csv
from territorial.metrics import TravelModel
from territorial.optimize.assign import (
    AccountTable,
    AssignmentResult,
    AssignWeights,
    CapacityRule,
    RepProfile,
    assign_reps,
)
from territorial.services import audit
from territorial.services.actor import require, require_territories
from territorial.services.frame import load_frame
from territorial.services.region import in_region, limited_to
from territorial.services.scenarios import resolve_scenario
from territorial.services.territory_data import (
    WORKING_WEEKS,
    account_workload,
    per_territory,
    require_editable,
    yearly_capacity,
)
from territorial.storage import UnitOfWork


@dataclass
class AssignReport:
    """A rep assignment for a scenario, and whether it was written."""

    scenario: str
    status: str
    result: AssignmentResult
    weights: dict[str, float]
    applied: bool
    skipped_reps: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        r = self.result
        return {
            "scenario": {"name": self.scenario, "status": self.status},
            "weights": self.weights,
            "applied": self.applied,
            "total_cost": r.total_cost,
            "assignments": [
                {
                    "territory": a.territory_id,
                    "rep_external_id": a.rep_id,
                    "rep": a.rep_name,
                    "pinned": a.pinned,
                    "cost": a.cost,
                    "components": dict(a.components),
                    "travel_km": a.travel_km,
                    "continuity_share": a.continuity_share,
                    "missing_industry_share": a.missing_industry_share,
                    "workload_hours": a.workload_hours,
                    "capacity_hours": a.capacity_hours,
                    "utilisation": a.utilisation,
                    "over_capacity": a.over_capacity,
                    "reason": a.reason,
                }
                for a in sorted(r.assignments, key=lambda a: a.territory_id)
            ],
            "vacancies": list(r.vacancies),
            "unassigned_reps": list(r.unassigned_reps),
            "skipped_reps": self.skipped_reps,
            "notes": list(r.notes),
        }


def _find_rep(reps: list[Rep], key: str) -> Rep:
    low = key.strip().lower()
    for rep in reps:
        if low in (rep.external_id.lower(), rep.name.lower(), (rep.email or "").lower()):
            return rep
    raise OptionError("pin", f"no rep with id, name or email {key!r}")


def _owners(uow: UnitOfWork) -> dict[str, str]:
    """Account external id -> its rep in the active alignment."""
    name = uow.scenarios.active_name()
    active = uow.scenarios.get(name) if name else None
    if active is None:
        return {}
    reps = {t.name: t.rep_external_id for t in active.territories if t.rep_external_id}
    return {ext: reps[terr] for ext, terr in active.assignments.items() if terr in reps}


def assign_scenario_reps(
    uow: UnitOfWork,
    scenario: str | None = None,
    *,
    weights: dict[str, float] | None = None,
    pins: dict[str, str] | None = None,
    apply: bool = False,
    travel: TravelModel | None = None,
    default_hours_per_week: float = 40.0,
) -> AssignReport:
    """Match reps to the territories of ``scenario`` at minimum cost; ``apply`` saves it.

    ``weights`` may set ``travel``, ``fit``, ``experience``, ``continuity``; ``pins``
    maps a rep (external id, name or email) to a territory name.
    """
    unknown = sorted(set(weights or {}) - {"travel", "fit", "experience", "continuity"})
    if unknown:
        raise OptionError(
            "weights",
            f"unknown component(s) {', '.join(unknown)}; use travel, fit, experience, continuity",
        )
    try:
        w = AssignWeights(**(weights or {}))
    except ValueError as exc:
        raise OptionError("weights", str(exc)) from None
    with uow:
        found = resolve_scenario(uow, scenario)
        if apply:
            require_editable(found)
        frame = load_frame(uow, found)
        owners = _owners(uow)
        all_reps = uow.reps.list()
        if not all_reps:
            raise TerritorialError("the workspace has no reps; import reps first")
        profiles: list[RepProfile] = []
        skipped: list[str] = []
        for rep in all_reps:
            try:
                profiles.append(RepProfile.from_rep(rep, default_hours_per_week))
            except ValueError as exc:
                skipped.append(str(exc))
        pin_ids = {_find_rep(all_reps, rep).external_id: terr for rep, terr in (pins or {}).items()}
        table = AccountTable(
            territory=[frame.labels[j] if j >= 0 else "" for j in frame.territory],
            lat=frame.lat,
            lon=frame.lon,
            industry=[a.industry or "" for a in frame.accounts],
            potential=frame.measure("potential"),
            revenue=frame.measure("revenue"),
            workload=account_workload(frame, travel),
            owner=[owners.get(ext) for ext in frame.external_ids],
        )
        try:
            result = assign_reps(
                profiles,
                frame.labels,
                table,
                weights=w,
                pins=pin_ids,
                capacity=CapacityRule(WORKING_WEEKS),
            )
        except ValueError as exc:
            raise TerritorialError(str(exc)) from None
        if apply:
            require(Role.MANAGER, "assign reps")
            uow.write_lock()
            before = {t.name: t.rep_external_id for t in found.territories}
            _apply(found, result)
            after = {t.name: t.rep_external_id for t in found.territories}
            changed = sorted(n for n in after if after[n] != before.get(n))
            require_territories(changed, "this rep assignment")
            audit.record(
                uow,
                "reps.assign",
                found.name,
                {n: before.get(n) for n in changed},
                {n: after[n] for n in changed},
            )
            uow.scenarios.save(found)
            uow.commit()
    if limited_to() is not None:  # a manager limited to a region: its territories
        result = replace(
            result,
            assignments=tuple(a for a in result.assignments if in_region(a.territory_id)),
            vacancies=tuple(v for v in result.vacancies if in_region(v)),
            unassigned_reps=(),
        )
    return AssignReport(
        scenario=found.name,
        status=found.status.value,
        result=result,
        weights=w.normalised(),
        applied=apply,
        skipped_reps=skipped,
    )


def _apply(scenario: Scenario, result: AssignmentResult) -> None:
    """Write the matched reps into the scenario's territories; vacancies lose their rep."""
    matched = {a.territory_id: a.rep_id for a in result.assignments}
    leaves = set(matched) | set(result.vacancies)
    for territory in scenario.territories:
        if territory.name in leaves:
            territory.rep_external_id = matched.get(territory.name)
    if scenario.status is ScenarioStatus.ARCHIVED:  # guarded earlier; keep mypy-proof
        raise TerritorialError("archived scenarios cannot be changed")


REP_ASSIGNMENT_COLUMNS = (
    "scenario",
    "territory",
    "rep_external_id",
    "rep_name",
    "accounts",
    "workload_hours",
    "capacity_hours",
)


def export_rep_assignments(uow: UnitOfWork, path: Path, scenario: str | None = None) -> int:
    """Write the rep of every territory of the scenario as CSV (vacant: empty rep; a
    manager limited to a region: its territories)."""
    with uow:
        found = resolve_scenario(uow, scenario)
        frame = load_frame(uow, found)
    loads = per_territory(frame, account_workload(frame))
    counts = per_territory(frame, frame.measure("accounts"))
    rows = []
    for label in sorted(t for t in frame.labels if in_region(t)):
        rep = frame.rep_of(label)
        cap = yearly_capacity(rep.capacity_hours_per_week) if rep else None
        rows.append(
            [
                found.name,
                label,
                rep.external_id if rep else "",
                rep.name if rep else "",
                f"{counts[label]:.0f}",
                f"{loads[label]:.2f}",
                "" if cap is None else f"{cap:.2f}",
            ]
        )
    write_rows_csv(REP_ASSIGNMENT_COLUMNS, rows, Path(path))  # formula-looking text neutralised
    return len(rows)
