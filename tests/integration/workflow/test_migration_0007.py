"""Migration 0007 dates the alignments published before it from their events."""

from __future__ import annotations

from datetime import UTC, date, datetime

from alembic import command
from sqlalchemy import inspect, text

from territorial.storage import UnitOfWork, make_engine, migrate
from territorial.storage.database import alembic_config


def test_published_alignments_get_their_dates_back(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        command.upgrade(alembic_config(engine), "0005")
        at = datetime(2026, 6, 1, tzinfo=UTC)
        with engine.begin() as conn:
            for name, status in (("S", "archived"), ("N", "active"), ("D", "draft")):
                conn.execute(
                    text("INSERT INTO scenarios (name, status, created_at) VALUES (:n, :s, :at)"),
                    {"n": name, "s": status, "at": at},
                )
            for name, kind in (("N", "published"), ("S", "archived")):
                conn.execute(
                    text(
                        "INSERT INTO scenario_events (scenario_id, kind, at, effective_date) "
                        "SELECT id, :k, :at, :eff FROM scenarios WHERE name = :n"
                    ),
                    {"k": kind, "at": at, "eff": date(2026, 7, 1), "n": name},
                )
        migrate(engine)
        uow = UnitOfWork(engine)
        with uow:
            n, s = uow.scenarios.get("N"), uow.scenarios.get("S")
            assert n is not None and s is not None
            assert (n.effective_from, n.effective_to) == (date(2026, 7, 1), None)
            assert (s.effective_from, s.effective_to) == (None, date(2026, 7, 1))
            assert n.version == s.version == 1
            assert uow.scenarios.active_name(date(2026, 6, 30)) == "S"
            assert uow.scenarios.active_name(date(2026, 7, 1)) == "N"
            assert dict(uow.scenarios.names(date(2026, 6, 30))) == {
                "S": "active",
                "N": "scheduled",
                "D": "draft",
            }
            assert [e.overridden for e in uow.publishing.events()] == [False, False]
        command.downgrade(alembic_config(engine), "0005")
        with engine.connect() as conn:  # and back: the columns go, no row goes with them
            for table, rows in (("scenarios", 3), ("scenario_events", 2)):
                count = conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
                assert count == rows, table
        columns = {c["name"] for c in inspect(engine).get_columns("scenarios")}
        assert not columns & {"effective_from", "effective_to", "version"}
        assert "scenario_claims" not in inspect(engine).get_table_names()
    finally:
        engine.dispose()
