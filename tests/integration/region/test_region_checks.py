"""A manager limited to a region, in the services (SQLite and PostgreSQL): the balance
check names their region's misses and counts the others, sizing covers their
territories, a rebalance is refused; an unlimited actor's answer is the comparison."""

from __future__ import annotations

import pytest
from tests.integration.workspaces import save_draft_of_current, small_workspace

from territorial.domain.errors import NotPermitted
from territorial.domain.users import Actor, Role
from territorial.services.actor import acting_as
from territorial.services.publish import approve_check
from territorial.services.rebalance import propose_rebalance
from territorial.services.region import actor_for
from territorial.services.sizing import size_sales_force
from territorial.services.users import add_user
from territorial.storage import UnitOfWork

TIGHT = "Tight"


@pytest.fixture
def small(uow: UnitOfWork) -> UnitOfWork:
    small_workspace(uow, n_accounts=60, n_reps=6)
    save_draft_of_current(uow, TIGHT, balance_spec={"potential": 0.001})
    return uow


def _central(uow: UnitOfWork) -> Actor:
    return actor_for(uow, add_user(uow, "carla", "a-long-password", Role.MANAGER, region="Central"))


def test_the_balance_check_of_a_region(small: UnitOfWork) -> None:
    every = approve_check(small, TIGHT)
    carla = _central(small)
    assert carla.territories is not None
    with acting_as(carla):
        mine = approve_check(small, TIGHT)
    named = {m.territory for m in every.misses}
    assert named - carla.territories and named & carla.territories
    assert mine.misses == tuple(m for m in every.misses if m.territory in carla.territories)
    assert mine.outside == len(every.misses) - len(mine.misses) and every.outside == 0
    assert not mine.passed and "outside your region" in mine.warning()


def test_sizing_of_a_region(small: UnitOfWork) -> None:
    every = size_sales_force(small)
    carla = _central(small)
    assert carla.territories is not None
    with acting_as(carla):
        mine = size_sales_force(small)
    with small:
        current = small.scenarios.get("Current")
    assert current is not None
    reps = {
        t.rep_external_id
        for t in current.territories
        if t.name in carla.territories and t.rep_external_id
    }
    assert mine.report.current_reps == len(reps) < every.report.current_reps
    assert 0 < mine.report.total_workload < every.report.total_workload


def test_a_rebalance_is_refused_to_a_region(small: UnitOfWork) -> None:
    carla = _central(small)
    with acting_as(carla), pytest.raises(NotPermitted, match="other regions"):
        propose_rebalance(small)
    with small:
        assert [n for n, _ in small.scenarios.names() if n.startswith("Rebalance")] == []
