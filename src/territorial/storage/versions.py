"""The workspace's data version: a counter that every change to its data raises.

Triggers on the data tables (migration 0013) raise it inside the writing transaction,
whoever writes (any app worker, job worker, CLI or a hand-written SQL statement), so a
transaction sees a new version exactly when it can see the rows that made it. An answer
computed from data read *after* the version in the same or a later transaction is
therefore never older than that version: a cache keyed by it never serves stale data.
"""

from __future__ import annotations

from sqlalchemy import Connection, select

from territorial.storage.tables import data_version as _table


def data_version(conn: Connection) -> int:
    """The current data version as seen by ``conn``'s transaction."""
    found = conn.execute(select(_table.c.version).where(_table.c.id == 1)).scalar()
    return int(found) if found is not None else 0
