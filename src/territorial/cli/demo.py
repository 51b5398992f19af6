"""`territorial demo`: build the demo workspace and show it."""

from __future__ import annotations

from typing import Annotated

import typer

from territorial.cli.common import DbOption, console, line, user_errors
from territorial.cli.data import print_summary
from territorial.cli.serve import serve as serve_web
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
        bool, typer.Option(help="Serve the web app afterwards; --no-serve builds and exits.")
    ] = True,
    host: Annotated[str, typer.Option(help="Interface to serve on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port to serve on.")] = 8000,
) -> None:
    """Build the demo workspace (2,500 accounts, 15 reps) and serve the web app."""
    uow = open_workspace(db)
    with console.status("Generating the demo business..."):
        result = build_demo(uow, seed, reset=reset)
    console.print(line(("Demo built", "green"), f": {result.description}"))
    with uow:
        print_summary(summarise(uow))
    if serve:
        serve_web(db, host=host, port=port)
