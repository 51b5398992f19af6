"""Where the database is, how to connect to it, and bringing its schema up to date."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

if TYPE_CHECKING:
    from alembic.config import Config

from territorial.domain.errors import TerritorialError

DEFAULT_DB = "territorial.db"
ENV_VAR = "TERRITORIAL_DB"
MIGRATIONS = Path(__file__).parent / "migrations"
SUPPORTED_BACKENDS = frozenset({"sqlite", "postgresql"})


def resolve_url(db: str | None = None) -> str:
    """Turn ``--db`` (a file path or a URL), else ``$TERRITORIAL_DB``, into a SQLAlchemy URL.

    A plain path means a SQLite file; ``postgresql://...`` uses psycopg 3. Any other
    kind of database (``mysql://...``) is refused with a :class:`TerritorialError`.
    """
    value = db or os.environ.get(ENV_VAR) or DEFAULT_DB
    if "://" not in value:
        return f"sqlite:///{Path(value).expanduser()}"
    if value.startswith(("postgresql://", "postgres://")):
        value = "postgresql+psycopg://" + value.split("://", 1)[1]
    try:
        url = make_url(value)
    except ArgumentError as exc:
        raise TerritorialError(f"--db: not a database URL: {value!r}") from exc
    if url.get_backend_name() not in SUPPORTED_BACKENDS:
        shown = url.render_as_string(hide_password=True)
        raise TerritorialError(
            f"--db: unsupported database {url.drivername!r} in {shown!r}; use a SQLite file "
            "path (or sqlite:///PATH) or postgresql://user@host/db"
        )
    return value


# how long a SQLite writer waits for another one to finish before giving up
BUSY_TIMEOUT_SECONDS = 60.0


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_SECONDS * 1000)}")
    cursor.execute("PRAGMA foreign_keys=ON")
    # a new file switched to WAL while another process writes it answers "locked" at
    # once (SQLite does not wait there, to avoid a deadlock): try again for a while
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            break
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for ``url``, ready for several processes at once.

    SQLite: foreign keys, the write-ahead log (readers never wait for a writer) and a
    busy timeout (a writer waits for another); PostgreSQL: read committed, pooled
    connections checked before use. Writers that read what they change take the write
    lock first (:meth:`territorial.storage.UnitOfWork.write_lock`).
    """
    if make_url(url).get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_SECONDS})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # 10 connections kept open for reuse: with SQLAlchemy's default of 5 (10 more made
    # and closed again when busy) an app worker under 20 users spent about 5% of its CPU
    # opening new PostgreSQL connections (py-spy); at most 15 per process either way
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=5)


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    """The newest migration's revision (files are named ``NNNN_what.py``, revision NNNN)."""
    return max(p.name.split("_", 1)[0] for p in (MIGRATIONS / "versions").glob("[0-9]*_*.py"))


def current_revision(engine: Engine) -> str | None:
    """The schema's revision, or None for a database without one."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def migrate(engine: Engine) -> None:
    """Create or upgrade the schema to the newest migration (idempotent). A database
    already at the newest revision is left alone without loading Alembic (fast start).

    Processes opening a new database at once (web workers, job runners) migrate one at
    a time (:func:`migration_lock`); the next finds the schema new and does nothing.
    """
    if current_revision(engine) == head_revision():
        return
    with migration_lock(engine):
        if current_revision(engine) == head_revision():
            return  # another process migrated it while this one waited
        from alembic import command

        command.upgrade(alembic_config(engine), "head")


#: The PostgreSQL advisory lock's first key (the second is the schema's name hashed).
MIGRATION_LOCK_KEY = 0x7E2A


@contextmanager
def migration_lock(engine: Engine) -> Iterator[None]:
    """Hold off other processes' migrations of the same database while the block runs.

    PostgreSQL: a session advisory lock keyed by the schema (``search_path``'s first),
    on a connection of its own. SQLite: an exclusive ``flock`` on ``<file>-migrate``
    beside the database, removed when the block ends (:func:`file_lock`; without
    ``fcntl``, for in-memory databases and in a folder it cannot write to, the busy
    timeout alone).
    """
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            key = "SELECT hashtext(coalesce(current_schema(), ''))"
            schema_key = int(conn.exec_driver_sql(key).scalar_one())
            conn.exec_driver_sql(f"SELECT pg_advisory_lock({MIGRATION_LOCK_KEY}, {schema_key})")
            conn.commit()
            try:
                yield
            finally:
                conn.exec_driver_sql(
                    f"SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY}, {schema_key})"
                )
                conn.commit()
        return
    database = engine.url.database
    if not database or database == ":memory:":
        yield
        return
    with file_lock(f"{database}-migrate"):
        yield


@contextmanager
def file_lock(path: str) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``path`` while the block runs, and remove the file
    when done, so that no empty lock file stays beside the database.

    The holder removes the file before it unlocks; a process that was waiting on it then
    holds a lock on a removed file, sees that ``path`` is no longer that file, and locks
    the new one instead, so that two processes never both hold ``path``. Without
    ``fcntl``, or in a folder it cannot write to, the block runs unlocked.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    while True:
        try:
            lock = open(path, "a")  # noqa: SIM115 - held across the yield
        except OSError:  # a folder we may read but not write: the busy timeout alone
            yield
            return
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            current = os.stat(path)
        except FileNotFoundError:
            current = None
        held = os.fstat(lock.fileno())
        if current is not None and (current.st_dev, current.st_ino) == (held.st_dev, held.st_ino):
            break
        lock.close()  # its holder removed it meanwhile: lock the file there now
    with lock:
        try:
            yield
        finally:
            with suppress(OSError):
                os.unlink(path)
            fcntl.flock(lock, fcntl.LOCK_UN)
