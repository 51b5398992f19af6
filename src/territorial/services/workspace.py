"""Opening a workspace and summarising what it holds."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from territorial.domain import LocatedBy
from territorial.services.region import in_region, visible_accounts
from territorial.storage import UnitOfWork


@dataclass
class WorkspaceSummary:
    """What a workspace holds, in numbers a sales ops manager recognises."""

    database: str
    accounts: int
    located: dict[str, int]
    reps: int
    scenarios: list[tuple[str, str]]
    active: str | None
    sales_rows: int
    territories: list[tuple[str, str | None, int]] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {
            "database": self.database,
            "accounts": self.accounts,
            "located": self.located,
            "reps": self.reps,
            "scenarios": [{"name": n, "status": s} for n, s in self.scenarios],
            "active": self.active,
            "sales_rows": self.sales_rows,
            "territories": [{"name": n, "rep": r, "accounts": c} for n, r, c in self.territories],
        }


def open_workspace(db: str | None = None) -> UnitOfWork:
    """A unit of work on ``db`` (path or URL, default ``$TERRITORIAL_DB`` or ./territorial.db)."""
    return UnitOfWork.open(db)


def summarise(uow: UnitOfWork, as_of: date | None = None) -> WorkspaceSummary:
    """Counts of accounts, reps, scenarios and the active alignment's territories
    (scenario statuses and the alignment in force as of ``as_of``, default today).

    A manager limited to a region counts their region only: its accounts, their sales,
    the reps holding its territories, and its territories.
    """
    accounts = uow.accounts.list()
    visible = visible_accounts(uow)
    if visible is not None:
        accounts = [a for a in accounts if a.external_id in visible]
    located = Counter(a.located_by.value for a in accounts)
    active = uow.scenarios.active_name(as_of)
    territories: list[tuple[str, str | None, int]] = []
    held: set[str] = set()
    if active:
        scenario = uow.scenarios.get(active)
        assert scenario is not None
        reps = {r.external_id: r.name for r in uow.reps.list()}
        counts = Counter(scenario.assignments.values())
        shown = [
            t
            for t in scenario.territories
            if (t.name in counts or t.rep_external_id) and in_region(t.name)
        ]
        territories = [(t.name, reps.get(t.rep_external_id or ""), counts[t.name]) for t in shown]
        held = {t.rep_external_id for t in shown if t.rep_external_id}
    if visible is None:
        rep_count, sales_rows = uow.reps.count(), uow.sales.count()
    else:
        per_account = uow.sales.counts_by_account()
        rep_count, sales_rows = len(held), sum(per_account.get(a, 0) for a in visible)
    return WorkspaceSummary(
        database=uow.url,
        accounts=len(accounts),
        located={m.value: located.get(m.value, 0) for m in LocatedBy},
        reps=rep_count,
        scenarios=uow.scenarios.names(as_of),
        active=active,
        sales_rows=sales_rows,
        territories=territories,
    )
