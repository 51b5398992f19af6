"""Editing a draft scenario by hand: move accounts, lock them, undo and redo.

Every edit is answered with the new balance (each measure of the scenario's balance
spec, or accounts, potential, revenue and workload at ±5% when it has none) and each
territory's travel (mean km from its accounts to its rep's home), without reassessing:

* an :class:`EditorSession` per scenario and process holds the accounts as arrays and a
  :class:`~territorial.metrics.incremental.RunningBalance`; built once (seconds at
  50,000 accounts, as loading the map), then each edit costs O(moved accounts +
  territories) in memory;
* the database sees only the moved rows (``uow.edits``), a log entry and the head;
* the session is trusted only while the scenario's head (version, fingerprint of its
  assignments) is the one it was built at, so an edit made in another process or by the
  CLI is seen: a change made outside the editor clears the log (its undo no longer
  applies) and bumps the version.

Undo and redo are a **server-side log** (table ``scenario_edits``), not inverse moves
held by the browser: they survive a reload and a second tab, and an undo is checked
against the stored state, never replayed from a client's possibly stale copy. A new
edit drops the redo stack.

``expect_version`` (optional on every edit) is the editor version the client saw; a
different current version refuses the edit (:class:`EditConflict`), as does a
concurrent edit of the same scenario (the head is advanced with a compare-and-set).

Only drafts can be edited: the published (active), approved and archived scenarios
refuse with a reason (:class:`EditRefused`). Locked accounts cannot be moved.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from territorial.domain import ScenarioStatus, TerritorialError
from territorial.domain.alignment import DEFAULT_TOLERANCE
from territorial.domain.design_choices import UnitKind
from territorial.domain.users import Role
from territorial.geo.builder import build_units
from territorial.metrics import TravelModel
from territorial.metrics.contiguity import territory_components
from territorial.metrics.incremental import RunningBalance
from territorial.services import audit
from territorial.services.actor import require, require_territories
from territorial.services.frame import leaf_labels, load_frame
from territorial.services.mapdata import shape_kind_of
from territorial.services.region import in_region, visible_accounts
from territorial.storage import UnitOfWork
from territorial.storage.editing_repository import ScenarioRow

DEFAULT_MEASURES = ("accounts", "potential", "revenue", "workload")
_CACHE_SIZE = 4


class EditRefused(TerritorialError):
    """The edit is not allowed (published scenario, locked accounts): nothing changed."""


class EditConflict(TerritorialError):
    """The scenario changed since the client loaded it: reload, nothing changed."""


class UnknownScenario(TerritorialError):
    """No scenario of that name."""


@dataclass
class EditorSession:
    """A scenario's accounts as arrays and its running balance (one per process)."""

    scenario_id: int
    name: str
    version: int
    fingerprint: tuple[int, int, int]
    territory_stamp: str
    data_stamp: str
    ext_ids: list[str]
    row_of: dict[str, int]
    db_ids: np.ndarray
    labels: list[str]
    label_index: dict[str, int]
    terr_db_ids: np.ndarray  # per label; index -1 (unassigned) maps to 0 via _tdb
    reps: list[str | None]
    measures: list[str]
    tolerances: list[float]
    spec_source: str
    balance: RunningBalance
    locked: np.ndarray
    by: UnitKind  # what whole moves carry: accounts, ZIP codes or counties
    unit_of_account: np.ndarray | None = None
    unit_rows: list[np.ndarray] = field(default_factory=list)
    adjacency: Any = None
    pieces: np.ndarray | None = None

    def tdb(self, terr: np.ndarray) -> np.ndarray:
        """Database territory id of each index (0 for -1, unassigned)."""
        out = np.zeros(terr.shape[0], dtype=np.int64)
        ok = terr >= 0
        out[ok] = self.terr_db_ids[terr[ok]]
        return out

    def rows(self, account_ids: list[str]) -> np.ndarray:
        """Rows of the named accounts (each once), or a one-line error for an unknown id."""
        try:
            found = np.fromiter(
                map(self.row_of.__getitem__, account_ids), dtype=np.int64, count=len(account_ids)
            )
        except KeyError as exc:
            raise TerritorialError(
                f"no located account with id {exc.args[0]!r} in {self.name!r} "
                "(unlocated accounts are not on the map)"
            ) from None
        _, first = np.unique(found, return_index=True)
        return found[np.sort(first)]

    def whole_units(self, rows: np.ndarray) -> np.ndarray:
        """``rows`` with every other account of their ZIP or county (unit scenarios)."""
        if self.unit_of_account is None or rows.size == 0:
            return rows
        units = np.unique(self.unit_of_account[rows])
        parts = [self.unit_rows[u] for u in units if u >= 0]
        parts.append(rows[self.unit_of_account[rows] < 0])
        return np.unique(np.concatenate(parts)).astype(np.int64)

    def unit_pieces(self) -> np.ndarray | None:
        """Connected pieces of each territory on the unit graph (unit scenarios)."""
        if self.unit_of_account is None:
            return None
        first = np.array([r[0] if r.size else -1 for r in self.unit_rows], dtype=np.int64)
        unit_terr = np.where(first >= 0, self.balance.territory[np.maximum(first, 0)], -1)
        return territory_components(self.adjacency, unit_terr, len(self.labels))


