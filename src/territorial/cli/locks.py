"""`territorial lock|unlock ACCOUNT...`: keep accounts where they are in every design."""

from __future__ import annotations

from typing import Annotated

import typer

from territorial.cli.common import DbOption, ScenarioOption, console, user_errors

AccountsArg = Annotated[list[str], typer.Argument(help="Account ids (the CRM ids).")]


def register(app: typer.Typer) -> None:
    app.command("lock")(lock)
    app.command("unlock")(unlock)


@user_errors
def lock(
    accounts: AccountsArg,
    to: Annotated[str | None, typer.Option("--to", help="Move them to this territory.")] = None,
    scenario: ScenarioOption = None,
    db: DbOption = None,
) -> None:
    """Lock accounts in their territory (or in --to TERRITORY); designs keep them there."""
    from territorial.cli.workspace import read_workspace
    from territorial.services.locks import set_locks

    changed = set_locks(read_workspace(db), accounts, scenario, territory=to)
    console.print(f"Locked {len(accounts)} account(s); {changed} change(s).")


@user_errors
def unlock(accounts: AccountsArg, scenario: ScenarioOption = None, db: DbOption = None) -> None:
    """Let designs move these accounts again."""
    from territorial.cli.workspace import read_workspace
    from territorial.services.locks import set_locks

    changed = set_locks(read_workspace(db), accounts, scenario, locked=False)
    console.print(f"Unlocked {changed} account(s).")
