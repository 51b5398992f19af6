"""Importing accounts and reps: read, validate, upsert by external id, all or nothing.

The file is read before the database is touched; the writing holds the database's
write lock (:meth:`~territorial.storage.UnitOfWork.write_lock`), so imports running at
once are applied one after the other, each in full.

A file with a current owner or territory column also imports the current alignment:
the accounts it lists are assigned, in the active scenario, to their territory (named
by the territory column, else after the rep the owner matches, else after the owner as
written), and each territory is linked to the rep whose name, email or external id
matches the owner. When a publish is scheduled for a
later date, the accounts the import assigns that the scheduled alignment does not
assign yet (new accounts) are assigned there too, to the territory of the same name;
without one they stay unassigned there and the report says so.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Protocol, TypeVar

from territorial.domain import (
    InputRejected,
    Problem,
    Rep,
    Scenario,
    ScenarioStatus,
    TerritorialError,
    Territory,
)
from territorial.domain.users import Role
from territorial.io import read_accounts, read_reps
from territorial.io.columns import ACCOUNT_DIALECTS, ACCOUNT_FIELDS, ColumnPlan, resolve_columns
from territorial.io.reps import REP_ALIASES, REP_FIELDS, REP_TEMPLATE
from territorial.io.tabular import Table, read_table
from territorial.io.values import cell_text
from territorial.services import audit
from territorial.services.actor import require
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
    # a publish scheduled for a later date: accounts assigned in it by this import, per
    # scheduled alignment, and those left unassigned there (it lacks their territory)
    scheduled_assigned: dict[str, int] = field(default_factory=dict)
    scheduled_unassigned: dict[str, list[str]] = field(default_factory=dict)


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
                "scheduled_assigned": self.alignment.scheduled_assigned,
                "scheduled_unassigned": self.alignment.scheduled_unassigned,
            },
        }


BeforeCommit = Callable[[ImportReport], bool]
"""Called inside the import's transaction just before it commits (a job records its
end there, so the import and the job's state are stored together); False rolls the
import back and raises :class:`ImportCancelled`."""


class ImportCancelled(TerritorialError):
    """The import's job was cancelled before it could commit: nothing was written."""


def _before_commit(uow: UnitOfWork, report: ImportReport, hook: BeforeCommit | None) -> None:
    if hook is not None and not hook(report):
        uow.rollback()
        raise ImportCancelled("the import was cancelled; nothing was imported")


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


def _owner_territory_names(
    scenario: Scenario, owners: Collection[str], reps: Sequence[Rep]
) -> dict[str, str]:
    """The territory name for each owner of a file without a territory column: the name
    of the rep the owner matches (a CRM's owner column often holds an id or an email),
    else the owner as written.  A territory an earlier import named after the owner
    keeps that name, and two owners never share one."""
    index = _rep_index(reps)
    rep_names = {rep.external_id: rep.name for rep in reps}
    wanted: dict[str, str] = {}
    for owner in owners:
        rep = index.get(owner.strip().lower())
        taken = scenario.territory(owner) is not None
        wanted[owner] = rep_names[rep] if rep and rep_names[rep] and not taken else owner
    counts = Counter(wanted.values())
    existing = {t.name: t.rep_external_id for t in scenario.territories}
    names = {}
    for owner, name in wanted.items():
        clash = counts[name] > 1 or (
            name != owner
            and name in existing
            and existing[name] not in (None, index.get(owner.strip().lower()))
        )
        names[owner] = owner if clash else name
    return names


def _import_alignment(
    uow: UnitOfWork, territories: dict[str, str], owners: dict[str, str]
) -> AlignmentImport:
    scenario = _current_scenario(uow)
    owner_of: dict[str, str] = {}
    named = _owner_territory_names(
        scenario, {o for e, o in owners.items() if not territories.get(e)}, uow.reps.list()
    )
    for ext in set(territories) | set(owners):
        name = territories.get(ext) or named[owners[ext]]
        scenario.assignments[ext] = name
        if ext in owners:
            owner_of.setdefault(name, owners[ext])
        if scenario.territory(name) is None:
            scenario.territories.append(Territory(name))
    _link_reps(scenario, owner_of, _rep_index(uow.reps.list()))
    uow.scenarios.save(scenario)
    used = set(scenario.assignments.values())
    imported = {ext: scenario.assignments[ext] for ext in set(territories) | set(owners)}
    done, left = _assign_scheduled(uow, imported)
    return AlignmentImport(
        scenario=scenario.name,
        territories=len(used),
        assigned=len(imported),
        territories_without_rep=sorted(
            t.name for t in scenario.territories if t.name in used and not t.rep_external_id
        ),
        scheduled_assigned=done,
        scheduled_unassigned=left,
    )


