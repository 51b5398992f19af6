"""Two processes opening a new database at once both bring it to the newest schema: the
migrations are serialised (a PostgreSQL advisory lock; a lock file beside a SQLite file,
removed afterwards) and the second finds the work done."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from territorial.storage import make_engine, migrate
from territorial.storage.database import current_revision, file_lock, head_revision

ROUNDS = 3
SRC = str(Path(__file__).resolve().parents[3] / "src")
MIGRATE = """
import sys, time
import alembic.command  # loaded before the start line, as a server would have it
from territorial.storage import make_engine, migrate
engine = make_engine(sys.argv[1])
time.sleep(max(0.0, float(sys.argv[2]) - time.time()))
migrate(engine)
"""


def _migrate_twice(url: str) -> list[subprocess.CompletedProcess[str]]:
    env = {**os.environ, "PYTHONPATH": SRC}
    start = f"{time.time() + 2.5:.3f}"  # both past their imports, then at once
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", MIGRATE, url, start],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    return [subprocess.CompletedProcess(p.args, p.wait(120), *p.communicate()) for p in procs]


def _check(url: str) -> None:
    for done in _migrate_twice(url):
        assert done.returncode == 0, done.stderr[-2000:]
    engine = make_engine(url)
    try:
        assert current_revision(engine) == head_revision()
        with engine.connect() as conn:  # one version row, tables there
            assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
            assert conn.execute(text("SELECT count(*) FROM uploads")).scalar() == 0
    finally:
        engine.dispose()


@pytest.fixture
def pg_schemas(pg_url: str) -> Iterator[list[str]]:
    """URLs of ``ROUNDS`` fresh PostgreSQL schemas (dropped afterwards)."""
    base, _ = pg_url.split("?options=", 1) if "?options=" in pg_url else (pg_url, "")
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    names = [f"m_{uuid.uuid4().hex[:12]}" for _ in range(ROUNDS)]
    with admin.connect() as conn:
        for name in names:
            conn.execute(text(f"CREATE SCHEMA {name}"))
    yield [f"{base}?options=-csearch_path%3D{name}" for name in names]
    with admin.connect() as conn:
        for name in names:
            conn.execute(text(f"DROP SCHEMA {name} CASCADE"))
    admin.dispose()


@pytest.mark.postgres
def test_two_first_migrations_at_once_on_postgresql(pg_schemas: list[str]) -> None:
    for url in pg_schemas:
        _check(url)


def test_two_first_migrations_at_once_on_sqlite(tmp_path: Path) -> None:
    for n in range(ROUNDS):
        _check(f"sqlite:///{tmp_path / f'new-{n}.db'}")
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"new-{n}.db" for n in range(ROUNDS)]


def test_a_migration_leaves_no_lock_file(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'w.db'}")
    try:
        migrate(engine)
    finally:
        engine.dispose()
    assert [p.name for p in tmp_path.iterdir()] == ["w.db"]


def test_the_lock_file_holds_while_its_holder_removes_it(tmp_path: Path) -> None:
    """A waiter that locked the file its holder then removed takes the new file's lock in
    turn: holders never overlap."""
    path = str(tmp_path / "db-migrate")
    inside: list[str] = []
    overlaps: list[tuple[str, str]] = []
    release = threading.Event()

    def hold(name: str, until: threading.Event | None = None) -> None:
        with file_lock(path):
            overlaps.extend((name, other) for other in inside)
            inside.append(name)
            if until is not None:
                until.wait(10)
            else:
                time.sleep(0.2)
            inside.remove(name)

    first = threading.Thread(target=hold, args=("first", release))
    first.start()
    while not inside:
        time.sleep(0.01)
    waiter = threading.Thread(target=hold, args=("waiter",))
    waiter.start()
    time.sleep(0.2)  # the waiter has opened the first file and waits for its lock
    release.set()
    first.join()
    late = threading.Thread(target=hold, args=("late",))  # opens a new file
    late.start()
    waiter.join()
    late.join()
    assert overlaps == []
    assert not Path(path).exists()
