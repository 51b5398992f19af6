"""Files that appear only when complete: written to a temporary file in the target's
folder, then renamed onto the target (a full disk or a crash leaves the old file, or
none, never a partial one)."""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

__all__ = ["atomic_path", "atomic_text"]

_UMASK = os.umask(0o022)  # read once (mkstemp makes 0600 files; exports get the usual mode)
os.umask(_UMASK)


@contextmanager
def atomic_path(path: Path | str) -> Iterator[Path]:
    """A temporary path beside ``path``, renamed onto it when the block succeeds and
    removed when it fails. Errors name ``path``, never the temporary file."""
    path = Path(path)
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=path.suffix, dir=path.parent)
    except OSError as exc:  # no such folder, no permission
        raise type(exc)(exc.errno, exc.strerror, str(path)) from None
    os.close(fd)
    temp = Path(name)
    try:
        os.chmod(temp, path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_UMASK)
        yield temp
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


@contextmanager
def atomic_text(path: Path | str) -> Iterator[IO[str]]:
    """A UTF-8 text stream (``newline=""``, for csv) whose file replaces ``path`` only
    once the block succeeded and the stream is flushed to disk."""
    with atomic_path(path) as temp, open(temp, "w", encoding="utf-8", newline="") as f:
        yield f
        f.flush()
        os.fsync(f.fileno())
