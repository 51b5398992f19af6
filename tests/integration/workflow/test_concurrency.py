"""Two writers at once, on SQLite and PostgreSQL, many times: imports of overlapping
files that both carry a territory column, designs of the same name, edits of the same
scenario version.

Each writer has an engine of its own (threads here, processes in the CLI test), they
start together at a barrier, and the outcome must be one of those allowed: both
imports applied in full, or one success and one clear refusal (``TerritorialError``),
never a raw database error, a lost assignment or a half-applied change.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest

from territorial.domain import TerritorialError
from territorial.domain.publishing import NameTaken, ScenarioChanged
from territorial.services.design import DesignOutcome, DesignRequest, design_scenario
from territorial.services.imports import ImportReport, import_accounts
from territorial.services.locks import ScenarioEdit, move_accounts
from territorial.storage import UnitOfWork, make_engine, migrate
from territorial.storage import tables as t

ROUNDS = 10
PER_FILE = 120
OVERLAP = 60
T = TypeVar("T")


def write_accounts(path: Path, ids: list[str], territory: str) -> None:
    """A template file: each account located by coordinates, in one of 3 territories."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["external_id", "name", "latitude", "longitude", "potential", "territory"])
        for k, ext in enumerate(ids):
            out.writerow(
                [
                    ext,
                    f"Account {ext}",
                    40 + (k % 17) * 0.1,
                    -75 - (k % 13) * 0.1,
                    100 + k,
                    f"{territory}-{k % 3}",
                ]
            )


def at_once(jobs: list[Callable[[], T]]) -> list[T | BaseException]:
    """Run ``jobs`` in threads released together; each one's result or exception."""
    barrier = threading.Barrier(len(jobs))
    results: list[T | BaseException] = [RuntimeError("did not run")] * len(jobs)

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = jobs[i]()
        except BaseException as exc:  # every outcome is examined by the caller
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=120)
    return results


@pytest.fixture
def engines(db_url: str) -> Iterator[list[UnitOfWork]]:
    """Two units of work on the same (migrated) database, each with its own engine."""
    first = make_engine(db_url)
    migrate(first)
    second = make_engine(db_url)
    yield [UnitOfWork(first), UnitOfWork(second)]
    first.dispose()
    second.dispose()


def _where(uow: UnitOfWork) -> dict[str, str]:
    with uow:
        name = uow.scenarios.active_name()
        assert name is not None
        found = uow.scenarios.get(name)
        assert found is not None
        return found.assignments


def test_overlapping_imports_with_territories_are_both_applied(
    engines: list[UnitOfWork], tmp_path: Path
) -> None:
    for r in range(ROUNDS):
        ids_a = [f"R{r}-{k:04d}" for k in range(PER_FILE)]
        ids_b = [f"R{r}-{k:04d}" for k in range(PER_FILE - OVERLAP, 2 * PER_FILE - OVERLAP)]
        files = [tmp_path / f"a{r}.csv", tmp_path / f"b{r}.csv"]
        write_accounts(files[0], ids_a, "TA")
        write_accounts(files[1], ids_b, "TB")
        outcomes = at_once(
            [lambda u=u, f=f: import_accounts(u, f) for u, f in zip(engines, files, strict=True)]
        )
        raw = [
            o
            for o in outcomes
            if isinstance(o, BaseException) and not isinstance(o, TerritorialError)
        ]
        assert not raw, f"round {r}: raw error {raw[0]!r}"
        done = [o for o in outcomes if isinstance(o, ImportReport)]
        if len(done) == 1:  # the other was refused clearly and wrote nothing
            continue
        assert len(done) == 2, outcomes
        # exactly one ran first: it added all its rows; the second found the overlap
        first = 0 if done[0].changes.added == PER_FILE else 1
        second = 1 - first
        assert done[first].changes.added == PER_FILE
        assert done[second].changes.added == PER_FILE - OVERLAP
        assert done[second].changes.updated == OVERLAP
        where = _where(engines[0])
        wanted: dict[str, str] = {}
        for i in (first, second):  # the second's territories win on the overlap
            ids = ids_a if i == 0 else ids_b
            wanted |= {ext: f"{'TA' if i == 0 else 'TB'}-{k % 3}" for k, ext in enumerate(ids)}
        mine = {ext: where.get(ext) for ext in wanted}
        assert mine == wanted, f"round {r}: lost or wrong assignments"
    with engines[0] as uow:
        assert uow.accounts.count() == ROUNDS * (2 * PER_FILE - OVERLAP)


