"""A design claims its scenario name before it starts (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from territorial.domain import Scenario
from territorial.domain.publishing import NameClaim, NameTaken
from territorial.services.design import DesignRequest, claim_name
from territorial.storage import UnitOfWork


def request(name: str, *, replace: bool = False) -> DesignRequest:
    return DesignRequest(name=name, territories=2, replace=replace, created_by="ann")


def holds(uow: UnitOfWork, name: str, token: str) -> bool:
    with uow:
        return uow.scenarios.holds_claim(name, token)


def test_a_running_design_holds_its_name(uow: UnitOfWork) -> None:
    first = claim_name(uow, request("Plan"))
    with pytest.raises(NameTaken, match=r"a design named 'Plan' is already running .* by ann"):
        claim_name(uow, request("Plan"))
    assert holds(uow, "Plan", first)
    # --replace takes the name over: the first design will find it lost and store nothing
    second = claim_name(uow, request("Plan", replace=True))
    assert holds(uow, "Plan", second) and not holds(uow, "Plan", first)
    with uow:
        uow.scenarios.release("Plan", first)  # the loser's release leaves the new claim
        uow.commit()
    assert holds(uow, "Plan", second)


def test_a_stored_scenario_or_a_dead_claim(uow: UnitOfWork) -> None:
    with uow:
        uow.scenarios.save(Scenario("Kept"))
        now = datetime.now(UTC)
        dead = NameClaim("Old", "dead", None, now - timedelta(hours=3), now - timedelta(hours=1))
        assert uow.scenarios.claim(dead, take_over=True) is None
        uow.commit()
    with pytest.raises(NameTaken, match="a scenario named 'Kept' exists"):
        claim_name(uow, request("Kept"))
    token = claim_name(uow, request("Old"))  # an expired claim (a killed design) is freed
    assert holds(uow, "Old", token) and not holds(uow, "Old", "dead")
