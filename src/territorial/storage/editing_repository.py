"""The scenario editor's storage: targeted assignment updates, the edit log, the head.

Moves touch only the moved accounts' rows (``ScenarioRepository.save`` rewrites a whole
scenario, seconds at 50,000 accounts); the fingerprint is a few integer aggregates of a
scenario's assignments that any change made elsewhere alters.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Integer,
    and_,
    bindparam,
    column,
    delete,
    func,
    insert,
    select,
    update,
)

from territorial.storage import editing_tables as e
from territorial.storage import tables as t


@dataclass(frozen=True)
class ScenarioRow:
    """What the editor needs of a scenario row."""

    id: int
    name: str
    status: str


@dataclass(frozen=True)
class Head:
    """The editor's version of a scenario and the assignments' fingerprint after it."""

    version: int
    fingerprint: str


@dataclass(frozen=True)
class EditEntry:
    """One logged edit."""

    id: int
    kind: str
    payload: dict[str, Any]
    undone: bool


class EditRepository:
    """Assignments, locks, log and head of scenarios being edited."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def scenario(self, name: str) -> ScenarioRow | None:
        query = select(t.scenarios.c.id, t.scenarios.c.name, t.scenarios.c.status).where(
            t.scenarios.c.name == name
        )
        row = self.conn.execute(query).one_or_none()
        return ScenarioRow(int(row[0]), str(row[1]), str(row[2])) if row else None

    def territory_ids(self, scenario_id: int) -> dict[str, int]:
        query = select(t.territories.c.name, t.territories.c.id).where(
            t.territories.c.scenario_id == scenario_id
        )
        return {str(n): int(i) for n, i in self.conn.execute(query)}

    def fingerprint_parts(self, scenario_id: int) -> tuple[int, int, int]:
        """(rows, Σ account_id × territory_id, Σ account_id of locked rows)."""
        a = t.assignments.c
        query = select(
            func.count(),
            func.coalesce(func.sum(a.account_id * a.territory_id), 0),
            func.coalesce(func.sum(a.account_id * a.locked.cast(Integer)), 0),
        ).where(a.scenario_id == scenario_id)
        rows, moved, locked = self.conn.execute(query).one()
        return int(rows), int(moved), int(locked)

    def territory_stamp(self, scenario_id: int) -> str:
        """A digest of the scenario's territories (ids, names, levels, parents, reps)."""
        c = t.territories.c
        rows = self.conn.execute(
            select(c.id, c.name, c.level, c.parent_name, c.rep_id)
            .where(c.scenario_id == scenario_id)
            .order_by(c.id)
        ).all()
        return hashlib.blake2b(repr([tuple(r) for r in rows]).encode(), digest_size=8).hexdigest()

    def data_fingerprint(self) -> str:
        """Aggregates of accounts, reps and sales: a re-import or new sales change it."""
        a, r, s = t.accounts.c, t.reps.c, t.sales.c
        queries = [
            select(
                func.count(),
                func.max(a.id),
                func.sum(a.potential),
                func.sum(a.latitude),
                func.sum(a.longitude),
                func.sum(a.annual_revenue),
                func.sum(a.employees),
                func.sum(a.visits_per_year),
                func.sum(a.visit_minutes),
            ),
            select(func.count(), func.sum(r.home_latitude), func.sum(r.home_longitude)),
            select(func.count(), func.max(s.id), func.sum(s.amount)),
        ]
        return repr([tuple(self.conn.execute(q).one()) for q in queries])

    def _ids(self, account_ids: Sequence[int]) -> Any:
        """``assignments.account_id IN (the ids)`` as one bound value (a JSON array on
        SQLite, an array on PostgreSQL): no SQL rendered per id, any number of ids."""
        a = t.assignments.c
        ids = [int(i) for i in account_ids]
        if self.conn.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import ARRAY  # loaded with its dialect

            return a.account_id == func.any(bindparam("ids", ids, type_=ARRAY(Integer)))
        listed = select(column("value", Integer)).select_from(
            func.json_each(bindparam("ids", json.dumps(ids)))
        )
        return a.account_id.in_(listed.scalar_subquery())

    def _each(self, statement: Any, scenario_id: int, account_ids: Sequence[int]) -> None:
        if account_ids:
            self.conn.execute(
                statement.where(
                    and_(t.assignments.c.scenario_id == scenario_id, self._ids(account_ids))
                )
            )

    def reassign(
        self,
        scenario_id: int,
        account_ids: Sequence[int],
        territory_id: int,
        *,
        new_rows: Sequence[int] = (),
    ) -> None:
        """Put accounts in a territory: update their rows, insert ``new_rows`` (unassigned
        until now, unlocked)."""
        statement = update(t.assignments).values(territory_id=territory_id)
        self._each(statement, scenario_id, account_ids)
        if new_rows:
            self.conn.execute(
                insert(t.assignments),
                [
                    {
                        "scenario_id": scenario_id,
                        "account_id": i,
                        "territory_id": territory_id,
                        "locked": False,
                    }
                    for i in new_rows
                ],
            )

    def unassign(self, scenario_id: int, account_ids: Sequence[int]) -> None:
        self._each(delete(t.assignments), scenario_id, account_ids)

    def set_locked(self, scenario_id: int, account_ids: Sequence[int], locked: bool) -> None:
        self._each(update(t.assignments).values(locked=locked), scenario_id, account_ids)

    # --- the head ----------------------------------------------------------------------
    def head(self, scenario_id: int) -> Head | None:
        h = e.scenario_edit_heads.c
        row = self.conn.execute(
            select(h.version, h.fingerprint).where(h.scenario_id == scenario_id)
        ).one_or_none()
        return Head(int(row[0]), str(row[1])) if row else None

    def advance(self, scenario_id: int, expected: int, fingerprint: str) -> bool:
        """Version ``expected`` -> ``expected + 1`` with a new fingerprint; False if the
        version is no longer ``expected`` (another request edited meanwhile)."""
        h = e.scenario_edit_heads.c
        if expected == 0 and self.head(scenario_id) is None:
            self.conn.execute(
                insert(e.scenario_edit_heads).values(
                    scenario_id=scenario_id, version=1, fingerprint=fingerprint
                )
            )
            return True
        done = self.conn.execute(
            update(e.scenario_edit_heads)
            .where(and_(h.scenario_id == scenario_id, h.version == bindparam("old")))
            .values(version=expected + 1, fingerprint=fingerprint),
            {"old": expected},
        )
        return done.rowcount == 1

    # --- the log -----------------------------------------------------------------------
    def append(self, scenario_id: int, kind: str, payload: dict[str, Any]) -> None:
        """Log an edit; the redo stack (undone entries) is dropped."""
        c = e.scenario_edits.c
        self.conn.execute(
            delete(e.scenario_edits).where(and_(c.scenario_id == scenario_id, c.undone.is_(True)))
        )
        self.conn.execute(
            insert(e.scenario_edits).values(
                scenario_id=scenario_id,
                kind=kind,
                payload=payload,
                undone=False,
                created_at=datetime.now(UTC),
            )
        )

    def last(self, scenario_id: int, undone: bool) -> EditEntry | None:
        """The edit to undo (newest done) or to redo (oldest undone)."""
        c = e.scenario_edits.c
        order = c.id.asc() if undone else c.id.desc()
        row = self.conn.execute(
            select(c.id, c.kind, c.payload, c.undone)
            .where(and_(c.scenario_id == scenario_id, c.undone.is_(undone)))
            .order_by(order)
            .limit(1)
        ).one_or_none()
        return EditEntry(int(row[0]), str(row[1]), dict(row[2]), bool(row[3])) if row else None

    def counts(self, scenario_id: int) -> tuple[int, int]:
        """(edits that can be undone, edits that can be redone)."""
        c = e.scenario_edits.c
        rows = self.conn.execute(
            select(c.undone, func.count()).where(c.scenario_id == scenario_id).group_by(c.undone)
        ).all()
        found = {bool(u): int(n) for u, n in rows}
        return found.get(False, 0), found.get(True, 0)

    def mark(self, entry_id: int, undone: bool) -> None:
        c = e.scenario_edits.c
        self.conn.execute(update(e.scenario_edits).where(c.id == entry_id).values(undone=undone))

    def clear_log(self, scenario_id: int) -> None:
        c = e.scenario_edits.c
        self.conn.execute(delete(e.scenario_edits).where(c.scenario_id == scenario_id))