_sessions: OrderedDict[tuple[str, str], EditorSession] = OrderedDict()
_locks: dict[tuple[str, str], threading.Lock] = {}
_guard = threading.Lock()


def clear_sessions() -> None:
    """Forget every cached editor session (tests, benchmarks)."""
    with _guard:
        _sessions.clear()


def _lock_for(key: tuple[str, str]) -> threading.Lock:
    with _guard:
        return _locks.setdefault(key, threading.Lock())


def _fp_text(parts: tuple[int, int, int], territories: str) -> str:
    return ":".join(str(p) for p in parts) + ":" + territories


def _scenario_row(uow: UnitOfWork, name: str) -> ScenarioRow:
    row = uow.edits.scenario(name)
    if row is None:
        known = ", ".join(n for n, _ in uow.scenarios.names()) or "none"
        raise UnknownScenario(f"no scenario named {name!r} (scenarios: {known})")
    return row


def territory_names(uow: UnitOfWork, scenario: str) -> list[str]:
    """The territories accounts can be moved to in ``scenario`` (the editor's order; a
    manager limited to a region: its territories)."""
    with uow:
        found = uow.scenarios.get(scenario)
    return [t for t in leaf_labels(found) if in_region(t)] if found is not None else []


def refusal(name: str, status: str) -> str | None:
    """Why a scenario cannot be edited (None for a draft)."""
    if status == ScenarioStatus.DRAFT.value:
        return None
    if status == ScenarioStatus.ACTIVE.value:
        return (
            f"{name!r} is the published alignment and cannot be edited; "
            "edit a draft scenario (design one, or copy it) and publish that"
        )
    return f"{name!r} is {status} and cannot be edited; only draft scenarios can"


def _build(
    uow: UnitOfWork,
    row: ScenarioRow,
    version: int,
    parts: tuple[int, int, int],
    terr: str,
    stamp: str,
) -> EditorSession:
    scenario = uow.scenarios.get(row.name)
    assert scenario is not None
    frame = load_frame(uow, scenario)
    spec = dict(scenario.balance_spec)
    source = "designed" if spec else "default"
    if not spec:
        spec = {m: DEFAULT_TOLERANCE for m in DEFAULT_MEASURES}
    columns = []
    for measure in spec:
        if measure == "workload":
            columns.append(frame.workload(TravelModel()))
        elif measure in frame.measures:
            columns.append(frame.measure(measure))
        else:  # dropped by a re-import: shown as zeros rather than refusing to edit
            columns.append(np.zeros(len(frame.accounts)))
    values = np.column_stack(columns) if columns else np.zeros((len(frame.accounts), 0))
    n_t = len(frame.labels)
    # accounts without a location are not on the map, but in their territories' totals
    fixed = np.zeros((n_t, len(spec)))
    for q, measure in enumerate(spec):
        if measure == "workload" or measure in frame.measures:
            fixed[:, q] = frame.off_map_totals(
                measure, hours=columns[q] if measure == "workload" else None
            )
    base_lat = np.full(n_t, np.nan)
    base_lon = np.full(n_t, np.nan)
    reps: list[str | None] = []
    for j, label in enumerate(frame.labels):
        rep = frame.rep_of(label)
        reps.append(rep.name if rep else None)
        if rep is not None and rep.home_latitude is not None and rep.home_longitude is not None:
            base_lat[j], base_lon[j] = rep.home_latitude, rep.home_longitude
    ext_ids = frame.external_ids
    db_of = uow.accounts.ids_by_external_id()
    terr_ids = uow.edits.territory_ids(row.id)
    session = EditorSession(
        scenario_id=row.id,
        name=row.name,
        version=version,
        fingerprint=parts,
        territory_stamp=terr,
        data_stamp=stamp,
        ext_ids=ext_ids,
        row_of={e: i for i, e in enumerate(ext_ids)},
        db_ids=np.array([db_of[e] for e in ext_ids], dtype=np.int64),
        labels=list(frame.labels),
        label_index={n: j for j, n in enumerate(frame.labels)},
        terr_db_ids=np.array([terr_ids[n] for n in frame.labels], dtype=np.int64),
        reps=reps,
        measures=list(spec),
        tolerances=[float(v) for v in spec.values()],
        spec_source=source,
        balance=RunningBalance(
            values, frame.lat, frame.lon, frame.territory, base_lat, base_lon, fixed
        ),
        locked=np.array([e in scenario.locks for e in ext_ids], dtype=bool),
        by=shape_kind_of(scenario.description),
    )
    if session.by is not UnitKind.ACCOUNT:
        units = build_units(
            frame.lat,
            frame.lon,
            [a.zip for a in frame.accounts],
            [a.state for a in frame.accounts],
            session.by,
        )
        unit = np.asarray(units.unit_of_account, dtype=np.int64)
        order = np.argsort(unit, kind="stable")
        bounds = np.searchsorted(unit[order], np.arange(units.n_units + 1))
        session.unit_of_account = unit
        session.unit_rows = [order[bounds[u] : bounds[u + 1]] for u in range(units.n_units)]
        session.adjacency = units.adjacency
        session.pieces = session.unit_pieces()
    return session


