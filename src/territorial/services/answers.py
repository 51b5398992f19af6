"""Heavy read-only answers (assessment, overview, reps), computed once per data version.

An answer is kept under (workspace, what, parameters, the asker's region, today's date,
:meth:`~territorial.storage.UnitOfWork.data_version`). The data version is raised by
database triggers in every transaction that changes the workspace's data (an import, a
design, a move, an approval, a publish, new sales...), by whichever process writes it,
so a new version is seen exactly when its rows are. The version is read *before* the
answer's data, so an answer is never older than its key: after any change the next
request computes afresh, and nothing is ever served stale.

Two tiers. Each process keeps the answers it served in memory (a hit costs the version
read, one primary-key lookup). On PostgreSQL, where ``serve --workers N`` runs several
workers, an answer one worker computed is also kept in the database (table
``shared_answers``, rows of older versions dropped): the others read it instead of
computing it again, and a worker computing an answer holds its key (an advisory lock),
so after a change one worker computes it, not every one. Both are pure caches: every
worker can compute every answer. ``TERRITORIAL_SHARED_ANSWERS=0`` keeps answers per
process only.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import date
from typing import Any

from territorial.jsondata import to_json_data
from territorial.services.region import region_key
from territorial.storage import UnitOfWork

__all__ = ["Answer", "answer", "answer_key", "clear_answers"]

#: Answers kept per process (the least recently used go first).
CACHE_SIZE = 64


@dataclass(frozen=True)
class Answer:
    """A computed answer as JSON data (shared between requests: read it, never change
    it) and as the JSON text the API sends, plain and gzip-compressed."""

    data: Any
    body: bytes
    gzipped: bytes


_answers: OrderedDict[tuple[Hashable, ...], Answer] = OrderedDict()
_computing: dict[tuple[Hashable, ...], threading.Lock] = {}
_lock = threading.Lock()


def clear_answers(uow: UnitOfWork | None = None) -> None:
    """Forget every cached answer of this process, and those ``uow``'s database shares
    (tests, benchmarks)."""
    with _lock:
        _answers.clear()
    if uow is not None and shared(uow):
        with uow:
            uow.shared_answers.clear()
            uow.commit()


def answer(
    uow: UnitOfWork, what: str, params: tuple[Hashable, ...], compute: Callable[[], Any]
) -> Answer:
    """The answer ``what`` for ``params``: cached for the current data version, else
    ``compute()`` (which opens ``uow`` itself; its result is turned into JSON data).

    Errors are not cached: a ``compute`` that raises raises for every asker.
    """
    key = answer_key(uow, what, params)
    found = _get(key)
    if found is not None:
        return found
    with _lock:
        gate = _computing.setdefault(key, threading.Lock())
    with gate:  # one computation per key at a time; the others then find its answer
        found = _get(key)
        if found is not None:
            return found
        try:
            if shared(uow):
                version = key[-1]
                assert isinstance(version, int)
                made = _shared(uow, repr(key[1:]), version, compute)
            else:
                made = _made(compute())
            with _lock:
                _answers[key] = made
                while len(_answers) > CACHE_SIZE:
                    _answers.popitem(last=False)
        finally:
            with _lock:
                _computing.pop(key, None)
    return made


def answer_key(uow: UnitOfWork, what: str, params: tuple[Hashable, ...]) -> tuple[Hashable, ...]:
    """The key an answer is kept under: workspace, ``what``, ``params``, the asker's
    region, today and the data version (last). The version is read here, so call this
    before reading the answer's data."""
    with uow:
        version = uow.data_version()
    return (uow.url, what, params, region_key(), date.today().isoformat(), version)


def shared(uow: UnitOfWork) -> bool:
    """Whether answers are shared through the database: on PostgreSQL, where several app
    workers serve one workspace (``TERRITORIAL_SHARED_ANSWERS=0`` keeps them per process)."""
    on = os.environ.get("TERRITORIAL_SHARED_ANSWERS", "1") != "0"
    return on and uow.engine.dialect.name == "postgresql"


def _made(result: Any) -> Answer:
    data = to_json_data(result)
    body = json.dumps(data, ensure_ascii=False, allow_nan=False).encode()
    return Answer(data, body, gzip.compress(body, compresslevel=5, mtime=0))


def _shared(uow: UnitOfWork, key_text: str, version: int, compute: Callable[[], Any]) -> Answer:
    """The answer from table ``shared_answers``, else computed by this worker while it
    holds the key (the other workers wait for it, then read it) and kept there."""
    digest = hashlib.sha256(key_text.encode()).hexdigest()
    keeper = UnitOfWork(uow.engine)
    with keeper:
        stored = keeper.shared_answers.get(digest)
        if stored is None:
            keeper.shared_answers.hold(digest)
            stored = keeper.shared_answers.get(digest)  # made while this worker waited
        if stored is not None:
            return Answer(json.loads(stored[0]), *stored)
        made = _made(compute())
        keeper.shared_answers.put(digest, version, made.body, made.gzipped)
        keeper.commit()
    return made


def _get(key: tuple[Hashable, ...]) -> Answer | None:
    with _lock:
        found = _answers.get(key)
        if found is not None:
            _answers.move_to_end(key)
        return found
