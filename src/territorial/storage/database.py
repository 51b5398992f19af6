"""Where the database is, how to connect to it, and bringing its schema up to date."""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from territorial.domain.errors import TerritorialError

DEFAULT_DB = "territorial.db"
ENV_VAR = "TERRITORIAL_DB"
MIGRATIONS = Path(__file__).parent / "migrations"


def resolve_url(db: str | None = None) -> str:
    """Turn ``--db`` (a file path or a URL), else ``$TERRITORIAL_DB``, into a SQLAlchemy URL.

    A plain path means a SQLite file; ``postgresql://...`` uses psycopg 3.
    """
    value = db or os.environ.get(ENV_VAR) or DEFAULT_DB
    if "://" not in value:
        return f"sqlite:///{Path(value).expanduser()}"
    if value.startswith(("postgresql://", "postgres://")):
        value = "postgresql+psycopg://" + value.split("://", 1)[1]
    try:
        make_url(value)
    except ArgumentError as exc:
        raise TerritorialError(f"--db: not a database URL: {value!r}") from exc
    return value


# how long a SQLite writer waits for another one to finish before giving up
BUSY_TIMEOUT_SECONDS = 60.0
# ``Connection.info`` key: the next transaction on this connection takes the write lock
WRITE_LOCK = "territorial_write_lock"


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    # transactions are begun by _sqlite_begin, not by the driver (which would start them
    # only at the first write, after the reads they depend on)
    dbapi_connection.isolation_level = None  # type: ignore[attr-defined]
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_SECONDS * 1000)}")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    """BEGIN, or BEGIN IMMEDIATE (the write lock, waiting for other writers) on request."""
    immediate = conn.info.pop(WRITE_LOCK, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: str) -> Engine:
    """An engine for ``url``, ready for several processes at once.

    SQLite: foreign keys, the write-ahead log (readers never wait for a writer), a busy
    timeout, and transactions that begin when the unit of work begins (``BEGIN
    IMMEDIATE`` when it asks for the write lock). PostgreSQL: read committed, with
    checked pooled connections; writers serialise on an advisory lock (see
    :meth:`territorial.storage.UnitOfWork.write_lock`).
    """
    if make_url(url).get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_SECONDS})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True)


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def migrate(engine: Engine) -> None:
    """Create or upgrade the schema to the newest migration (idempotent)."""
    command.upgrade(alembic_config(engine), "head")


def is_initialised(engine: Engine) -> bool:
    return "alembic_version" in inspect(engine).get_table_names()
