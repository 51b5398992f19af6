"""Locks: accounts that must stay in a territory whatever a design does."""

from __future__ import annotations

from territorial.domain import ScenarioStatus, TerritorialError
from territorial.services.scenarios import resolve_scenario
from territorial.storage import UnitOfWork


def set_locks(
    uow: UnitOfWork,
    account_ids: list[str],
    scenario: str | None = None,
    *,
    territory: str | None = None,
    locked: bool = True,
) -> int:
    """Lock (or unlock) accounts in their territory, or first move them to ``territory``.

    Returns how many accounts changed. Archived scenarios are history and refuse edits.
    """
    with uow:
        found = resolve_scenario(uow, scenario)
        if found.status is ScenarioStatus.ARCHIVED:
            raise TerritorialError(f"scenario {found.name!r} is archived; locks cannot change")
        if territory is not None and found.territory(territory) is None:
            raise TerritorialError(f"scenario {found.name!r} has no territory {territory!r}")
        known = uow.accounts.ids_by_external_id()
        missing = [a for a in account_ids if a not in known]
        if missing:
            raise TerritorialError(f"no account with id {missing[0]!r}")
        unknown = [a for a in account_ids if a not in found.assignments and territory is None]
        if unknown:
            raise TerritorialError(
                f"account {unknown[0]!r} is not assigned in {found.name!r}; name --to TERRITORY"
            )
        changed = 0
        for account in account_ids:
            if territory is not None and found.assignments.get(account) != territory:
                found.assignments[account] = territory
                changed += 1
            if locked and found.locks.get(account) != found.assignments[account]:
                found.locks[account] = found.assignments[account]
                changed += 1
            elif not locked and account in found.locks:
                del found.locks[account]
                changed += 1
        uow.scenarios.save(found)
        uow.commit()
    return changed
