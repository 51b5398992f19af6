"""Small generated workspaces for the service tests (one helper, shared)."""

from __future__ import annotations

import dataclasses
from typing import Any

from territorial.domain import Scenario, ScenarioStatus
from territorial.sample import generate_workspace
from territorial.storage import UnitOfWork


def small_workspace(
    uow: UnitOfWork, n_accounts: int = 60, n_reps: int = 6, months: int = 2, sales: bool = False
) -> UnitOfWork:
    """``uow`` with a generated workspace stored in it: accounts, reps and the active
    alignment ``Current`` (a region/district hierarchy over the reps' territories), and
    with ``sales`` its ``months`` of sales history."""
    workspace = generate_workspace(n_accounts=n_accounts, n_reps=n_reps, months=months)
    with uow:
        uow.accounts.add_many(workspace.accounts)
        uow.reps.add_many(workspace.reps)
        uow.scenarios.save(workspace.scenario)
        if sales:
            uow.sales.add_many(workspace.sales)
        uow.commit()
    return uow


def save_draft_of_current(uow: UnitOfWork, name: str, **changes: Any) -> Scenario:
    """Store ``name``, a draft copy of the active alignment ``Current`` (its territories,
    no locks) with ``changes`` to its fields (``balance_spec``, ``assignments``...)."""
    with uow:
        current = uow.scenarios.get("Current")
        assert current is not None
        draft = dataclasses.replace(
            current,
            name=name,
            status=ScenarioStatus.DRAFT,
            parent="Current",
            locks={},
            territories=[dataclasses.replace(t) for t in current.territories],
            **changes,
        )
        uow.scenarios.save(draft)
        uow.commit()
    return draft
