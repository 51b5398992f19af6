"""Commands that show what a workspace holds: init, status, accounts, reps, scenarios."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from rich.text import Text

from territorial.cli.common import (
    AsOfOption,
    DbOption,
    JsonOption,
    console,
    line,
    parse_as_of,
    print_json,
    styled,
    user_errors,
)
from territorial.cli.tables import Column, WideOption, print_table
from territorial.domain.account import located_summary

if TYPE_CHECKING:
    from territorial.services.workspace import WorkspaceSummary


accounts_app = typer.Typer(help="Accounts in the workspace.", no_args_is_help=True)
reps_app = typer.Typer(help="Reps in the workspace.", no_args_is_help=True)
scenarios_app = typer.Typer(help="Scenarios (alignments).", no_args_is_help=True)


def _money(value: float | None) -> str:
    return "" if value is None else f"{value:,.0f}"


def print_summary(summary: WorkspaceSummary) -> None:
    """The workspace summary as Rich tables."""
    console.print(line(styled("Workspace"), f" {summary.database}"))
    located = located_summary(summary.located)
    console.print(f"  accounts: {summary.accounts:,} ({located or 'none'})")
    console.print(f"  reps: {summary.reps}")
    console.print(f"  sales history rows: {summary.sales_rows:,}")
    scenarios = ", ".join(f"{n} ({s})" for n, s in summary.scenarios) or "none"
    console.print(f"  scenarios: {scenarios}")
    if summary.territories:
        table = Table(title=f"Active alignment: {summary.active}")
        table.add_column("territory")
        table.add_column("rep")
        table.add_column("accounts", justify="right")
        for name, rep, count in summary.territories:
            table.add_row(name, rep or styled("vacant", "red"), f"{count:,}")
        console.print(table)


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("status")(status)
    app.add_typer(accounts_app, name="accounts")
    app.add_typer(reps_app, name="reps")
    app.add_typer(scenarios_app, name="scenarios")


@user_errors
def init(db: DbOption = None) -> None:
    """Create the workspace database (or bring its schema up to date)."""
    from territorial.services.workspace import open_workspace

    uow = open_workspace(db)
    console.print(f"Workspace ready: {uow.url}")


@user_errors
def status(db: DbOption = None, as_json: JsonOption = False, as_of: AsOfOption = None) -> None:
    """Summarise the workspace: accounts, reps, scenarios, the active alignment."""
    from territorial.cli.workspace import read_workspace
    from territorial.services.workspace import summarise

    with read_workspace(db) as uow:
        summary = summarise(uow, parse_as_of(as_of))
    if as_json:
        print_json(summary)
    else:
        print_summary(summary)


@accounts_app.command("list")
@user_errors
def accounts_list(
    db: DbOption = None,
    limit: Annotated[int, typer.Option(help="Show at most this many (0 = all).")] = 50,
    search: Annotated[str | None, typer.Option(help="Only names or ids containing this.")] = None,
    as_json: JsonOption = False,
    wide: WideOption = False,
) -> None:
    """List accounts with where they are and what they are worth."""
    from territorial.cli.workspace import read_workspace
    from territorial.services.listing import list_accounts

    with read_workspace(db) as uow:
        page = list_accounts(uow, limit=limit or None, search=search)
    if as_json:
        print_json(page)
        return
    columns = [
        Column("id", priority=0),
        Column("name", priority=0),
        Column("city", priority=2),
        Column("state", priority=1),
        Column("zip", priority=3),
        Column("located by", priority=4),
        Column("industry", priority=3),
        Column("potential", True, 1),
        Column("territory", priority=1),
    ]
    rows: list[list[str | Text]] = [
        [
            a.external_id,
            a.name,
            a.city or "",
            a.state or "",
            a.zip or "",
            a.located_by.value,
            a.industry or "",
            _money(a.potential),
            page.territory_of.get(a.external_id, ""),
        ]
        for a in page.accounts
    ]
    print_table(f"Accounts ({len(page.accounts)} of {page.total:,})", columns, rows, wide=wide)
    if len(page.accounts) < page.total:
        console.print(
            f"{len(page.accounts):,} of {page.total:,} shown: --limit 0 shows all; "
            "territorial export accounts -o FILE.csv writes them all",
            style="dim",
            highlight=False,
        )


@reps_app.command("list")
@user_errors
def reps_list(db: DbOption = None, as_json: JsonOption = False, wide: WideOption = False) -> None:
    """List reps with their home, skills and capacity."""
    from territorial.cli.workspace import read_workspace
    from territorial.services.listing import list_reps

    with read_workspace(db) as uow:
        reps = list_reps(uow)
    if as_json:
        print_json(reps)
        return
    columns = [
        Column("id", priority=0),
        Column("name", priority=0),
        Column("email", priority=3),
        Column("home", priority=2),
        Column("skills", priority=4),
        Column("years", True, 3),
        Column("hours/week", True, 2),
        Column("territories", priority=1),
    ]
    rows: list[list[str | Text]] = []
    for r in reps:
        rep = r.rep
        rows.append(
            [
                rep.external_id,
                rep.name,
                rep.email or "",
                rep.home_label,
                "; ".join(rep.skills),
                "" if rep.years_experience is None else f"{rep.years_experience:g}",
                "" if rep.capacity_hours_per_week is None else f"{rep.capacity_hours_per_week:g}",
                ", ".join(r.territories),
            ]
        )
    print_table(f"Reps ({len(reps)})", columns, rows, wide=wide)


@scenarios_app.command("list")
@user_errors
def scenarios_list(db: DbOption = None, as_json: JsonOption = False) -> None:
    """List scenarios and their status; one is the active alignment."""
    from territorial.cli.workspace import read_workspace
    from territorial.services.scenarios import list_scenarios

    with read_workspace(db) as uow:
        rows = list_scenarios(uow)
    if as_json:
        print_json([{"name": n, "status": s} for n, s in rows])
        return
    table = Table(title="Scenarios")
    table.add_column("name")
    table.add_column("status")
    for name, state in rows:
        table.add_row(name, state)
    console.print(table)
