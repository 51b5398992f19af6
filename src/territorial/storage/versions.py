"""The workspace's data version (a counter that every change to its data raises) and the
answers computed for it that app workers share.

Triggers on the data tables (migration 0013) raise it inside the writing transaction,
whoever writes (any app worker, job worker, CLI or a hand-written SQL statement), so a
transaction sees a new version exactly when it can see the rows that made it. An answer
computed from data read *after* the version in the same or a later transaction is
therefore never older than that version: a cache keyed by it never serves stale data.
"""

from __future__ import annotations

from sqlalchemy import Connection, delete, insert, select, text

from territorial.storage.tables import data_version as _table
from territorial.storage.tables import shared_answers as _answers


def data_version(conn: Connection) -> int:
    """The current data version as seen by ``conn``'s transaction."""
    found = conn.execute(select(_table.c.version).where(_table.c.id == 1)).scalar()
    return int(found) if found is not None else 0


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
