"""Deleting a scenario, on SQLite and PostgreSQL: drafts and archived alignments go with
everything hanging off them; the alignment in force and a scheduled one stay."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from territorial.domain import (
    Account,
    LocatedBy,
    Rep,
    Scenario,
    ScenarioStatus,
    Territory,
    TerritoryLevel,
)
from territorial.domain.errors import NotPermitted, TerritorialError
from territorial.domain.users import Actor, Role
from territorial.services.actor import acting_as
from territorial.services.audit import entries
from territorial.services.publish import publish_scenario
from territorial.services.quotas import set_quotas
from territorial.services.scenario_delete import DeleteRefused, delete_scenario
from territorial.storage import UnitOfWork
from territorial.storage import planning_tables as p

IDS = ("A1", "A2", "A3", "A4")


def seed(uow: UnitOfWork) -> None:
    """Active S and drafts N, M over four accounts in two territories."""
    with uow:
        uow.accounts.add_many(
            [
                Account(
                    e,
                    f"Account {e}",
                    latitude=40 + k,
                    longitude=-75 - k,
                    potential=100.0 + k,
                    located_by=LocatedBy.COORDINATES,
                )
                for k, e in enumerate(IDS)
            ]
        )
        uow.reps.add_many([Rep("R1", "Rep 1"), Rep("R2", "Rep 2")])
        for name, status, split in (
            ("S", ScenarioStatus.ACTIVE, 2),
            ("N", ScenarioStatus.DRAFT, 1),
            ("M", ScenarioStatus.DRAFT, 3),
        ):
            uow.scenarios.save(
                Scenario(
                    name,
                    status,
                    territories=[
                        Territory("T1", rep_external_id="R1"),
                        Territory("T2", rep_external_id="R2"),
                    ],
                    assignments={e: "T1" if k < split else "T2" for k, e in enumerate(IDS)},
                )
            )
        uow.commit()


def names(uow: UnitOfWork) -> list[str]:
    with uow:
        return [n for n, _ in uow.scenarios.names()]


def test_a_draft_is_deleted_with_its_quotas_and_audited(uow: UnitOfWork) -> None:
    seed(uow)
    set_quotas(uow, period="2026", total=1000, scenario="N")
    gone = delete_scenario(uow, "N")
    assert (gone.name, gone.status, gone.territories, gone.accounts) == ("N", "draft", 2, 4)
    assert names(uow) == ["S", "M"]
    with uow:
        assert uow.quotas.periods("M") == []
        with pytest.raises(TerritorialError):
            uow.quotas.periods("N")
        quota_sets = uow.engine.connect()
    with quota_sets:  # N's quota set went with it (no orphan rows)
        assert quota_sets.execute(select(func.count()).select_from(p.quota_sets)).scalar() == 0
    with uow:
        kept = uow.scenarios.get("S")
        assert kept is not None and len(kept.assignments) == 4
    entry = entries(uow, action="delete")[0]
    assert entry.target == "N" and entry.before["accounts"] == 4 and entry.after is None
    with pytest.raises(TerritorialError, match="no scenario named 'N'"):
        delete_scenario(uow, "N")


def test_the_count_is_of_territories_not_the_regions_above_them(uow: UnitOfWork) -> None:
    seed(uow)
    hierarchy = [
        Territory("East", TerritoryLevel.REGION),
        Territory("North East", TerritoryLevel.DISTRICT, parent="East"),
        Territory("T1", parent="North East", rep_external_id="R1"),
        Territory("T2", parent="North East", rep_external_id="R2"),
        Territory("T3", parent="East"),  # a territory with no account yet
    ]
    with uow:
        uow.scenarios.save(
            Scenario("H", territories=hierarchy, assignments={"A1": "T1", "A2": "T2"})
        )
        uow.commit()
    gone = delete_scenario(uow, "H")
    assert (gone.territories, gone.accounts) == (3, 2)
    assert entries(uow, action="delete")[0].before == {
        "status": "draft",
        "territories": 3,
        "accounts": 2,
    }


def test_the_active_and_a_scheduled_alignment_are_refused(uow: UnitOfWork) -> None:
    seed(uow)
    with pytest.raises(DeleteRefused, match="alignment in force") as refused:
        delete_scenario(uow, "S")
    assert refused.value.status is ScenarioStatus.ACTIVE
    publish_scenario(uow, "N", date.today() + timedelta(days=30), force=True)
    with pytest.raises(DeleteRefused, match="scheduled") as refused:
        delete_scenario(uow, "N")
    assert refused.value.status is ScenarioStatus.SCHEDULED
    assert names(uow) == ["S", "N", "M"]


def test_an_archived_alignment_can_go(uow: UnitOfWork) -> None:
    seed(uow)
    publish_scenario(uow, "N", date.today(), force=True)  # S is archived from today
    with uow:
        assert uow.scenarios.get("S").status is ScenarioStatus.ARCHIVED
    delete_scenario(uow, "S")
    assert names(uow) == ["N", "M"]
    with uow:
        assert uow.scenarios.active_name() == "N"


def test_deleting_needs_a_manager_whose_region_covers_it(uow: UnitOfWork) -> None:
    seed(uow)
    with acting_as(Actor("rita", Role.REP)), pytest.raises(NotPermitted):
        delete_scenario(uow, "M")
    limited = Actor("lee", Role.MANAGER, region="T1", territories=frozenset({"T1"}))
    with acting_as(limited), pytest.raises(NotPermitted, match="T2"):
        delete_scenario(uow, "M")
    with acting_as(Actor("max", Role.MANAGER)):
        delete_scenario(uow, "M")
    assert names(uow) == ["S", "N"]
