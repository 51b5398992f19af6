"""Tables of the scenario editor: the edit log (undo and redo) and each scenario's head.

On the one ``metadata`` (:mod:`territorial.storage.metadata`). A log entry is one edit
(a move or a lock change) with what it changed, so it can be undone and redone after a
reload; ``undone`` entries form the redo stack. The head holds the editor's version
(bumped by every edit, undo and redo) and the assignments' fingerprint after the last
edit, so a change made elsewhere (the CLI, a design saved under the same name) is seen.
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, DateTime, ForeignKey, Index, Integer, String, Table

from territorial.storage.metadata import metadata

scenario_edits = Table(
    "scenario_edits",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("scenario_id", Integer, ForeignKey("scenarios.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(16), nullable=False),  # "move" or "lock"
    Column("payload", JSON, nullable=False),
    Column("undone", Boolean, nullable=False, default=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_scenario_edits_scenario", "scenario_id", "id"),
)

scenario_edit_heads = Table(
    "scenario_edit_heads",
    metadata,
    Column(
        "scenario_id", Integer, ForeignKey("scenarios.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("version", Integer, nullable=False),
    Column("fingerprint", String(64), nullable=False),
)
