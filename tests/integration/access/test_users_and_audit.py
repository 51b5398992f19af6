"""Users, roles and the audit log on SQLite and PostgreSQL: the rules hold in the services,
whoever calls them, and every change is recorded with who made it, atomically."""

from __future__ import annotations

from datetime import date

import pytest
from tests.integration.workspaces import small_workspace

from territorial.domain import TerritorialError
from territorial.domain.errors import NotPermitted, OptionError
from territorial.domain.users import Actor, Role
from territorial.services.actor import acting_as
from territorial.services.audit import entries, to_csv
from territorial.services.goals import add_goal
from territorial.services.plans import edit_plan
from territorial.services.users import LoginRefused, add_user, authenticate, set_active
from territorial.storage import UnitOfWork

MANAGER = Actor("maria", Role.MANAGER)
REP = Actor("ralph", Role.REP, rep_id=1)


@pytest.fixture
def small(uow: UnitOfWork) -> UnitOfWork:
    return small_workspace(uow, n_accounts=40, n_reps=3)


def _territory(uow: UnitOfWork) -> str:
    with uow:
        return sorted(set(uow.scenarios.get("Current").assignments.values()))[0]  # type: ignore[union-attr]


def test_changes_are_recorded_with_who_made_them(small: UnitOfWork) -> None:
    territory = _territory(small)
    with acting_as(MANAGER):
        edit_plan(small, territory, {"strategies": ["Win hospitals"]})
        edit_plan(small, territory, {"strategies": ["Win hospitals", "Bundle service"]})
        add_goal(
            small,
            territory=territory,
            metric="revenue",
            baseline=1,
            target=2,
            due=date(2027, 6, 30),
        )
        log = entries(small)
    assert [e.action for e in log] == ["goal.add", "plan.edit", "plan.edit"]  # newest first
    assert {e.actor for e in log} == {"maria"}
    last_edit = log[1]
    assert last_edit.before == {"strategies": ["Win hospitals"]}
    assert last_edit.after == {"strategies": ["Win hospitals", "Bundle service"]}
    with acting_as(MANAGER):
        assert [e.action for e in entries(small, action="plan.edit")] == ["plan.edit"] * 2
        assert entries(small, actor="nobody") == []
    assert to_csv(log).splitlines()[0] == "at,actor,action,target,before,after"


def test_a_rep_cannot_change_anything_even_calling_the_services_directly(
    small: UnitOfWork,
) -> None:
    territory = _territory(small)
    with acting_as(REP):
        with pytest.raises(NotPermitted, match="ralph"):
            edit_plan(small, territory, {"strategies": ["mine now"]})
        with pytest.raises(NotPermitted):
            add_goal(
                small,
                territory=territory,
                metric="revenue",
                baseline=1,
                target=2,
                due=date(2027, 6, 30),
            )
        with pytest.raises(NotPermitted):
            entries(small)
    with small:
        assert small.audit.find() == []  # nothing happened, nothing recorded


def test_only_an_admin_manages_users_and_passwords_are_hashed(small: UnitOfWork) -> None:
    with acting_as(MANAGER), pytest.raises(NotPermitted):
        add_user(small, "eve", "long-enough-1", Role.ADMIN)
    user = add_user(small, "maria", "long-enough-1", Role.MANAGER)
    with small:
        stored = small.users.password_hash(user.id)
    assert stored is not None and "long-enough-1" not in stored and stored.startswith("$argon2")
    with pytest.raises(TerritorialError, match="already exists"):
        add_user(small, "maria", "long-enough-2", Role.MANAGER)
    with pytest.raises(TerritorialError, match="at least 8"):
        add_user(small, "short", "short", Role.MANAGER)
    with pytest.raises(OptionError, match="needs the rep's id") as refused:
        add_user(small, "rep-without-rep", "long-enough-1", Role.REP)
    assert refused.value.option == "rep"
    assert authenticate(small, "maria", "long-enough-1", "10.0.0.1").username == "maria"
    set_active(small, "maria", False)
    with pytest.raises(LoginRefused):
        authenticate(small, "maria", "long-enough-1", "10.0.0.1")


def test_imports_are_a_managers_and_recorded(uow: UnitOfWork) -> None:
    from pathlib import Path

    from territorial.services.imports import import_reps

    reps = Path(__file__).resolve().parents[2] / "fixtures" / "crm" / "sf_reps.csv"
    with acting_as(REP), pytest.raises(NotPermitted):
        import_reps(uow, reps)
    with acting_as(MANAGER):
        report = import_reps(uow, reps)
        [entry] = entries(uow, action="import.reps")
    assert entry.actor == "maria" and entry.target == "sf_reps.csv"
    assert entry.after == {"added": report.changes.added, "updated": 0, "unchanged": 0}
