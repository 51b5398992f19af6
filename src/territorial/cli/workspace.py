"""Opening the workspace for a command that reads it: never create one by accident.

``territorial status`` (or any command that reads) in a folder without a database says
there is no workspace and how to make one, and leaves no file behind. ``init``, ``demo``
and ``import`` create the workspace they need.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from territorial.domain import TerritorialError

if TYPE_CHECKING:
    from territorial.storage.unit_of_work import UnitOfWork

DEFAULT_DB = "territorial.db"  # as storage.database.DEFAULT_DB
ENV_VAR = "TERRITORIAL_DB"


def sqlite_file(db: str | None) -> Path | None:
    """The SQLite file ``--db`` (or ``$TERRITORIAL_DB``, or the default) names; None for a
    server database or an in-memory one."""
    value = db or os.environ.get(ENV_VAR) or DEFAULT_DB
    if "://" not in value:
        return Path(value).expanduser()
    if value.startswith("sqlite:///") and len(value) > len("sqlite:///"):
        return Path(value.removeprefix("sqlite:///")).expanduser()
    return None


def read_workspace(db: str | None) -> UnitOfWork:
    """The workspace at ``db``, which must exist: a missing SQLite file is an error."""
    path = sqlite_file(db)
    if path is not None and not path.exists():
        raise TerritorialError(
            f"no workspace: {path} does not exist. Make one with `territorial demo` (a sample "
            "business) or `territorial init` then `territorial import accounts FILE`, or "
            "point --db at yours"
        )
    from territorial.services.workspace import open_workspace

    return open_workspace(db)
