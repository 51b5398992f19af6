"""Copies of the demo workspace for tests that change it, and a live server on one."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.e2e.web.live import serve

from territorial.services import editing


def copy_db(source: str, target: str) -> str:
    """Copy the SQLite workspace ``source`` to ``target`` (the session's demo is shared),
    what is still in its write-ahead log included; ``target``."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()
    return target


@contextmanager
def serve_with_draft(source: str, folder: Path, draft: str) -> Iterator[str]:
    """A live server (its base URL) on a copy of ``source`` with the empty draft ``draft``
    and no editing session left from another test."""
    from tests.e2e.web.test_web_editor_http import add_drafts

    path = copy_db(source, str(folder / "editor.db"))
    add_drafts(path, {draft: None})
    editing.clear_sessions()
    with serve(path) as base:
        yield base
