"""Managers limited to a region, in the services (SQLite and PostgreSQL): they see only
their region's accounts and every change touching another territory is refused."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from tests.integration.workspaces import small_workspace

from territorial.domain import ScenarioStatus, TerritorialError
from territorial.domain.errors import NotPermitted
from territorial.domain.users import Actor, Role
from territorial.services.actor import acting_as, require_territories
from territorial.services.compare import compare_scenarios
from territorial.services.goals import add_goal
from territorial.services.listing import list_accounts
from territorial.services.locks import move_accounts, set_locks
from territorial.services.plans import edit_plan
from territorial.services.publish import approve_scenario
from territorial.services.quotas import set_quotas
from territorial.services.region import (
    NoSuchAccount,
    account_detail,
    actor_for,
    region_territories,
)
from territorial.services.users import add_user, set_region
from territorial.storage import UnitOfWork

PASSWORD = "a-long-password"


@pytest.fixture
def small(uow: UnitOfWork) -> UnitOfWork:
    return small_workspace(uow, n_accounts=60, n_reps=6)


def _current(uow: UnitOfWork):  # type: ignore[no-untyped-def]
    with uow:
        found = uow.scenarios.get("Current")
    assert found is not None
    return found


def _central(uow: UnitOfWork) -> Actor:
    user = add_user(uow, "carla", PASSWORD, Role.MANAGER, region="Central")
    return actor_for(uow, user)


def _in(uow: UnitOfWork, prefix: str) -> list[str]:
    current = _current(uow)
    return sorted(a for a, t in current.assignments.items() if t.startswith(prefix))


def test_the_region_is_its_subtree_and_must_exist(small: UnitOfWork) -> None:
    with small:
        central = region_territories(small, "Central")
        district = region_territories(small, "Central North District")
    current = _current(small)
    below = {t.name for t in current.territories if t.parent in central}
    assert below <= central and "East-1" not in central and "Central" in central
    assert district < central and "Central North District" in district
    with pytest.raises(TerritorialError, match="no region or district 'Central-1'"):
        add_user(small, "x", PASSWORD, Role.MANAGER, region="Central-1")  # a leaf
    with pytest.raises(TerritorialError, match="only a manager"):
        add_user(small, "y", PASSWORD, Role.ADMIN, region="Central")
    user = add_user(small, "z", PASSWORD, Role.MANAGER)
    assert user.region is None and actor_for(small, user).territories is None
    assert set_region(small, "z", "East").region == "East"
    assert set_region(small, "z", None).region is None


def test_a_limited_manager_sees_only_their_accounts(small: UnitOfWork) -> None:
    actor = _central(small)
    central, east = _in(small, "Central-"), _in(small, "East-")
    assert central and east
    with acting_as(actor):
        with small:
            page = list_accounts(small, limit=None)
        assert sorted(a.external_id for a in page.accounts) == central
        assert account_detail(small, central[0])["territory"].startswith("Central-")
        with pytest.raises(NoSuchAccount):
            account_detail(small, east[0])
    everyone = len(_current(small).assignments)
    with small:  # the local admin sees everything
        assert list_accounts(small, limit=None).total == everyone


def test_changes_outside_the_region_are_refused(small: UnitOfWork) -> None:
    actor = _central(small)
    central, east = _in(small, "Central-"), _in(small, "East-")
    with acting_as(actor):
        move_accounts(small, central[:1], "Central-2")  # inside: allowed
        with pytest.raises(NotPermitted, match=r"limited to region Central; .* East-"):
            move_accounts(small, east[:1], "Central-1")
        with pytest.raises(NotPermitted, match="East-1"):
            move_accounts(small, central[:1], "East-1")
        with pytest.raises(NotPermitted, match="East-"):
            set_locks(small, east[:1])
        with pytest.raises(NotPermitted, match="East-1"):
            edit_plan(small, "East-1", {"strategies": ["grow"]})
        edit_plan(small, "Central-1", {"strategies": ["grow"]})
        with pytest.raises(NotPermitted, match="East-2"):
            add_goal(
                small,
                territory="East-2",
                metric="revenue",
                baseline=1,
                target=2,
                due=date(2027, 1, 1),
            )
        with pytest.raises(NotPermitted, match="quota override touches East-1"):
            set_quotas(small, period="2027", total=1000, overrides={"East-1": "10"}, store=False)
        with pytest.raises(NotPermitted, match="setting this quota set touches"):
            set_quotas(small, period="2027", total=1000)
    moved = _current(small)
    assert moved.assignments[central[0]] == "Central-2"
    assert all(moved.assignments[a].startswith("East-") for a in east)


def test_approving_a_scenario_that_moves_accounts_outside_is_refused(
    small: UnitOfWork,
) -> None:
    actor = _central(small)
    current = _current(small)
    central, east = _in(small, "Central-"), _in(small, "East-")
    inside = dataclasses.replace(
        current,
        name="Inside",
        status=ScenarioStatus.DRAFT,
        parent="Current",
        locks={},
        territories=[dataclasses.replace(t) for t in current.territories],
        assignments={
            **current.assignments,
            central[0]: "Central-2"
            if current.assignments[central[0]] != "Central-2"
            else "Central-1",
        },
    )
    outside = dataclasses.replace(
        inside, name="Outside", assignments={**current.assignments, east[0]: "Central-1"}
    )
    with small:
        small.scenarios.save(inside)
        small.scenarios.save(outside)
        small.commit()
    with acting_as(actor):
        with pytest.raises(NotPermitted, match="approving 'Outside' touches East-"):
            approve_scenario(small, "Outside")
        approve_scenario(small, "Inside")
        comparison = compare_scenarios(small, "Current", "Outside")
        assert comparison.moves == []  # the East account that moves is not theirs to see
    assert len(compare_scenarios(small, "Current", "Outside").moves) == 1


def test_actors_without_a_region_pass_and_unassigned_is_outside() -> None:
    free = Actor("m", Role.MANAGER)
    limited = Actor("c", Role.MANAGER, region="Central", territories=frozenset({"Central-1"}))
    with acting_as(free):
        require_territories(["East-1", None], "anything")
    with acting_as(limited):
        require_territories(["Central-1"], "a move")
        with pytest.raises(NotPermitted, match=r"\(unassigned\)"):
            require_territories([None], "a move")