def _session(uow: UnitOfWork, row: ScenarioRow, *, full_check: bool) -> EditorSession:
    """The cached session of ``row`` if still true to the database, else a new one.

    A fingerprint that differs from the head's means the assignments were changed
    outside the editor: the log is cleared and the version bumped (in this transaction).
    ``full_check`` also compares the accounts, reps and sales (a re-import).
    """
    parts = uow.edits.fingerprint_parts(row.id)
    terr = uow.edits.territory_stamp(row.id)
    head = uow.edits.head(row.id)
    version = head.version if head else 0
    if head is not None and head.fingerprint != _fp_text(parts, terr):
        uow.edits.clear_log(row.id)
        uow.edits.advance(row.id, version, _fp_text(parts, terr))
        version += 1
    key = (uow.url, row.name)
    with _guard:
        cached = _sessions.get(key)
    stamp = uow.edits.data_fingerprint() if full_check or cached is None else None
    if (
        cached is not None
        and cached.scenario_id == row.id
        and cached.version == version
        and cached.fingerprint == parts
        and cached.territory_stamp == terr
        and stamp in (None, cached.data_stamp)
    ):
        return cached
    if stamp is None:
        stamp = uow.edits.data_fingerprint()
    session = _build(uow, row, version, parts, terr, stamp)
    with _guard:
        _sessions[key] = session
        _sessions.move_to_end(key)
        while len(_sessions) > _CACHE_SIZE:
            _sessions.popitem(last=False)
    return session


# --------------------------------------------------------------------------- reading


