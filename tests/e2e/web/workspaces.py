"""Copies of the demo workspace for tests that change it, and a live server on one."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.e2e.web.live import serve

from territorial.services import editing


def copy_workspace(source: str, folder: Path, name: str) -> str:
    """A copy of the SQLite workspace ``source`` as ``folder/name`` (the session's demo is
    shared); a WAL-mode database keeps recent pages aside, so those files come too."""
    path = str(folder / name)
    for suffix in ("", "-wal", "-shm"):
        if Path(source + suffix).is_file():
            shutil.copy(source + suffix, path + suffix)
    return path


@contextmanager
def serve_with_draft(source: str, folder: Path, draft: str) -> Iterator[str]:
    """A live server (its base URL) on a copy of ``source`` with the empty draft ``draft``
    and no editing session left from another test."""
    from tests.e2e.web.test_web_editor_http import add_drafts

    path = copy_workspace(source, folder, "editor.db")
    add_drafts(path, {draft: None})
    editing.clear_sessions()
    with serve(path) as base:
        yield base
