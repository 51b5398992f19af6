"""The audit log: every change, who made it, when, and what it was before and after."""

from __future__ import annotations

import io
import json
from datetime import datetime
from pathlib import Path

from territorial.domain.users import AuditEntry, Role
from territorial.io.atomic import atomic_text
from territorial.io.export import write_rows_csv
from territorial.services.actor import current_actor, require
from territorial.services.unit_of_work import UnitOfWorkProtocol
from territorial.storage import UnitOfWork


def record(
    uow: UnitOfWorkProtocol, action: str, target: str, before: object = None, after: object = None
) -> None:
    """Append one entry by the current actor, in ``uow``'s transaction (so it is kept
    exactly when the change is)."""
    uow.audit.add(current_actor().name, action, target, before, after)


def entries(
    uow: UnitOfWork,
    *,
    actor: str | None = None,
    action: str | None = None,
    target: str | None = None,
    since: datetime | None = None,
    limit: int | None = 500,
) -> list[AuditEntry]:
    """The newest entries first, filtered; reading the log is an admin's or manager's.
    A manager limited to a region reads their own entries only (the log's targets and
    before/after values span every region)."""
    me = require(Role.MANAGER, "read the audit log")
    if me.territories is not None:
        if actor not in (None, me.name):
            return []
        actor = me.name
    with uow:
        return uow.audit.find(actor=actor, action=action, target=target, since=since, limit=limit)


def as_dict(entry: AuditEntry) -> dict[str, object]:
    return {
        "id": entry.id,
        "at": entry.at.isoformat(timespec="seconds"),
        "actor": entry.actor,
        "action": entry.action,
        "target": entry.target,
        "before": entry.before,
        "after": entry.after,
        "change": change_text(entry, 160),
    }


def to_csv(log: list[AuditEntry]) -> str:
    """The entries as CSV text (cells a spreadsheet would run as formulas neutralised)."""
    out = io.StringIO()
    rows = (
        (
            e.at.isoformat(timespec="seconds"),
            e.actor,
            e.action,
            e.target,
            _json(e.before),
            _json(e.after),
        )
        for e in log
    )
    write_rows_csv(("at", "actor", "action", "target", "before", "after"), rows, out)
    return out.getvalue()


def write_csv(log: list[AuditEntry], path: Path) -> None:
    """:func:`to_csv` into ``path``, which appears only when complete."""
    with atomic_text(path) as f:
        f.write(to_csv(log))


def change_text(entry: AuditEntry, width: int = 80) -> str:
    """``before → after`` in one short line, for terminals and tables."""
    if entry.before is None and entry.after is None:
        return ""
    text = f"{_json(entry.before) or '-'} → {_json(entry.after) or '-'}"
    return text if len(text) <= width else text[: width - 1] + "…"


def _json(value: object) -> str:
    return "" if value is None else json.dumps(value, sort_keys=True, default=str)
