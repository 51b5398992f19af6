"""The whole database schema: every table module, on one ``MetaData``.

Read the complete schema (to create it, empty it, or compare it with the migrations)
from here: :data:`metadata` holds the tables of every module in :data:`TABLE_MODULES`.
"""

from __future__ import annotations

from types import ModuleType

from territorial.storage import editing_tables, planning_tables, tables
from territorial.storage.metadata import metadata

__all__ = ["TABLE_MODULES", "metadata"]

TABLE_MODULES: tuple[ModuleType, ...] = (tables, planning_tables, editing_tables)
