"""Scratch folders for jobs and requests: removed when done, swept when their process died.

A job's or request's working files (an import's uploaded file, a report being built) go
in a temporary folder removed when the work ends, also on error. A process killed
outright (``kill -9``, the machine's out-of-memory killer) cannot remove it, so each
folder's name holds its process id, and every job run first removes the folders of
processes that are gone (:func:`sweep`).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

__all__ = ["scratch", "sweep"]

PREFIX = "territorial-"
_OWNED = re.compile(rf"{PREFIX}[a-z-]+?-p(\d+)-")


def scratch(kind: str) -> tempfile.TemporaryDirectory[str]:
    """A temporary folder for ``kind`` of work (``with scratch("import") as folder:``),
    named with this process's id so that :func:`sweep` can tell when it is abandoned."""
    return tempfile.TemporaryDirectory(prefix=f"{PREFIX}{kind}-p{os.getpid()}-")


def sweep(root: Path | None = None) -> list[Path]:
    """Remove the scratch folders under ``root`` (default: the temporary folder) whose
    process is gone; the folders removed."""
    removed: list[Path] = []
    base = Path(root) if root is not None else Path(tempfile.gettempdir())
    try:
        entries = list(base.iterdir())
    except OSError:
        return removed
    for entry in entries:
        found = _OWNED.match(entry.name)
        if found is None or not entry.is_dir() or _alive(int(found.group(1))):
            continue
        shutil.rmtree(entry, ignore_errors=True)
        removed.append(entry)
    return removed


def _alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (a zombie, ended but not reaped, is gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rpartition(")")[2].split()[0] != "Z"
