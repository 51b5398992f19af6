"""Locks and moves: accounts that must stay in a territory, accounts moved by hand.

Edits check the scenario's version: pass ``expect_version`` (the version the editor
showed, :attr:`territorial.domain.Scenario.version`) and a scenario changed since is
refused with "changed by X at T; reload" (:class:`~territorial.domain.publishing.
ScenarioChanged`) instead of overwriting that change.
"""

from __future__ import annotations

from dataclasses import dataclass

from territorial.domain import OptionError, ScenarioStatus, TerritorialError
from territorial.domain.users import Role
from territorial.services import audit
from territorial.services.actor import require, require_territories
from territorial.services.scenarios import resolve_scenario
from territorial.storage import UnitOfWork


@dataclass(frozen=True)
class ScenarioEdit:
    """What an edit did: the scenario, its version afterwards, how many changes."""

    scenario: str
    version: int
    changed: int


def edit_accounts(
    uow: UnitOfWork,
    account_ids: list[str],
    scenario: str | None = None,
    *,
    territory: str | None = None,
    lock: bool | None = None,
    expect_version: int | None = None,
    by: str | None = None,
) -> ScenarioEdit:
    """Move accounts to ``territory`` (when given) and lock or unlock them (``lock``
    True/False; None leaves locks as they are), all or nothing.

    Archived scenarios are history and refuse edits; a stale ``expect_version`` is
    refused (nothing is written).
    """
    by = by or require(Role.MANAGER, "move or lock accounts").name
    with uow:
        uow.write_lock()
        found = resolve_scenario(uow, scenario)
        if found.status is ScenarioStatus.ARCHIVED:
            raise TerritorialError(f"scenario {found.name!r} is archived; it cannot change")
        if territory is not None and found.territory(territory) is None:
            raise TerritorialError(f"scenario {found.name!r} has no territory {territory!r}")
        known = uow.accounts.ids_by_external_id()
        missing = [a for a in account_ids if a not in known]
        if missing:
            raise TerritorialError(f"no account with id {missing[0]!r}")
        unknown = [a for a in account_ids if a not in found.assignments and territory is None]
        if unknown:
            raise OptionError(
                "to",
                f"account {unknown[0]!r} is not assigned in {found.name!r}; name its territory",
            )
        touched = {found.assignments.get(a) for a in account_ids}
        require_territories(touched | ({territory} if territory else set()), "this change")
        changed = 0
        for account in account_ids:
            if territory is not None and found.assignments.get(account) != territory:
                found.assignments[account] = territory
                if account in found.locks and lock is None:
                    found.locks[account] = territory  # a locked account moved stays locked
                changed += 1
            if lock and found.locks.get(account) != found.assignments[account]:
                found.locks[account] = found.assignments[account]
                changed += 1
            elif lock is False and account in found.locks:
                del found.locks[account]
                changed += 1
        uow.scenarios.save(found, expect_version=expect_version, by=by)
        if changed:
            action = "move" if territory is not None else "lock" if lock else "unlock"
            audit.record(
                uow,
                action,
                found.name,
                None,
                {
                    "accounts": account_ids[:100],
                    "count": len(account_ids),
                    "territory": territory,
                    "lock": lock,
                },
            )
        uow.commit()
    return ScenarioEdit(found.name, found.version, changed)


def move_accounts(
    uow: UnitOfWork,
    account_ids: list[str],
    territory: str,
    scenario: str | None = None,
    *,
    expect_version: int | None = None,
    by: str | None = None,
) -> ScenarioEdit:
    """Move accounts to ``territory`` (locks stay as they are, following the account)."""
    return edit_accounts(
        uow, account_ids, scenario, territory=territory, expect_version=expect_version, by=by
    )


def set_locks(
    uow: UnitOfWork,
    account_ids: list[str],
    scenario: str | None = None,
    *,
    territory: str | None = None,
    locked: bool = True,
    expect_version: int | None = None,
    by: str | None = None,
) -> int:
    """Lock (or unlock) accounts in their territory, or first move them to ``territory``.

    Returns how many accounts changed. Archived scenarios are history and refuse edits.
    """
    edit = edit_accounts(
        uow,
        account_ids,
        scenario,
        territory=territory,
        lock=locked,
        expect_version=expect_version,
        by=by,
    )
    return edit.changed
