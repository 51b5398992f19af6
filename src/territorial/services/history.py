"""A scenario's life: its status, the dates it was approved, published, effective,
replaced and archived, and the events in order (read only; the events are written by
:mod:`territorial.services.publish`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from territorial.domain.publishing import ScenarioEvent, ScenarioEventKind
from territorial.services.scenarios import resolve_scenario
from territorial.storage import UnitOfWork


@dataclass
class ScenarioHistoryRow:
    """One scenario's life so far."""

    name: str
    status: str
    created_at: datetime | None
    approved_at: datetime | None = None
    published_at: datetime | None = None
    effective: date | None = None
    replaced: str | None = None
    archived_at: datetime | None = None
    replaced_by: str | None = None
    until: date | None = None  # the first day it no longer holds (replaced_by takes over)

    def to_dict(self) -> dict[str, Any]:
        def iso(x: date | datetime | None) -> str | None:
            return None if x is None else x.isoformat()

        return {
            "name": self.name,
            "status": self.status,
            "created_at": iso(self.created_at),
            "approved_at": iso(self.approved_at),
            "published_at": iso(self.published_at),
            "effective": iso(self.effective),
            "replaced": self.replaced,
            "archived_at": iso(self.archived_at),
            "replaced_by": self.replaced_by,
            "until": iso(self.until),
        }


@dataclass
class ScenarioHistory:
    """Every scenario with its dates, and the events in order."""

    scenarios: list[ScenarioHistoryRow]
    events: list[ScenarioEvent]

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenarios": [s.to_dict() for s in self.scenarios],
            "events": [
                {
                    "scenario": e.scenario,
                    "event": e.kind.value,
                    "at": e.at.isoformat(),
                    "effective": None if e.effective is None else str(e.effective),
                    "other": e.other,
                    "by": e.by,
                    "note": e.note,
                    "overridden": e.overridden,
                }
                for e in self.events
            ],
        }


def scenario_history(uow: UnitOfWork, name: str | None = None) -> ScenarioHistory:
    """The life cycle of ``name`` (default every scenario): statuses, dates, events."""
    with uow:
        if name is not None:
            resolve_scenario(uow, name)  # a clear error for an unknown name
        names = [(n, s) for n, s in uow.scenarios.names() if name is None or n == name]
        events = uow.publishing.events(name)
        created = uow.publishing.created_at()
    rows = {n: ScenarioHistoryRow(n, status, created.get(n)) for n, status in names}
    for e in events:
        row = rows.get(e.scenario)
        if row is None:
            continue
        if e.kind is ScenarioEventKind.APPROVED:
            row.approved_at = e.at
        elif e.kind is ScenarioEventKind.PUBLISHED:
            row.published_at, row.effective, row.replaced = e.at, e.effective, e.other
        else:
            row.archived_at, row.replaced_by, row.until = e.at, e.other, e.effective
    return ScenarioHistory(list(rows.values()), events)
