"""The workspace's data versions and the answers computed for them that app workers share.

The *data version* rises with every change to the workspace's data (migration 0013); the
*common version* with every change but those confined to one scenario's rows or to a
draft's row, and each scenario's *version* with every change to its rows (0015).
Triggers on the data tables raise them inside the writing transaction, whoever writes
(any app worker, job worker, CLI or a hand-written SQL statement), so a transaction sees
a new version exactly when it can see the rows that made it. An answer computed from data
read *after* the versions in the same or a later transaction is therefore never older
than they are: a cache keyed by them never serves stale data.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Select, bindparam, delete, insert, select, text

from territorial.storage.repositories import in_force
from territorial.storage.tables import data_version as _table
from territorial.storage.tables import scenario_versions as _scenarios
from territorial.storage.tables import scenarios as _scenario_rows
from territorial.storage.tables import shared_answers as _answers


def data_version(conn: Connection) -> int:
    """The current data version as seen by ``conn``'s transaction."""
    found = conn.execute(select(_table.c.version).where(_table.c.id == 1)).scalar()
    return int(found) if found is not None else 0


_VERSIONS = select(_table.c.version, _table.c.common).where(_table.c.id == 1)


def data_versions(conn: Connection) -> tuple[int, int]:
    """(data version, common version) as seen by ``conn``'s transaction: one statement."""
    row = conn.execute(_VERSIONS).first()
    return (int(row[0]), int(row[1])) if row is not None else (0, 0)


def scenario_version(conn: Connection, name: str | None) -> tuple[int, int | None, int]:
    """(common version, id, version) of the scenario ``name`` (None: the alignment in
    force today; no such scenario: id None, version 0), read in one statement: the
    common version covers which scenario is in force and what a name resolves to."""
    query = _scenario_version_query(name is not None, date.today())
    row = conn.execute(query, {"name": name} if name is not None else {}).first()
    if row is None:
        return 0, None, 0
    common, sid, version = row
    return int(common), None if sid is None else int(sid), int(version or 0)


@lru_cache(maxsize=4)
def _scenario_version_query(named: bool, day: date) -> Select[Any]:
    """The statement of :func:`scenario_version` (built once a day: building it costs
    more than running it)."""
    asked = _scenario_rows.alias("asked")
    which = (
        asked.c.name == bindparam("name")
        if named
        else asked.c.id == in_force(_scenario_rows.c.id, day).scalar_subquery()
    )
    return (
        select(_table.c.common, asked.c.id, _scenarios.c.version)
        .select_from(
            _table.outerjoin(asked, which).outerjoin(
                _scenarios, _scenarios.c.scenario_id == asked.c.id
            )
        )
        .where(_table.c.id == 1)
    )


#: PostgreSQL advisory lock (first key) held while one worker computes a shared answer.
ANSWER_LOCK_KEY = 0x7E7A


class SharedAnswers:
    """Answers kept in the database (table ``shared_answers``) for every app worker."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def get(self, key: str) -> tuple[bytes, bytes] | None:
        """(JSON text, gzip-compressed) of ``key``, or None."""
        c = _answers.c
        row = self.conn.execute(select(c.body, c.gzipped).where(c.key == key)).first()
        return None if row is None else (bytes(row[0]), bytes(row[1]))

    def hold(self, key: str) -> None:
        """Wait until no other transaction computes ``key``, then hold it until this one
        ends (PostgreSQL; elsewhere nothing: one process serves a SQLite workspace)."""
        if self.conn.dialect.name == "postgresql":
            self.conn.execute(
                text("SELECT pg_advisory_xact_lock(:a, hashtext(:k))"),
                {"a": ANSWER_LOCK_KEY, "k": key},
            )

    def put(self, key: str, version: int, body: bytes, gzipped: bytes) -> None:
        """Keep ``key``'s answer, and drop those of older data versions."""
        c = _answers.c
        self.conn.execute(delete(_answers).where((c.version < version) | (c.key == key)))
        self.conn.execute(
            insert(_answers).values(key=key, version=version, body=body, gzipped=gzipped)
        )

    def clear(self) -> None:
        """Drop every shared answer."""
        self.conn.execute(delete(_answers))
