"""Listing accounts and reps with their place in the active alignment."""

from __future__ import annotations

from dataclasses import dataclass

from territorial.domain import Account, Rep
from territorial.jsondata import fields_data
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
                {**fields_data(a), "territory": self.territory_of.get(a.external_id)}
                for a in self.accounts
            ],
        }


@dataclass
class RepRow:
    rep: Rep
    territories: list[str]

    def to_dict(self) -> dict[str, object]:
        return {
            **fields_data(self.rep),
            "home_label": self.rep.home_label,
            "territories": self.territories,
        }


def list_accounts(
    uow: UnitOfWork, limit: int | None = 50, search: str | None = None, offset: int = 0
) -> AccountPage:
    """Accounts ordered by external id from ``offset`` (at most ``limit``; None: all),
    optionally those with ``search`` in their id or name; the page is read from the
    database, the total counts every match."""
    shown, total = uow.accounts.page(limit, offset, search, visible_accounts(uow))
    ids = [a.external_id for a in shown]
    territory_of = uow.scenarios.territories_of(None, ids)  # in the alignment in force
    return AccountPage(shown, total, {e: territory_of.get(e, "") for e in ids})


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
    return [
        RepRow(r, held.get(r.external_id, []))
        for r in uow.reps.list()
        if not limited or r.external_id in held
    ]
