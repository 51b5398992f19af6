"""Uploads between the import wizard's two steps, kept where every web worker sees them.

Step 1 keeps the file's bytes in the database under a random token with an expiry
(:data:`UPLOAD_TTL`); step 2, on whichever worker (``serve --workers N``) or queue worker
runs it, reads them back. The importers read files, so a process writes the bytes to a
folder of its own (a cache: the database holds the upload) and reads that. An upload is
forgotten once imported or discarded, and by the next upload after it expires.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from territorial.services.scratch import PREFIX
from territorial.storage import UnitOfWork

UPLOAD_TTL = timedelta(hours=24)
TOKEN = re.compile(r"[0-9a-f]{32}")
_cache: Path | None = None


@dataclass(frozen=True)
class StoredUpload:
    """An upload's token, the name it was uploaded as, its kind and import options."""

    token: str
    name: str
    kind: str
    options: dict[str, Any]
    size: int


def keep_upload(
    uow: UnitOfWork,
    data: bytes,
    *,
    name: str,
    kind: str,
    options: dict[str, Any],
    now: datetime | None = None,
) -> StoredUpload:
    """Store ``data`` under a new token (expired uploads are forgotten first)."""
    now = now or datetime.now(UTC)
    token = uuid.uuid4().hex
    with uow:  # a new row under a fresh token: nothing to read first, no write lock
        uow.uploads.prune(now)
        uow.uploads.add(
            token,
            name=name,
            kind=kind,
            options=options,
            data=data,
            created_at=now,
            expires_at=now + UPLOAD_TTL,
        )
        uow.commit()
    _prune_cache()
    return StoredUpload(token, name, kind, options, len(data))


def find_upload(uow: UnitOfWork, token: str) -> StoredUpload | None:
    """The unexpired upload of ``token`` (not its bytes), or None."""
    if not TOKEN.fullmatch(token or ""):
        return None
    with uow:
        meta = uow.uploads.meta(token)
    if meta is None:
        return None
    return StoredUpload(token, meta["name"], meta["kind"], meta["options"], meta["size"])


def upload_path(uow: UnitOfWork, upload: StoredUpload) -> Path:
    """A file of this process holding the upload's bytes (written from the database the
    first time; FileNotFoundError when the upload is gone meanwhile)."""
    path = cache_dir() / upload.token / upload.name
    if path.is_file() and path.stat().st_size == upload.size:
        return path
    with uow:
        data = uow.uploads.data(upload.token)
    if data is None:
        raise FileNotFoundError(upload.token)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + f".{os.getpid()}.part")
    partial.write_bytes(data)
    os.replace(partial, path)  # readers never see half a file
    return path


def discard_upload(uow: UnitOfWork, token: str) -> None:
    """Forget the upload of ``token`` (in the database and this process's copy)."""
    if not TOKEN.fullmatch(token or ""):
        return
    with uow:
        uow.uploads.delete(token)
        uow.commit()
    shutil.rmtree(cache_dir() / token, ignore_errors=True)


def cache_dir() -> Path:
    """This process's folder of upload copies (made on first use)."""
    global _cache
    if _cache is None or not _cache.is_dir():
        _cache = Path(tempfile.mkdtemp(prefix=f"{PREFIX}uploads-p{os.getpid()}-"))
    return _cache


def _prune_cache() -> None:
    """Remove this process's copies of uploads older than :data:`UPLOAD_TTL`."""
    cutoff = time.time() - UPLOAD_TTL.total_seconds()
    for old in cache_dir().iterdir():
        try:
            if old.is_dir() and old.stat().st_mtime < cutoff:
                shutil.rmtree(old, ignore_errors=True)
        except OSError:
            continue
