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
