"""`territorial demo`: build the demo workspace and show it."""

from __future__ import annotations

from typing import Annotated

import typer

from territorial.cli.common import DbOption, console, user_errors
from territorial.cli.data import print_summary
from territorial.services.demo import build_demo
from territorial.services.workspace import open_workspace, summarise


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)


@user_errors
def demo(
    db: DbOption = None,
    seed: Annotated[int, typer.Option(help="Seed of the generated business.")] = 2026,
    reset: Annotated[
        bool, typer.Option(help="Replace a workspace that holds data of its own.")
    ] = False,
    serve: Annotated[
        bool,
        typer.Option(
            help=(
                "Serve the web app afterwards. There is no web app yet, so this only prints "
                "the next steps; --no-serve builds and exits."
            )
        ),
    ] = True,
) -> None:
    """Build the demo workspace (a small business with 2,500 accounts and 15 reps)."""
    uow = open_workspace(db)
    with console.status("Generating the demo business..."):
        result = build_demo(uow, seed, reset=reset)
    console.print(f"[green]Demo built[/]: {result.description}")
    with uow:
        print_summary(summarise(uow))
    if serve:
        console.print(
            "Next: [bold]territorial accounts list[/], [bold]territorial reps list[/], "
            "[bold]territorial export accounts -o accounts.csv[/]"
        )
