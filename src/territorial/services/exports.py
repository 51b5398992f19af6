"""Exports: files written from the workspace for CRMs, maps and reports."""

from __future__ import annotations

from pathlib import Path

from territorial.io import write_accounts_csv, write_rows_csv
from territorial.services.scenarios import resolve_scenario
from territorial.storage import UnitOfWork


def export_accounts(uow: UnitOfWork, path: Path) -> int:
    """Write every account with every field to ``path`` (CSV); returns the row count."""
    with uow:
        accounts = uow.accounts.list()
    write_accounts_csv(accounts, path)
    return len(accounts)


def export_assignments(uow: UnitOfWork, path: Path, scenario: str | None = None) -> int:
    """Write ``account_id,territory`` (one row per assigned account) for a scenario."""
    with uow:
        found = resolve_scenario(uow, scenario)
    rows = sorted(found.assignments.items())
    write_rows_csv(("account_id", "territory"), rows, Path(path))  # formulas neutralised
    return len(rows)
