"""Downgrading to 0003 and upgrading back to head loses no row (SQLite with foreign keys
on would cascade-delete every child of a table rebuilt by a batch copy)."""

from __future__ import annotations

import dataclasses
from datetime import date

from alembic import command
from sqlalchemy import Engine, inspect, text

from territorial.domain import ScenarioStatus
from territorial.sample import generate_workspace
from territorial.services.goals import add_goal
from territorial.services.locks import set_locks
from territorial.services.plans import edit_plan
from territorial.services.publish import approve_scenario
from territorial.services.quotas import set_quotas
from territorial.storage import UnitOfWork, make_engine, migrate
from territorial.storage.database import alembic_config


def _counts(engine: Engine) -> dict[str, int]:
    tables = [t for t in inspect(engine).get_table_names() if t != "alembic_version"]
    with engine.connect() as conn:
        return {t: conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one() for t in tables}


def _fill(uow: UnitOfWork) -> None:
    workspace = generate_workspace(n_accounts=60, n_reps=4, months=6)
    with uow:
        uow.accounts.add_many(workspace.accounts)
        uow.reps.add_many(workspace.reps)
        uow.sales.add_many(workspace.sales)
        uow.scenarios.save(workspace.scenario)
        current = workspace.scenario
        uow.scenarios.save(
            dataclasses.replace(
                current,
                name="Draft",
                status=ScenarioStatus.DRAFT,
                parent=current.name,
                locks={},
                territories=[dataclasses.replace(t) for t in current.territories],
                balance_spec={"potential": 0.5},
            )
        )
        uow.commit()
    territory = sorted(set(current.assignments.values()))[0]
    set_locks(uow, sorted(current.assignments)[:3], "Draft")
    set_quotas(uow, period="2027", total=100_000, scenario=current.name)
    edit_plan(uow, territory, {"strategies": ["grow"]})
    add_goal(
        uow, territory=territory, metric="revenue", baseline=1, target=2, due=date(2027, 6, 30)
    )
    approve_scenario(uow, "Draft", force=True)


def test_downgrade_to_0003_and_back_keeps_every_row(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        migrate(engine)
        _fill(UnitOfWork(engine))
        before = _counts(engine)
        assert all(
            before[t]
            for t in (
                "assignments",
                "territories",
                "scenario_events",
                "quota_sets",
                "territory_plans",
                "goals",
                "audit_log",
            )
        )
        config = alembic_config(engine)
        command.downgrade(config, "0003")
        kept = _counts(engine)
        assert kept == {t: n for t, n in before.items() if t in kept}
        assert "balance_spec" not in {c["name"] for c in inspect(engine).get_columns("scenarios")}
        command.upgrade(config, "head")
        after = _counts(engine)
        assert {t: after[t] for t in kept} == kept
        uow = UnitOfWork(engine)
        with uow:
            draft = uow.scenarios.get("Draft")
        assert draft is not None and len(draft.locks) == 3 and draft.assignments
    finally:
        engine.dispose()