def test_same_name_designs_one_runs_one_is_refused(
    engines: list[UnitOfWork], tmp_path: Path
) -> None:
    seed = tmp_path / "seed.csv"
    write_accounts(seed, [f"S-{k:03d}" for k in range(60)], "T")
    import_accounts(engines[0], seed)

    def design(uow: UnitOfWork, name: str) -> Callable[[], DesignOutcome]:
        request = DesignRequest(
            name=name,
            territories=3,
            balance=("potential",),
            tolerance=0.2,
            time_limit=1.0,
            iterations=40,
        )
        return lambda: design_scenario(uow, request)

    for r in range(ROUNDS):
        name = f"Plan {r}"
        outcomes = at_once([design(u, name) for u in engines])
        done = [o for o in outcomes if isinstance(o, DesignOutcome)]
        refused = [o for o in outcomes if isinstance(o, NameTaken)]
        assert len(done) == 1 and len(refused) == 1, f"round {r}: {outcomes!r}"
        message = str(refused[0])
        assert f"'{name}'" in message
        assert "already running" in message or "exists" in message
        with engines[1] as uow:
            stored = uow.scenarios.get(name)
            assert stored is not None and len(stored.assignments) == 60
            assert uow._conn is not None
            claims = uow._conn.execute(t.scenario_claims.select()).all()
            assert claims == []  # every claim was released
    with engines[0] as uow:
        names = [n for n, _ in uow.scenarios.names()]
    assert sorted(n for n in names if n.startswith("Plan")) == [f"Plan {r}" for r in range(ROUNDS)]


def _cli(db: str, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "COLUMNS": "200"}
    return subprocess.Popen(
        [sys.executable, "-m", "territorial.cli.main", *args, "--db", db],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_two_import_commands_at_once(db_url: str, tmp_path: Path) -> None:
    """The real command, twice at once in two processes: both exit 0, no traceback."""
    db = db_url.replace("postgresql+psycopg://", "postgresql://", 1)
    migrate(make_engine(db_url))
    ids = [f"C-{k:04d}" for k in range(300)]
    write_accounts(tmp_path / "a.csv", ids[:200], "TA")
    write_accounts(tmp_path / "b.csv", ids[100:], "TB")
    procs = [_cli(db, "import", "accounts", str(tmp_path / f)) for f in ("a.csv", "b.csv")]
    outputs = [p.communicate(timeout=120) for p in procs]
    for p, (_out, err) in zip(procs, outputs, strict=True):
        assert "Traceback" not in err and "Error" not in err, err
        assert p.returncode == 0, err
    uow = UnitOfWork(make_engine(db_url))
    where = _where(uow)
    assert set(ids) <= set(where)  # no account lost its territory
    assert all(where[e].startswith("TA") for e in ids[:100])
    assert all(where[e].startswith("TB") for e in ids[200:])
    uow.engine.dispose()


def test_two_edits_of_the_same_version_one_wins(engines: list[UnitOfWork], tmp_path: Path) -> None:
    """Two editors showing the same version move accounts at once: one is stored, the
    other is refused with "changed by ...; reload" and writes nothing."""
    seed = tmp_path / "seed.csv"
    write_accounts(seed, [f"E-{k:03d}" for k in range(30)], "T")
    import_accounts(engines[0], seed)
    for r in range(ROUNDS):
        with engines[0] as uow:
            name = uow.scenarios.active_name()
            assert name is not None
            before = uow.scenarios.get(name)
        assert before is not None
        moves = [("E-000", "T-1", "ann"), ("E-001", "T-2", "bob")]
        seen = before.version
        outcomes = at_once(
            [
                lambda u=u, m=m, v=seen: move_accounts(u, [m[0]], m[1], expect_version=v, by=m[2])
                for u, m in zip(engines, moves, strict=True)
            ]
        )
        done = [o for o in outcomes if isinstance(o, ScenarioEdit)]
        stale = [o for o in outcomes if isinstance(o, ScenarioChanged)]
        assert len(done) == 1 and len(stale) == 1, f"round {r}: {outcomes!r}"
        assert done[0].version == before.version + 1
        assert str(stale[0]).endswith("reload") and " was changed by " in str(stale[0])
        winner = 0 if outcomes[0] is done[0] else 1
        after = _where(engines[1])
        for i, (ext, terr, _) in enumerate(moves):  # the refused move left no trace
            assert after[ext] == (terr if i == winner else before.assignments[ext])
        with engines[1] as uow:  # put both back for the next round
            back = uow.scenarios.get(before.name)
            assert back is not None
            back.assignments.update({e: before.assignments[e] for e, _, _ in moves})
            uow.scenarios.save(back)
            uow.commit()


def test_a_writer_waiting_too_long_gets_a_clear_refusal(engines: list[UnitOfWork]) -> None:
    holder, waiter = engines
    with holder:
        holder.write_lock()
        with waiter, pytest.raises(TerritorialError, match="the database is busy"):
            waiter.write_lock(timeout=0.3)
    with waiter:  # once the holder is done, the lock is there to take
        waiter.write_lock(timeout=0.3)
