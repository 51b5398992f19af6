"""Copying a scenario to a new draft on SQLite and PostgreSQL: the copy is an editable
draft with the same assignment, the source is untouched, the copy is audited, a rep may
not copy, and a taken name is refused with nothing written."""

from __future__ import annotations

import pytest

from territorial.domain import (
    Account,
    LocatedBy,
    Scenario,
    ScenarioStatus,
    TerritorialError,
    Territory,
)
from territorial.domain.errors import NotPermitted
from territorial.domain.users import Actor, Role
from territorial.services import editing
from territorial.services.actor import acting_as
from territorial.services.drafts import copy_to_draft
from territorial.storage import UnitOfWork

ASSIGN = {"A1": "T1", "A2": "T1", "A3": "T2"}


def seed(uow: UnitOfWork) -> None:
    with uow:
        uow.accounts.add_many(
            [
                Account(
                    a,
                    a,
                    latitude=40.0 + k,
                    longitude=-80.0 + k,
                    located_by=LocatedBy.COORDINATES,
                    potential=100.0 * (k + 1),
                )
                for k, a in enumerate(ASSIGN)
            ]
        )
        uow.scenarios.save(
            Scenario(
                "Live",
                ScenarioStatus.ACTIVE,
                territories=[Territory("T1"), Territory("T2")],
                assignments=dict(ASSIGN),
                locks={"A3": "T2"},
                balance_spec={"potential": 0.2},
            )
        )
        uow.commit()


def test_copy_is_an_editable_draft_and_audited(uow: UnitOfWork) -> None:
    seed(uow)
    editing.clear_sessions()
    draft = copy_to_draft(uow, "Live")
    assert draft.name == "Live (edit)"
    with uow:
        copy = uow.scenarios.get("Live (edit)")
        live = uow.scenarios.get("Live")
        log = uow.audit.find(action="copy", target="Live (edit)", limit=5)
    assert copy is not None and live is not None
    assert copy.status is ScenarioStatus.DRAFT and copy.parent == "Live"
    assert copy.assignments == ASSIGN and copy.locks == {"A3": "T2"}
    assert copy.balance_spec == {"potential": 0.2}
    assert [t.name for t in copy.territories] == ["T1", "T2"]
    assert len(log) == 1 and log[0].after["from"] == "Live"  # type: ignore[index]
    # the copy can be edited, the source is untouched
    editing.move(uow, "Live (edit)", ["A1"], "T2")
    with uow:
        moved = uow.scenarios.get("Live (edit)")
        after = uow.scenarios.get("Live")
    assert moved is not None and moved.assignments["A1"] == "T2"
    assert after is not None and after.assignments == ASSIGN
    assert after.status is ScenarioStatus.ACTIVE
    # a second copy gets a name of its own
    assert copy_to_draft(uow, "Live").name == "Live (edit 2)"


def test_copy_refusals_write_nothing(uow: UnitOfWork) -> None:
    seed(uow)
    copy_to_draft(uow, "Live", "Mine")
    with pytest.raises(TerritorialError, match="already exists"):
        copy_to_draft(uow, "Live", "Mine")
    with pytest.raises(TerritorialError):
        copy_to_draft(uow, "Nowhere", "Other")
    with acting_as(Actor("rep1", Role.REP)), pytest.raises(NotPermitted):
        copy_to_draft(uow, "Live", "By a rep")
    with uow:
        names = sorted(n for n, _ in uow.scenarios.names())
        copies = uow.audit.find(action="copy", limit=10)
    assert names == ["Live", "Mine"]
    assert len(copies) == 1
