"""Heavy read-only answers (assessment, map, overview, reps), computed once per data version.

An answer is kept under (workspace, what, parameters, the asker's region, today's date,
the versions of the data it reads). Database triggers raise the versions in every
transaction that changes the data (:mod:`territorial.storage.versions`), by whichever
process writes it, so a new version is seen exactly when its rows are. The versions are
read *before* the answer's data, so an answer is never older than its key: after a
change to what it reads the next request computes afresh, and nothing is served stale.

One rule says which versions an answer reads: **an answer about one scenario** (the
assessment or map of a named scenario, or of the alignment in force; the overview's
counts, which are about the alignment in force: its list of scenarios is read afresh
for every request) asked by someone not limited to a region **is keyed by the common
version and that scenario's version**; every other answer (the reps; any answer for a
manager limited to a region, whose region is cut from the alignment in force) by the
data version, which every change raises. A new draft design, or an edit of a draft,
changes only that draft's version: the answers about the alignment in force and about
the other scenarios stay; a move, approval or publish of the scenario asked about, an
import, new sales or any change to accounts, reps and settings recompute them.

Two tiers. Each process keeps the answers it served in memory (a hit costs reading the
versions, a few primary-key lookups). On PostgreSQL, where ``serve --workers N`` runs
several workers, an answer one worker computed is also kept in the database (table
``shared_answers``, rows of older common versions dropped): the others read it instead
of computing it again, and a worker computing an answer holds its key (an advisory
lock), so after a change one worker computes it, not every one. Both are pure caches:
every worker can compute every answer. ``TERRITORIAL_SHARED_ANSWERS=0`` keeps answers
per process only.
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

__all__ = ["Answer", "OneScenario", "answer", "answer_key", "clear_answers", "made"]

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


@dataclass(frozen=True)
class OneScenario:
    """``about`` of an answer that reads one scenario (``name``; None: the alignment in
    force) and the common data: keyed by the common version and that scenario's."""

    name: str | None


def answer(
    uow: UnitOfWork,
    what: str,
    params: tuple[Hashable, ...],
    compute: Callable[[], Any],
    about: OneScenario | None = None,
) -> Answer:
    """The answer ``what`` for ``params``: cached for the versions of what it reads
    (``about``: None, the whole workspace, or :class:`OneScenario`), else ``compute()`` (which
    opens ``uow`` itself; its result is turned into JSON data).

    Errors are not cached: a ``compute`` that raises raises for every asker.
    """
    key, common = _key(uow, what, params, about)
    if key is None:  # about a named scenario that does not exist: nothing to key it by
        return made(compute())
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
            keep = _shared if shared(uow) else _here
            kept = keep(uow, repr(key[1:]), common, compute)
            with _lock:
                _answers[key] = kept
                while len(_answers) > CACHE_SIZE:
                    _answers.popitem(last=False)
        finally:
            with _lock:
                _computing.pop(key, None)
    return kept


def answer_key(
    uow: UnitOfWork,
    what: str,
    params: tuple[Hashable, ...],
    about: OneScenario | None = None,
) -> tuple[Hashable, ...] | None:
    """The key an answer is kept under: workspace, ``what``, ``params``, the asker's
    region, today and the versions of what it reads (see the module's rule). The
    versions are read here, so call this before reading the answer's data. None: the
    answer is about a named scenario that does not exist (do not keep it)."""
    return _key(uow, what, params, about)[0]


def _key(
    uow: UnitOfWork,
    what: str,
    params: tuple[Hashable, ...],
    about: OneScenario | None,
) -> tuple[tuple[Hashable, ...] | None, int]:
    """The key (None: do not keep) and the common version (older answers are dropped)."""
    region = region_key()
    with uow:
        if about is not None and not region:
            common, sid, version = uow.scenario_version(about.name)
            if sid is None and about.name is not None:
                return None, common  # creating it would not raise the common version
            versions: tuple[Hashable, ...] = ("scenario", common, sid, version)
        else:
            version, common = uow.data_versions()
            versions = ("data", version)
    return (uow.url, what, params, region, date.today().isoformat(), versions), common


def shared(uow: UnitOfWork) -> bool:
    """Whether answers are shared through the database: on PostgreSQL, where several app
    workers serve one workspace (``TERRITORIAL_SHARED_ANSWERS=0`` keeps them per process)."""
    on = os.environ.get("TERRITORIAL_SHARED_ANSWERS", "1") != "0"
    return on and uow.engine.dialect.name == "postgresql"


def made(result: Any) -> Answer:
    """``result`` as an :class:`Answer` (JSON data, text and gzip-compressed text)."""
    data = to_json_data(result)
    body = json.dumps(data, ensure_ascii=False, allow_nan=False).encode()
    return Answer(data, body, gzip.compress(body, compresslevel=5, mtime=0))


def _shared(uow: UnitOfWork, key_text: str, common: int, compute: Callable[[], Any]) -> Answer:
    """The answer from table ``shared_answers``, else computed by this worker while it
    holds the key (the other workers wait for it, then read it) and kept there (with
    the common version it was computed at: every change to the data raises it but
    those confined to one scenario, so answers of older ones are dropped)."""
    digest = hashlib.sha256(key_text.encode()).hexdigest()
    keeper = UnitOfWork(uow.engine)
    with keeper:
        stored = keeper.shared_answers.get(digest)
        if stored is None:
            keeper.shared_answers.hold(digest)
            stored = keeper.shared_answers.get(digest)  # made while this worker waited
        if stored is not None:
            return Answer(json.loads(stored[0]), *stored)
        result = made(compute())
        keeper.shared_answers.put(digest, common, result.body, result.gzipped)
        keeper.commit()
    return result


def _here(uow: UnitOfWork, key_text: str, common: int, compute: Callable[[], Any]) -> Answer:
    """The answer computed in this process only."""
    return made(compute())


def _get(key: tuple[Hashable, ...]) -> Answer | None:
    with _lock:
        found = _answers.get(key)
        if found is not None:
            _answers.move_to_end(key)
        return found
