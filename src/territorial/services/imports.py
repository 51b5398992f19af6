"""Importing accounts and reps: read, validate, upsert by external id, all or nothing.

A file with a current owner or territory column also imports the current alignment:
the accounts it lists are assigned, in the active scenario, to their territory (named
by the territory column, else by the owner), and each territory is linked to the rep
whose name, email or external id matches the owner.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, TypeVar

from territorial.domain import Rep, Scenario, ScenarioStatus, Territory
from territorial.io import read_accounts, read_reps
from territorial.storage import UnitOfWork

CURRENT_SCENARIO = "Current"
Progress = Callable[[int, int], None]


class _Keyed(Protocol):
    external_id: str


K = TypeVar("K", bound=_Keyed)


@dataclass
class Changes:
    """How an import changed what was stored."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0


@dataclass
class AlignmentImport:
    """The current alignment an import brought in."""

    scenario: str
    territories: int
    assigned: int
    territories_without_rep: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    """What an import did: counts, how rows were located, warnings, the alignment."""

    file: str
    format: str
    changes: Changes
    located: dict[str, int] = field(default_factory=dict)
    unlocated: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    extra_columns: list[str] = field(default_factory=list)
    alignment: AlignmentImport | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "format": self.format,
            "added": self.changes.added,
            "updated": self.changes.updated,
            "unchanged": self.changes.unchanged,
            "rejected": self.changes.rejected,
            "located": self.located,
            "unlocated": self.unlocated,
            "warnings": self.warnings,
            "extra_columns": self.extra_columns,
            "alignment": None
            if self.alignment is None
            else {
                "scenario": self.alignment.scenario,
                "territories": self.alignment.territories,
                "assigned": self.alignment.assigned,
                "territories_without_rep": self.alignment.territories_without_rep,
            },
        }


def _split(incoming: Sequence[K], existing: dict[str, K]) -> tuple[list[K], list[K], int]:
    """Split ``incoming`` into (new, changed, number unchanged) against ``existing``."""
    added = [x for x in incoming if x.external_id not in existing]
    updated = [x for x in incoming if x.external_id in existing and existing[x.external_id] != x]
    return added, updated, len(incoming) - len(added) - len(updated)


def _rep_index(reps: Sequence[Rep]) -> dict[str, str]:
    """Lower-cased name, email and external id -> rep external id."""
    index: dict[str, str] = {}
    for rep in reps:
        for key in (rep.name, rep.email, rep.external_id):
            if key:
                index.setdefault(key.strip().lower(), rep.external_id)
    return index


def _current_scenario(uow: UnitOfWork) -> Scenario:
    name = uow.scenarios.active_name()
    scenario = uow.scenarios.get(name) if name else None
    if scenario is None:
        scenario = Scenario(
            CURRENT_SCENARIO,
            ScenarioStatus.ACTIVE,
            created_by="import",
            description="Current alignment as imported from the CRM",
        )
    return scenario


def _link_reps(scenario: Scenario, owner_of: dict[str, str], reps: dict[str, str]) -> None:
    """Give territories without a rep the rep whose name/email/id matches their owner."""
    for territory in scenario.territories:
        if territory.rep_external_id is None:
            owner = owner_of.get(territory.name, territory.name)
            territory.rep_external_id = reps.get(owner.strip().lower())


def _import_alignment(
    uow: UnitOfWork, territories: dict[str, str], owners: dict[str, str]
) -> AlignmentImport:
    scenario = _current_scenario(uow)
    owner_of: dict[str, str] = {}
    for ext in set(territories) | set(owners):
        name = territories.get(ext) or owners[ext]
        scenario.assignments[ext] = name
        if ext in owners:
            owner_of.setdefault(name, owners[ext])
        if scenario.territory(name) is None:
            scenario.territories.append(Territory(name))
    _link_reps(scenario, owner_of, _rep_index(uow.reps.list()))
    uow.scenarios.save(scenario)
    used = set(scenario.assignments.values())
    return AlignmentImport(
        scenario=scenario.name,
        territories=len(used),
        assigned=len(set(territories) | set(owners)),
        territories_without_rep=sorted(
            t.name for t in scenario.territories if t.name in used and not t.rep_external_id
        ),
    )


def import_accounts(
    uow: UnitOfWork,
    path: Path,
    mapping: dict[str, str] | None = None,
    *,
    allow_unlocated: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import accounts from a CSV/XLSX file; raises ``InputRejected`` and writes nothing
    when any row is bad."""
    data = read_accounts(path, mapping, allow_unlocated=allow_unlocated, progress=progress)
    with uow:
        added, updated, unchanged = _split(data.accounts, uow.accounts.by_external_id())
        uow.accounts.add_many(added)
        uow.accounts.update_many(updated)
        alignment = None
        if data.owners or data.territories:
            alignment = _import_alignment(uow, data.territories, data.owners)
        uow.commit()
    return ImportReport(
        file=str(path),
        format=data.format,
        changes=Changes(len(added), len(updated), unchanged),
        located={k.value: v for k, v in data.located.items()},
        unlocated=[str(u) for u in data.unlocated],
        warnings=[str(w) for w in data.warnings],
        extra_columns=list(data.extra_columns),
        alignment=alignment,
    )


def import_reps(uow: UnitOfWork, path: Path, mapping: dict[str, str] | None = None) -> ImportReport:
    """Import reps; territories of the active alignment named after a rep get linked."""
    data = read_reps(path, mapping)
    with uow:
        added, updated, unchanged = _split(data.reps, {r.external_id: r for r in uow.reps.list()})
        uow.reps.add_many(added)
        uow.reps.update_many(updated)
        name = uow.scenarios.active_name()
        scenario = uow.scenarios.get(name) if name else None
        if scenario is not None:
            _link_reps(scenario, {}, _rep_index(uow.reps.list()))
            uow.scenarios.save(scenario)
        uow.commit()
    return ImportReport(
        file=str(path),
        format=data.format,
        changes=Changes(len(added), len(updated), unchanged),
        warnings=[str(w) for w in data.warnings],
    )
