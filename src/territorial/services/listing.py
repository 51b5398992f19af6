"""Listing accounts and reps with their place in the active alignment."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from territorial.domain import Account, Rep
from territorial.services.region import in_region, limited_to, visible_accounts
from territorial.storage import UnitOfWork


@dataclass
class AccountPage:
    """A page of accounts, the total matching, and each one's current territory."""

    accounts: list[Account]
    total: int
    territory_of: dict[str, str]

    def to_dict(self) -> dict[str, object]:
        return {
            "total": self.total,
            "accounts": [
                {
                    **asdict(a),
                    "located_by": a.located_by.value,
                    "status": a.status.value if a.status else None,
                    "territory": self.territory_of.get(a.external_id),
                }
                for a in self.accounts
            ],
        }


@dataclass
class RepRow:
    rep: Rep
    territories: list[str]

    def to_dict(self) -> dict[str, object]:
        return {**asdict(self.rep), "territories": self.territories}


def _active_assignments(uow: UnitOfWork) -> dict[str, str]:
    name = uow.scenarios.active_name()
    scenario = uow.scenarios.get(name) if name else None
    return scenario.assignments if scenario else {}


def list_accounts(
    uow: UnitOfWork, limit: int | None = 50, search: str | None = None
) -> AccountPage:
    """Accounts ordered by external id, optionally filtered by a substring of id or name."""
    accounts = uow.accounts.list()
    visible = visible_accounts(uow)
    if visible is not None:  # a manager limited to a region sees only its accounts
        accounts = [a for a in accounts if a.external_id in visible]
    if search:
        needle = search.lower()
        accounts = [
            a for a in accounts if needle in a.name.lower() or needle in a.external_id.lower()
        ]
    territory_of = _active_assignments(uow)
    shown = accounts[:limit] if limit else accounts
    return AccountPage(
        shown, len(accounts), {a.external_id: territory_of.get(a.external_id, "") for a in shown}
    )


def list_reps(uow: UnitOfWork) -> list[RepRow]:
    """Reps with the territories they hold in the active alignment (a manager limited
    to a region: the reps holding one of its territories, with those territories)."""
    name = uow.scenarios.active_name()
    scenario = uow.scenarios.get(name) if name else None
    held: dict[str, list[str]] = {}
    for territory in scenario.territories if scenario else []:
        if territory.rep_external_id and in_region(territory.name):
            held.setdefault(territory.rep_external_id, []).append(territory.name)
    limited = limited_to() is not None
    return [RepRow(r, held.get(r.external_id, [])) for r in uow.reps.list()
            if not limited or r.external_id in held]
