"""`territorial export ...`: files for CRMs, maps and spreadsheets."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from territorial.cli.common import DbOption, ScenarioOption, console, user_errors
from territorial.cli.options import output_file
from territorial.services.exports import export_accounts, export_assignments
from territorial.services.workspace import open_workspace

app = typer.Typer(help="Export data from the workspace.", no_args_is_help=True)

OutOption = Annotated[
    Path, typer.Option("--output", "-o", help="File to write.", callback=output_file)
]


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


@app.command("quotas")
@user_errors
def quotas(output: OutOption, scenario: ScenarioOption = None, db: DbOption = None) -> None:
    """Quotas of every period: a total row per territory, then its monthly/quarterly slices."""
    from territorial.services.quotas import export_quotas

    count = export_quotas(open_workspace(db), output, scenario)
    console.print(f"Wrote {count:,} quota rows to {output}")


@app.command("assignments-reps")
@user_errors
def assignments_reps(
    output: OutOption, scenario: ScenarioOption = None, db: DbOption = None
) -> None:
    """One row per territory: its rep, accounts, workload and the rep's capacity (hours/year)."""
    from territorial.services.reps_assign import export_rep_assignments

    count = export_rep_assignments(open_workspace(db), output, scenario)
    console.print(f"Wrote {count:,} territories to {output}")


@app.command("goals")
@user_errors
def goals(
    output: OutOption,
    as_of: Annotated[str | None, typer.Option(help="Status on this date (YYYY-MM-DD).")] = None,
    db: DbOption = None,
) -> None:
    """Every goal with its actual and status."""
    from datetime import date

    from territorial.services.goals import export_goals

    count = export_goals(open_workspace(db), output, date.fromisoformat(as_of) if as_of else None)
    console.print(f"Wrote {count:,} goals to {output}")


@app.command("attainment")
@user_errors
def attainment(
    output: OutOption,
    period: Annotated[str | None, typer.Option(help="2027, 2027-Q1 or 2027-03.")] = None,
    as_of: Annotated[str | None, typer.Option(help="Report date (YYYY-MM-DD).")] = None,
    scenario: ScenarioOption = None,
    db: DbOption = None,
) -> None:
    """Quota, actual and attainment per territory and per rep for a period."""
    from datetime import date

    from territorial.services.monitor import export_attainment

    day = date.fromisoformat(as_of) if as_of else None
    count = export_attainment(open_workspace(db), output, period, day, scenario)
    console.print(f"Wrote {count:,} attainment rows to {output}")
