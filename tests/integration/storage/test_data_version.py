"""The data version (migration 0013) on SQLite and PostgreSQL: every change to the
workspace's data raises it, in the writing transaction; jobs and users leave it alone."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from sqlalchemy import text

from territorial.domain import Account, LocatedBy, Scenario, ScenarioStatus, Territory
from territorial.domain.jobs import Job
from territorial.domain.users import Role
from territorial.services.users import add_user
from territorial.storage import UnitOfWork, make_engine, migrate


def version(uow: UnitOfWork) -> int:
    with uow:
        return uow.data_version()


def test_every_data_write_raises_the_version(uow: UnitOfWork) -> None:
    seen = [version(uow)]

    def changed() -> None:
        now = version(uow)
        assert now > seen[-1]
        seen.append(now)

    with uow:
        uow.accounts.add_many(
            [Account("A1", "One", latitude=40.0, longitude=-75.0, located_by=LocatedBy.COORDINATES)]
        )
        uow.commit()
    changed()
    with uow:
        one = uow.accounts.by_external_id()["A1"]
        uow.accounts.update_many([dataclasses.replace(one, potential=5.0)])
        uow.commit()
    changed()
    with uow:
        uow.scenarios.save(
            Scenario(
                "S", ScenarioStatus.DRAFT, territories=[Territory("T")], assignments={"A1": "T"}
            )
        )
        uow.commit()
    changed()
    with uow:
        uow.scenarios.touch("S", "someone")
        uow.commit()
    changed()
    with uow:  # a statement written by hand (another tool, a DBA) counts as well
        assert uow._conn is not None
        uow._conn.execute(text("UPDATE assignments SET locked = :t"), {"t": True})
        uow.commit()
    changed()
    with uow:
        uow.clear_all()
        uow.commit()
    changed()


def test_jobs_users_and_rolled_back_writes_leave_it_alone(uow: UnitOfWork) -> None:
    before = version(uow)
    with uow:
        uow.jobs.add(Job(id="j1", kind="design", params={}, created_at=datetime.now(UTC)))
        uow.commit()
    add_user(uow, "someone", "a-password-1", Role.ADMIN)
    with uow:
        uow.accounts.add_many([Account("A1", "One")])  # not committed
    assert version(uow) == before


def test_a_reader_sees_the_new_version_only_with_the_new_rows(db_url: str) -> None:
    engine = make_engine(db_url)
    migrate(engine)
    writer, reader = UnitOfWork(engine), UnitOfWork(make_engine(db_url))
    try:
        before = version(reader)
        with writer:
            writer.accounts.add_many([Account("A1", "One")])
            assert writer.data_version() > before  # inside the writing transaction
            assert version(reader) == before  # not yet committed: neither rows nor version
            writer.commit()
        with reader:
            assert reader.data_version() > before
            assert reader.accounts.count() == 1
    finally:
        engine.dispose()
        reader.engine.dispose()


def test_the_version_survives_a_downgrade_and_upgrade(db_url: str) -> None:
    from alembic import command

    from territorial.storage.database import alembic_config

    engine = make_engine(db_url)
    try:
        migrate(engine)
        command.downgrade(alembic_config(engine), "0012")
        migrate(engine)
        uow = UnitOfWork(engine)
        before = version(uow)
        with uow:
            uow.accounts.add_many([Account("A1", "One")])
            uow.commit()
        assert version(uow) > before
    finally:
        engine.dispose()


def versions(uow: UnitOfWork, name: str | None) -> tuple[int, int, int]:
    """(data version, common version, version of scenario ``name``)."""
    with uow:
        common, _, own = uow.scenario_version(name)
        return uow.data_version(), common, own


def test_a_draft_raises_its_own_version_and_leaves_the_others_alone(uow: UnitOfWork) -> None:
    """Migration 0015: a change confined to a draft (its row, its territories and
    assignments) raises the data version and the draft's, not the common version nor
    another scenario's; a change to anything else raises the common version."""
    with uow:
        uow.accounts.add_many([Account("A1", "One"), Account("A2", "Two")])
        uow.scenarios.save(
            Scenario(
                "Live", ScenarioStatus.ACTIVE, territories=[Territory("T")], assignments={"A1": "T"}
            )
        )
        uow.commit()
    live, draft = versions(uow, "Live"), versions(uow, "Draft")
    assert live[2] > 0 and draft[2] == 0  # no such scenario yet
    with uow:
        uow.scenarios.save(
            Scenario(
                "Draft", ScenarioStatus.DRAFT, territories=[Territory("T")], assignments={"A2": "T"}
            )
        )
        uow.commit()
    new_live, new_draft = versions(uow, "Live"), versions(uow, "Draft")
    assert new_live[0] > live[0]  # the data version: every change
    assert new_live[1:] == live[1:]  # common and the live scenario's: unchanged
    assert new_draft[2] > 0
    with uow:  # a draft's rows, by hand (one statement for several rows)
        assert uow._conn is not None
        uow._conn.execute(text("UPDATE assignments SET locked = :t"), {"t": True})
        uow.commit()
    assert versions(uow, "Live")[2] > new_live[2]  # the statement wrote both scenarios'
    assert versions(uow, "Draft")[2] > new_draft[2]
    assert versions(uow, "Live")[1] == live[1]

    def common_raised_by(statement: str) -> bool:
        before = versions(uow, None)[1]
        with uow:
            assert uow._conn is not None
            uow._conn.execute(text(statement))
            uow.commit()
        return versions(uow, None)[1] > before

    assert not common_raised_by("UPDATE scenarios SET description = 'x' WHERE name = 'Draft'")
    assert common_raised_by("UPDATE scenarios SET name = 'Renamed' WHERE name = 'Draft'")
    assert common_raised_by("UPDATE scenarios SET status = 'approved' WHERE name = 'Renamed'")
    assert common_raised_by("UPDATE accounts SET potential = 3")
    assert common_raised_by("UPDATE scenarios SET description = 'y' WHERE name = 'Live'")
    gone = versions(uow, "Renamed")[2]
    with uow:
        assert uow._conn is not None
        sid = uow._conn.execute(text("SELECT id FROM scenarios WHERE name = 'Renamed'")).scalar()
        uow._conn.execute(text("DELETE FROM scenarios WHERE name = 'Renamed'"))
        uow.commit()
    with uow:  # its version goes on counting, should its id be used again
        assert uow._conn is not None
        kept = uow._conn.execute(
            text("SELECT version FROM scenario_versions WHERE scenario_id = :s"), {"s": sid}
        ).scalar()
    assert kept is not None and kept > gone