def _assign_scheduled(
    uow: UnitOfWork, imported: dict[str, str]
) -> tuple[dict[str, int], dict[str, list[str]]]:
    """Assign the imported accounts that a scheduled alignment does not assign yet (new
    accounts) to the territory of the same name there; without one they stay unassigned
    in it. Returns the counts assigned and the accounts left, per scheduled alignment."""
    done: dict[str, int] = {}
    left: dict[str, list[str]] = {}
    for name, status in uow.scenarios.names():
        if status != ScenarioStatus.SCHEDULED.value:
            continue
        scheduled = uow.scenarios.get(name)
        assert scheduled is not None
        missing = {e: t for e, t in imported.items() if e not in scheduled.assignments}
        known = {t.name for t in scheduled.territories}
        placed = {e: t for e, t in missing.items() if t in known}
        if placed:
            scheduled.assignments.update(placed)
            uow.scenarios.save(scheduled)
        done[name] = len(placed)
        unplaced = sorted(e for e in missing if e not in placed)
        if unplaced:
            left[name] = unplaced
    return done, left


def import_accounts(
    uow: UnitOfWork,
    path: Path,
    mapping: dict[str, str] | None = None,
    *,
    allow_unlocated: bool = False,
    allow_short_rows: bool = False,
    progress: Progress | None = None,
    before_commit: BeforeCommit | None = None,
) -> ImportReport:
    """Import accounts from a CSV/XLSX file; raises ``InputRejected`` and writes nothing
    when any row is bad (``allow_short_rows``: a CSV row shorter than the header is read
    with its missing cells empty instead; ``before_commit``: see :data:`BeforeCommit`)."""
    require(Role.MANAGER, "import accounts")
    data = read_accounts(
        path,
        mapping,
        allow_unlocated=allow_unlocated,
        allow_short_rows=allow_short_rows,
        progress=progress,
    )
    with uow:
        # another import (or any writer) finishes first; this one then reads what it
        # wrote, so two imports of overlapping files are both applied in full
        uow.write_lock()
        added, updated, unchanged = _split(data.accounts, uow.accounts.by_external_id())
        uow.accounts.add_many(added)
        uow.accounts.update_many(updated)
        alignment = None
        if data.owners or data.territories:
            alignment = _import_alignment(uow, data.territories, data.owners)
        report = ImportReport(
            file=str(path),
            format=data.format,
            changes=Changes(len(added), len(updated), unchanged),
            located={k.value: v for k, v in data.located.items()},
            unlocated=[str(u) for u in data.unlocated],
            warnings=[str(w) for w in data.warnings] + _scheduled_warnings(alignment),
            extra_columns=list(data.extra_columns),
            alignment=alignment,
        )
        audit.record(
            uow,
            "import.accounts",
            path.name,
            None,
            {"added": len(added), "updated": len(updated), "unchanged": unchanged},
        )
        _before_commit(uow, report, before_commit)
        uow.commit()
    return report


def _scheduled_warnings(alignment: AlignmentImport | None) -> list[str]:
    """Accounts left unassigned in a scheduled alignment that has no territory of their name."""
    warnings = []
    for name, accounts in (alignment.scheduled_unassigned if alignment else {}).items():
        more = f" and {len(accounts) - 5} more" if len(accounts) > 5 else ""
        warnings.append(
            f"{len(accounts)} account(s) stay unassigned in the scheduled alignment {name!r}, "
            f"which has no territory of their name: {', '.join(accounts[:5])}{more}"
        )
    return warnings


def import_reps(
    uow: UnitOfWork,
    path: Path,
    mapping: dict[str, str] | None = None,
    *,
    allow_short_rows: bool = False,
    progress: Progress | None = None,
    before_commit: BeforeCommit | None = None,
) -> ImportReport:
    """Import reps; territories of the active alignment named after a rep get linked."""
    require(Role.MANAGER, "import reps")
    data = read_reps(path, mapping, allow_short_rows=allow_short_rows, progress=progress)
    with uow:
        uow.write_lock()
        added, updated, unchanged = _split(data.reps, {r.external_id: r for r in uow.reps.list()})
        uow.reps.add_many(added)
        uow.reps.update_many(updated)
        name = uow.scenarios.active_name()
        scenario = uow.scenarios.get(name) if name else None
        if scenario is not None:
            _link_reps(scenario, {}, _rep_index(uow.reps.list()))
            uow.scenarios.save(scenario)
        report = ImportReport(
            file=str(path),
            format=data.format,
            changes=Changes(len(added), len(updated), unchanged),
            warnings=[str(w) for w in data.warnings],
        )
        audit.record(
            uow,
            "import.reps",
            path.name,
            None,
            {"added": len(added), "updated": len(updated), "unchanged": unchanged},
        )
        _before_commit(uow, report, before_commit)
        uow.commit()
    return report


