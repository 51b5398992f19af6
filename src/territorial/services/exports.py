"""Exports: files written from the workspace for CRMs, maps and reports."""

from __future__ import annotations

from pathlib import Path

from territorial.io import write_accounts_csv
from territorial.storage import UnitOfWork


def export_accounts(uow: UnitOfWork, path: Path) -> int:
    """Write every account with every field to ``path`` (CSV); returns the row count."""
    with uow:
        accounts = uow.accounts.list()
    write_accounts_csv(accounts, path)
    return len(accounts)
