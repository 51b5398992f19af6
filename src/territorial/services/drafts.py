"""Copy a scenario to a new draft, so an approved or published alignment can be edited."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from territorial.domain import Scenario, ScenarioStatus, TerritorialError
from territorial.domain.users import Role
from territorial.services import audit
from territorial.services.actor import require
from territorial.services.scenarios import resolve_scenario
from territorial.storage import UnitOfWork

MAX_NAME = 120


def default_copy_name(uow: UnitOfWork, source: str) -> str:
    """``"<source> (edit)"``, numbered if taken (call inside ``with uow``)."""
    name = f"{source} (edit)"
    k = 2
    while uow.scenarios.exists(name):
        name = f"{source} (edit {k})"
        k += 1
    return name


def copy_to_draft(uow: UnitOfWork, source: str, name: str | None = None) -> Scenario:
    """A new draft ``name`` with ``source``'s territories, reps, assignments, locks and
    balance targets; ``source`` is left as it is. Needs a manager; audited.

    Raises
    ------
    TerritorialError
        Unknown ``source``, an empty or too long ``name``, or ``name`` already taken.
    """
    who = require(Role.MANAGER, "copy scenarios to a draft")
    with uow:
        uow.write_lock()
        found = resolve_scenario(uow, source)
        target = (name or "").strip() or default_copy_name(uow, found.name)
        if len(target) > MAX_NAME:
            raise TerritorialError(f"name: at most {MAX_NAME} characters")
        if uow.scenarios.exists(target):
            raise TerritorialError(f"name: a scenario named {target!r} already exists")
        draft = dataclasses.replace(
            found,
            name=target,
            status=ScenarioStatus.DRAFT,
            parent=found.name,
            created_by=who.name,
            created_at=datetime.now(UTC),
            territories=[dataclasses.replace(t) for t in found.territories],
            assignments=dict(found.assignments),
            locks=dict(found.locks),
            balance_spec=dict(found.balance_spec),
            effective_from=None,
            effective_to=None,
            version=0,
            changed_by=None,
            changed_at=None,
        )
        uow.scenarios.save(draft)
        audit.record(
            uow,
            "copy",
            target,
            None,
            {
                "from": found.name,
                "from_status": found.status.value,
                "accounts": len(draft.assignments),
            },
        )
        uow.commit()
    return draft
