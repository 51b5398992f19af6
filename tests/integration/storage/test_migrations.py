"""The migrations build exactly the schema the table definitions describe."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from territorial.domain import Scenario
from territorial.storage import UnitOfWork, make_engine, migrate
from territorial.storage.database import alembic_config
from territorial.storage.schema import metadata


def test_migrated_schema_matches_the_tables(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        migrate(engine)
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), metadata)
        assert diff == []
    finally:
        engine.dispose()


def test_scenarios_from_before_0004_have_no_balance_spec(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        command.upgrade(alembic_config(engine), "0003")
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO scenarios (name, status, created_at) VALUES ('Old', 'draft', :at)"
                ),
                {"at": datetime(2026, 1, 1, tzinfo=UTC)},
            )
        migrate(engine)
        uow = UnitOfWork(engine)
        with uow:
            old = uow.scenarios.get("Old")
            assert old is not None and old.balance_spec == {}
            uow.scenarios.save(Scenario("New", balance_spec={"potential": 0.05}))
            uow.commit()
        command.downgrade(alembic_config(engine), "0003")  # and back: the column goes
        with engine.connect() as conn:
            names = conn.execute(text("SELECT name FROM scenarios ORDER BY name")).scalars()
            assert list(names) == ["New", "Old"]
        assert "balance_spec" not in {c["name"] for c in inspect(engine).get_columns("scenarios")}
    finally:
        engine.dispose()
