"""Heavy read-only answers (assessment, overview, reps), computed once per data version.

An answer is kept in this process's memory under (workspace, what, parameters, the
asker's region, today's date, :meth:`~territorial.storage.UnitOfWork.data_version`).
The data version is raised by database triggers in every transaction that changes the
workspace's data (an import, a design, a move, an approval, a publish, new sales...), by
whichever process writes it, so a new version is seen exactly when its rows are. The
version is read *before* the answer's data, so an answer is never older than its key:
after any change every worker computes afresh, and nothing is ever served stale.

It is a pure cache: every worker can compute every answer, and nothing another worker
needs lives only here (``serve --workers N`` keeps one such cache per worker). Reading
the version costs one primary-key lookup; a hit then costs nothing else. Threads of one
process asking for the same missing answer wait for the first one's computation.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import date
from typing import Any

from territorial.jsondata import to_json_data
from territorial.services.region import region_key
from territorial.storage import UnitOfWork

__all__ = ["Answer", "answer", "clear_answers"]

#: Answers kept per process (the least recently used go first).
CACHE_SIZE = 64


@dataclass(frozen=True)
class Answer:
    """A computed answer as JSON data (shared between requests: read it, never change
    it) and as the JSON text the API sends."""

    data: Any
    body: bytes


_answers: OrderedDict[tuple[Hashable, ...], Answer] = OrderedDict()
_computing: dict[tuple[Hashable, ...], threading.Lock] = {}
_lock = threading.Lock()


def clear_answers() -> None:
    """Forget every cached answer (tests, benchmarks)."""
    with _lock:
        _answers.clear()


def answer(
    uow: UnitOfWork, what: str, params: tuple[Hashable, ...], compute: Callable[[], Any]
) -> Answer:
    """The answer ``what`` for ``params``: cached for the current data version, else
    ``compute()`` (which opens ``uow`` itself; its result is turned into JSON data).

    Errors are not cached: a ``compute`` that raises raises for every asker.
    """
    with uow:
        version = uow.data_version()
    key = (uow.url, what, params, region_key(), date.today().isoformat(), version)
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
            data = to_json_data(compute())
            body = json.dumps(data, ensure_ascii=False, allow_nan=False).encode()
            made = Answer(data, body)
            with _lock:
                _answers[key] = made
                while len(_answers) > CACHE_SIZE:
                    _answers.popitem(last=False)
        finally:
            with _lock:
                _computing.pop(key, None)
    return made


def _get(key: tuple[Hashable, ...]) -> Answer | None:
    with _lock:
        found = _answers.get(key)
        if found is not None:
            _answers.move_to_end(key)
        return found
