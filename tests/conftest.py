"""Shared fixtures: databases (SQLite and PostgreSQL) and the shared data folder."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from territorial.storage import UnitOfWork, make_engine, migrate

# Rich reads the terminal width once, when a console is created at import time: give
# every CLI test the same wide console whatever order the tests run in.
os.environ["COLUMNS"] = "200"

PG_URL = os.environ.get("TERRITORIAL_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
SHARED = Path(os.environ.get("TERRITORIAL_SHARED", Path(__file__).resolve().parents[2] / "shared"))


def _pg_available() -> str | None:
    """None when PostgreSQL answers, else why not."""
    try:
        engine = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
    except Exception as exc:  # any connection failure means "not here"
        return f"PostgreSQL at {PG_URL} is not reachable ({type(exc).__name__})"
    return None


@pytest.fixture(scope="session")
def pg_reason() -> str | None:
    reason = _pg_available()
    if reason and os.environ.get("TERRITORIAL_REQUIRE_PG"):
        pytest.fail(f"TERRITORIAL_REQUIRE_PG is set but {reason}")
    return reason


@pytest.fixture
def pg_url(pg_reason: str | None) -> Iterator[str]:
    """A URL whose connections work in a fresh schema of their own, dropped afterwards."""
    if pg_reason:
        pytest.skip(pg_reason)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    base = PG_URL.replace("postgresql://", "postgresql+psycopg://", 1)
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in base else "?"
    yield f"{base}{sep}options=-csearch_path%3D{schema}"
    with admin.connect() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Every storage-backed test runs on a SQLite file and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    url: str = request.getfixturevalue("pg_url")
    return url


@pytest.fixture
def uow(db_url: str) -> Iterator[UnitOfWork]:
    engine = make_engine(db_url)
    migrate(engine)
    yield UnitOfWork(engine)
    engine.dispose()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"shared data folder {SHARED} is absent; set TERRITORIAL_SHARED to run this")
    return SHARED