IMPORT_KINDS = ("accounts", "reps")
PREVIEW_ROWS = 10


@dataclass
class ImportPreview:
    """What importing a file would do, found without writing anything.

    ``columns`` maps each of our fields to the file's column feeding it; ``problems``
    lists every row-level problem (the import would be refused when there is any).
    """

    file: str
    kind: str
    format: str
    format_label: str
    header: list[str]
    columns: dict[str, str]
    extra_columns: list[str]
    rows: list[list[str]]  # the first rows, as text
    row_numbers: list[int]
    problems: list[Problem]
    warnings: list[str] = field(default_factory=list)
    records: int = 0  # rows that would be imported
    changes: Changes = field(default_factory=Changes)
    located: dict[str, int] = field(default_factory=dict)
    unlocated: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "kind": self.kind,
            "format": self.format,
            "format_label": self.format_label,
            "header": self.header,
            "columns": self.columns,
            "extra_columns": self.extra_columns,
            "preview": {"row_numbers": self.row_numbers, "rows": self.rows},
            "ok": self.ok,
            "problems": [
                {"row": p.row, "column": p.column, "value": p.value, "message": p.message}
                for p in self.problems
            ],
            "warnings": self.warnings,
            "records": self.records,
            "would_add": self.changes.added,
            "would_update": self.changes.updated,
            "unchanged": self.changes.unchanged,
            "located": self.located,
            "unlocated": self.unlocated,
        }


def _column_plan(table: Table, kind: str, mapping: dict[str, str] | None) -> ColumnPlan:
    if kind == "reps":
        return resolve_columns(
            table.header,
            (REP_TEMPLATE,),
            REP_FIELDS,
            mapping,
            table.file,
            table.header_row,
            common=REP_ALIASES,
        )
    return resolve_columns(
        table.header,
        ACCOUNT_DIALECTS,
        (*ACCOUNT_FIELDS, "located_by"),
        mapping,
        table.file,
        table.header_row,
    )


def preview_import(
    uow: UnitOfWork,
    path: Path,
    kind: str,
    mapping: dict[str, str] | None = None,
    *,
    allow_unlocated: bool = False,
    rows: int = PREVIEW_ROWS,
) -> ImportPreview:
    """Read ``path`` as :func:`import_accounts` / :func:`import_reps` would, and say what
    it would do: the format, the column mapping, the first ``rows`` rows, every problem
    (nothing would be imported then) or the accounts/reps it would add and update.

    Raises :class:`InputRejected` only when the file cannot be read as a table at all.
    """
    if kind not in IMPORT_KINDS:
        raise TerritorialError(f"unknown import kind {kind!r}; choose accounts or reps")
    path = Path(path)
    table = read_table(path)
    first = list(islice(table.rows, rows))
    try:
        plan = _column_plan(table, kind, mapping)
    except InputRejected as exc:  # the mapping names a missing column or unknown field
        plan = ColumnPlan("custom", "unrecognised columns", table.header, {}, [], [])
        problems = list(exc.problems)
    else:
        problems = []
    result = ImportPreview(
        file=table.file,
        kind=kind,
        format=plan.format,
        format_label=plan.label,
        header=list(table.header),
        columns={f: plan.header[i] for f, i in plan.fields.items()},
        extra_columns=[plan.header[i] for i in plan.extra],
        rows=[[cell_text(c) for c in cells] for _, cells in first],
        row_numbers=[n for n, _ in first],
        problems=problems,
    )
    if problems:
        return result
    try:
        if kind == "reps":
            reps_file = read_reps(path, mapping)
            with uow:
                existing_reps = {r.external_id: r for r in uow.reps.list()}
            added_r, updated_r, same = _split(reps_file.reps, existing_reps)
            result.records = len(reps_file.reps)
            result.changes = Changes(len(added_r), len(updated_r), same)
            result.warnings = [str(w) for w in reps_file.warnings]
        else:
            data = read_accounts(path, mapping, allow_unlocated=allow_unlocated)
            with uow:
                existing = uow.accounts.by_external_id()
            added, updated, same = _split(data.accounts, existing)
            result.records = len(data.accounts)
            result.changes = Changes(len(added), len(updated), same)
            result.warnings = [str(w) for w in data.warnings]
            result.located = {k.value: v for k, v in data.located.items()}
            result.unlocated = [str(u) for u in data.unlocated]
    except InputRejected as exc:
        result.problems = list(exc.problems)
    return result
