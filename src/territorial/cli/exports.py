"""`territorial export ...`: files for CRMs, maps and spreadsheets."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from territorial.cli.common import DbOption, ScenarioOption, console, user_errors
from territorial.services.exports import export_accounts, export_assignments
from territorial.services.workspace import open_workspace

app = typer.Typer(help="Export data from the workspace.", no_args_is_help=True)

OutOption = Annotated[Path, typer.Option("--output", "-o", help="File to write.")]


@app.command("accounts")
@user_errors
def accounts(output: OutOption, db: DbOption = None) -> None:
    """Every account with every field, coordinates and how each was located (CSV)."""
    count = export_accounts(open_workspace(db), output)
    console.print(f"Wrote {count:,} accounts to {output}")


@app.command("assignments")
@user_errors
def assignments(output: OutOption, scenario: ScenarioOption = None, db: DbOption = None) -> None:
    """One row per account: account_id (the CRM id), territory."""
    count = export_assignments(open_workspace(db), output, scenario)
    console.print(f"Wrote {count:,} assignments to {output}")
