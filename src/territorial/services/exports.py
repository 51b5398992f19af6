"""Exports: files written from the workspace for CRMs, maps and reports."""

from __future__ import annotations

from pathlib import Path

from territorial.io import write_accounts_csv, write_rows_csv
from territorial.services.region import in_region, visible_accounts
from territorial.services.scenarios import resolve_scenario
from territorial.storage import UnitOfWork


def export_accounts(uow: UnitOfWork, path: Path) -> int:
    """Write every account with every field to ``path`` (CSV); returns the row count.
    A manager limited to a region gets its accounts (as everywhere, see region.py)."""
    with uow:
        accounts = uow.accounts.list()
        visible = visible_accounts(uow)
    if visible is not None:
        accounts = [a for a in accounts if a.external_id in visible]
    write_accounts_csv(accounts, path)
    return len(accounts)


def export_assignments(uow: UnitOfWork, path: Path, scenario: str | None = None) -> int:
    """Write ``account_id,territory`` (one row per assigned account) for a scenario; a
    manager limited to a region: the rows of its territories."""
    with uow:
        found = resolve_scenario(uow, scenario)
    rows = sorted((a, t) for a, t in found.assignments.items() if in_region(t))
    write_rows_csv(("account_id", "territory"), rows, Path(path))  # formulas neutralised
    return len(rows)
