"""Converting between table rows and domain objects."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import RowMapping

from territorial.domain import Account, AccountStatus, LocatedBy, Rep
from territorial.domain.account import ACCOUNT_ATTRIBUTES
from territorial.domain.rep import REP_ATTRIBUTES


def account_to_row(account: Account) -> dict[str, Any]:
    row = {f: getattr(account, f) for f in ACCOUNT_ATTRIBUTES}
    row["located_by"] = account.located_by.value
    row["status"] = account.status.value if account.status else None
    row["extra"] = dict(account.extra)
    return row


def account_from_row(row: RowMapping | Mapping[str, Any]) -> Account:
    values = {f: row[f] for f in ACCOUNT_ATTRIBUTES}
    values["located_by"] = LocatedBy(row["located_by"])
    values["status"] = AccountStatus(row["status"]) if row["status"] else None
    values["extra"] = dict(row["extra"] or {})
    return Account(**values)


def rep_to_row(rep: Rep) -> dict[str, Any]:
    row = {f: getattr(rep, f) for f in REP_ATTRIBUTES}
    row["skills"] = list(rep.skills)
    return row


def rep_from_row(row: RowMapping | Mapping[str, Any]) -> Rep:
    values = {f: row[f] for f in REP_ATTRIBUTES}
    values["skills"] = list(row["skills"] or [])
    return Rep(**values)