def _num(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def balance_table(session: EditorSession) -> dict[str, Any]:
    """Every measure's totals and deviations per territory, and each one's travel (a
    manager limited to a region: its territories, deviations still from the mean of all,
    and the measures' worst deviation and misses among them)."""
    b = session.balance
    dev = b.deviations()
    km = b.mean_km()
    shown = [t for t, label in enumerate(session.labels) if in_region(label)]
    measures = []
    for m, (name, tol) in enumerate(zip(session.measures, session.tolerances, strict=True)):
        col = dev[shown, m]
        finite = np.abs(col[np.isfinite(col)])
        measures.append(
            {
                "name": name,
                "tolerance": tol,
                "mean": float(b.sums[:, m].mean()) if len(session.labels) else 0.0,
                "max_deviation": float(finite.max()) if finite.size else None,
                "misses": int((~(np.abs(col) <= tol + 1e-9)).sum()),
            }
        )
    territories = []
    for t in shown:
        label = session.labels[t]
        territories.append(
            {
                "index": t,
                "name": label,
                "rep": session.reps[t],
                "accounts": int(b.counts[t]),
                "totals": [round(float(v), 2) for v in b.sums[t]],
                "deviations": [_num(v) for v in dev[t]],
                "within": [
                    bool(abs(v) <= tol + 1e-9)
                    for v, tol in zip(dev[t], session.tolerances, strict=True)
                ],
                "travel_km": _num(round(float(km[t]), 1)),
            }
        )
    return {"spec": session.spec_source, "measures": measures, "territories": territories}


def _contiguity(
    session: EditorSession, before: np.ndarray | None, touched: set[int]
) -> dict[str, Any] | None:
    if before is None:
        return None
    after = session.unit_pieces()
    assert after is not None
    session.pieces = after
    broken = [
        session.labels[t]
        for t in sorted(touched)
        if t >= 0 and after[t] > 1 and after[t] > before[t]
    ]
    return {
        "by": session.by,
        "broken": broken,
        "split": {session.labels[t]: int(k) for t, k in enumerate(after) if k > 1},
    }


def _state(uow: UnitOfWork, session: EditorSession) -> dict[str, Any]:
    undo, redo = uow.edits.counts(session.scenario_id)
    return {
        "scenario": session.name,
        "version": session.version,
        "by": session.by,
        "territories": session.labels,  # by index, as the map's
        "movable": [t for t in session.labels if in_region(t)],  # where moves may go
        "balance": balance_table(session),
        "locked": _visible([session.ext_ids[i] for i in np.flatnonzero(session.locked)], uow),
        "can_undo": undo,
        "can_redo": redo,
    }


def _visible(ids: list[str], uow: UnitOfWork) -> list[str]:
    """``ids`` the current actor may see (a manager limited to a region: theirs)."""
    visible = visible_accounts(uow)
    return ids if visible is None else [i for i in ids if i in visible]


def editor_state(uow: UnitOfWork, scenario: str) -> dict[str, Any]:
    """What the editor shows: balance, travel, locks, version, undo/redo counts, and
    ``editable`` with the ``reason`` when the scenario cannot be edited."""
    with uow:
        row = _scenario_row(uow, scenario)
        with _lock_for((uow.url, row.name)):  # not while an edit updates the session
            session = _session(uow, row, full_check=True)
            state = _state(uow, session)
            pieces = session.pieces
            uow.commit()
    reason = refusal(row.name, row.status)
    state.update(status=row.status, editable=reason is None, reason=reason)
    if pieces is not None:
        state["contiguity"] = {
            "by": session.by,
            "broken": [],
            "split": {session.labels[t]: int(k) for t, k in enumerate(pieces) if k > 1},
        }
    return state


# --------------------------------------------------------------------------- editing


@dataclass
class _Change:
    """Rows and where they go (-1 unassigns), or lock changes."""

    rows: np.ndarray
    dest: np.ndarray | None = None
    lock: bool | None = None


def _write(uow: UnitOfWork, s: EditorSession, change: _Change) -> tuple[int, int, int]:
    """Write ``change`` to the database; the fingerprint after it (computed, not queried)."""
    count, total, locked_sum = s.fingerprint
    rows = change.rows
    ids = s.db_ids[rows]
    if change.lock is not None:
        uow.edits.set_locked(s.scenario_id, ids.tolist(), change.lock)
        delta = int(ids.sum())
        return count, total, locked_sum + (delta if change.lock else -delta)
    assert change.dest is not None
    old = s.balance.territory[rows]
    dest = change.dest
    for d in np.unique(dest):
        pick = dest == d
        had = old[pick] >= 0
        if d >= 0:
            uow.edits.reassign(
                s.scenario_id,
                ids[pick][had].tolist(),
                int(s.terr_db_ids[d]),
                new_rows=ids[pick][~had].tolist(),
            )
            count += int((~had).sum())
        else:
            uow.edits.unassign(s.scenario_id, ids[pick][had].tolist())
            count -= int(had.sum())
            locked_sum -= int(ids[pick][had & s.locked[rows[pick]]].sum())
    total += int((ids * (s.tdb(dest) - s.tdb(old))).sum())
    return count, total, locked_sum


def _apply(s: EditorSession, change: _Change) -> None:
    """Apply a written change to the session."""
    if change.lock is not None:
        s.locked[change.rows] = change.lock
        return
    assert change.dest is not None
    unassigned = change.rows[change.dest < 0]
    s.locked[unassigned] = False
    s.balance.move(change.rows, change.dest)


def _commit(
    uow: UnitOfWork,
    s: EditorSession,
    change: _Change,
    expect: int | None,
    log: tuple[str, dict[str, Any]] | None,
    mark: tuple[int, bool] | None,
) -> dict[str, Any]:
    """Write, advance the head, log, commit, then update the session; the response."""
    _check_version(s, expect)
    actor = require(Role.MANAGER, "edit scenarios")
    touched = set(s.balance.territory[change.rows].tolist())
    if change.dest is not None:
        touched |= set(change.dest.tolist())
    # a manager limited to a region: every territory the edit leaves or enters is theirs
    require_territories([s.labels[t] if t >= 0 else None for t in touched], "this edit")
    uow.write_lock()  # one writer at a time, as for imports and publishes
    parts = _write(uow, s, change)
    if not uow.edits.advance(s.scenario_id, s.version, _fp_text(parts, s.territory_stamp)):
        raise EditConflict(f"{s.name!r} was edited meanwhile by another request; reload the editor")
    uow.scenarios.touch(s.name, actor.name)  # saves based on an older read are refused
    if log is not None:
        uow.edits.append(s.scenario_id, *log)
        audit.record(uow, f"editor.{log[0]}", s.name, None, _audit_payload(log[1]))
    if mark is not None:
        audit.record(uow, "editor.undo" if mark[1] else "editor.redo", s.name)
    if mark is not None:
        uow.edits.mark(*mark)
    undo, redo = uow.edits.counts(s.scenario_id)
    uow.commit()
    before = s.pieces
    _apply(s, change)
    s.version += 1
    s.fingerprint = parts
    rows = change.rows
    return {
        "scenario": s.name,
        "version": s.version,
        "changed": {
            "accounts": [s.ext_ids[i] for i in rows],
            "territory": s.balance.territory[rows].tolist(),
            "locked": s.locked[rows].tolist(),
        },
        "balance": balance_table(s),
        "contiguity": _contiguity(s, before, touched) if change.lock is None else None,
        "can_undo": undo,
        "can_redo": redo,
    }


def _audit_payload(payload: dict[str, Any]) -> dict[str, Any]:
    """An edit's log entry for the audit log (long account lists cut to 100 ids)."""
    return {
        k: ([*v[:100], f"... {len(v) - 100} more"] if isinstance(v, list) and len(v) > 100 else v)
        for k, v in payload.items()
    }


def _check_version(s: EditorSession, expect: int | None) -> None:
    if expect is not None and expect != s.version:
        raise EditConflict(
            f"{s.name!r} changed since you loaded it (version {s.version}, you had "
            f"{expect}); reload the editor"
        )


def _editing(
    uow: UnitOfWork, scenario: str, expect: int | None
) -> tuple[EditorSession, threading.Lock]:
    row = _scenario_row(uow, scenario)
    reason = refusal(row.name, row.status)
    if reason is not None:
        raise EditRefused(reason)
    lock = _lock_for((uow.url, row.name))
    lock.acquire()
    try:
        session = _session(uow, row, full_check=False)
        _check_version(session, expect)
        return session, lock
    except BaseException:
        lock.release()
        raise


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def move(
    uow: UnitOfWork,
    scenario: str,
    account_ids: list[str],
    to_territory: str,
    expect_version: int | None = None,
) -> dict[str, Any]:
    """Move accounts to territory ``to_territory`` of draft ``scenario``.

    In a scenario designed by ZIP or county, whole units move (the other accounts of
    each selected account's ZIP or county come along). Refused, with nothing changed,
    when an account is locked or unknown, the territory unknown, the scenario not a
    draft, or ``expect_version`` is not the current version. Returns the new balance
    (:func:`balance_table`), what changed, the new ``version`` and, for unit
    scenarios, ``contiguity`` (``broken``: territories this move split).
    """
    if not account_ids:
        raise TerritorialError("select at least one account to move")
    with uow:
        s, lock = _editing(uow, scenario, expect_version)
        try:
            to = s.label_index.get(to_territory)
            if to is None:
                raise TerritorialError(
                    f"{s.name!r} has no territory {to_territory!r} "
                    f"(territories: {', '.join(s.labels)})"
                )
            rows = s.whole_units(s.rows(account_ids))
            held = rows[s.locked[rows]]
            if held.size:
                names = ", ".join(s.ext_ids[i] for i in held[:3])
                more = f" and {held.size - 3} more" if held.size > 3 else ""
                raise EditRefused(
                    f"{_plural(int(held.size), 'selected account')} "
                    f"{'is' if held.size == 1 else 'are'} locked ({names}{more}); unlock "
                    f"{'it' if held.size == 1 else 'them'} first"
                )
            rows = rows[s.balance.territory[rows] != to]
            if rows.size == 0:
                state = _state(uow, s)
                state.update(
                    moved=0,
                    message=f"already in {to_territory}",
                    changed={"accounts": [], "territory": [], "locked": []},
                    contiguity=None,
                )
                return state
            old = s.balance.territory[rows]
            payload = {
                "accounts": [s.ext_ids[i] for i in rows],
                "from": [s.labels[t] if t >= 0 else None for t in old.tolist()],
                "to": to_territory,
            }
            out = _commit(
                uow,
                s,
                _Change(rows, np.full(rows.size, to, dtype=np.int64)),
                expect_version,
                ("move", payload),
                None,
            )
        finally:
            lock.release()
    out["moved"] = int(rows.size)
    whole = f" (whole {'ZIP codes' if s.by is UnitKind.ZIP else 'counties'})" if s.unit_rows else ""
    out["message"] = f"moved {_plural(int(rows.size), 'account')} to {to_territory}{whole}"
    return out


def set_locked(
    uow: UnitOfWork,
    scenario: str,
    account_ids: list[str],
    locked: bool = True,
    expect_version: int | None = None,
) -> dict[str, Any]:
    """Lock (or unlock) accounts of draft ``scenario`` in their territory; logged, so it
    can be undone. Unassigned accounts cannot be locked."""
    if not account_ids:
        raise TerritorialError("select at least one account to lock or unlock")
    with uow:
        s, lock = _editing(uow, scenario, expect_version)
        try:
            rows = s.rows(account_ids)
            loose = rows[s.balance.territory[rows] < 0]
            if locked and loose.size:
                raise TerritorialError(
                    f"account {s.ext_ids[loose[0]]!r} is not assigned in {s.name!r}; move it "
                    "to a territory before locking it"
                )
            rows = rows[s.locked[rows] != locked]
            verb = "locked" if locked else "unlocked"
            if rows.size == 0:
                state = _state(uow, s)
                state.update(
                    moved=0,
                    message=f"already {verb}",
                    changed={"accounts": [], "territory": [], "locked": []},
                    contiguity=None,
                )
                return state
            payload = {"accounts": [s.ext_ids[i] for i in rows], "locked": locked}
            out = _commit(
                uow, s, _Change(rows, lock=locked), expect_version, ("lock", payload), None
            )
        finally:
            lock.release()
    out["moved"] = 0
    out["message"] = f"{verb} {_plural(int(rows.size), 'account')}"
    return out


def _inverse(s: EditorSession, kind: str, payload: dict[str, Any], undo: bool) -> _Change:
    rows = s.rows(list(payload["accounts"]))
    if kind == "lock":
        return _Change(rows, lock=bool(payload["locked"]) != undo)
    if undo:
        dest = np.array(
            [s.label_index[f] if f is not None else -1 for f in payload["from"]], dtype=np.int64
        )
    else:
        dest = np.full(rows.size, s.label_index[payload["to"]], dtype=np.int64)
    return _Change(rows, dest)


def _step(uow: UnitOfWork, scenario: str, undo: bool, expect_version: int | None) -> dict[str, Any]:
    word = "undo" if undo else "redo"
    with uow:
        s, lock = _editing(uow, scenario, expect_version)
        try:
            entry = uow.edits.last(s.scenario_id, undone=not undo)
            if entry is None:
                raise TerritorialError(f"nothing to {word} in {s.name!r}")
            try:
                change = _inverse(s, entry.kind, entry.payload, undo)
            except (KeyError, TerritorialError):
                raise TerritorialError(
                    f"cannot {word}: the accounts or territories of that edit no longer exist"
                ) from None
            out = _commit(uow, s, change, expect_version, None, (entry.id, undo))
        finally:
            lock.release()
    n = len(entry.payload["accounts"])
    what = (
        "move of "
        if entry.kind == "move"
        else ("lock of " if entry.payload["locked"] else "unlock of ")
    )
    out["moved"] = n if entry.kind == "move" else 0
    out["message"] = f"{'undid' if undo else 'redid'} the {what}{_plural(n, 'account')}"
    return out


def undo(uow: UnitOfWork, scenario: str, expect_version: int | None = None) -> dict[str, Any]:
    """Undo the newest edit of ``scenario`` still in force."""
    return _step(uow, scenario, True, expect_version)


def redo(uow: UnitOfWork, scenario: str, expect_version: int | None = None) -> dict[str, Any]:
    """Redo the edit undone last."""
    return _step(uow, scenario, False, expect_version)
