"""`territorial demo`: build the demo workspace and show it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from rich.text import Text

from territorial.cli.common import DbOption, console, line, user_errors
from territorial.cli.data import print_summary
from territorial.cli.serve import serve as serve_web

if TYPE_CHECKING:
    from territorial.services.demo import DemoLogin


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)


@user_errors
def demo(
    db: DbOption = None,
    seed: Annotated[int, typer.Option(help="Seed of the generated business.")] = 2026,
    reset: Annotated[
        bool, typer.Option("--reset", help="Replace a workspace that holds data of its own.")
    ] = False,
    serve: Annotated[
        bool, typer.Option(help="Serve the web app afterwards; --no-serve builds and exits.")
    ] = True,
    host: Annotated[str, typer.Option(help="Interface to serve on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port to serve on.")] = 8000,
) -> None:
    """Build the demo workspace (2,500 accounts, 15 reps) and serve the web app."""
    from territorial.services.demo import build_demo, demo_logins
    from territorial.services.workspace import open_workspace, summarise

    uow = open_workspace(db)
    with console.status("Generating the demo business..."):
        result = build_demo(uow, seed, reset=reset)
    console.print(line(("Demo built", "green"), f": {result.description}"))
    with uow:
        print_summary(summarise(uow))
    print_logins(demo_logins(uow))
    if serve:
        serve_web(db, host=host, port=port)


def print_logins(logins: list[DemoLogin]) -> None:
    """The demo's logins (fresh passwords at every start)."""
    table = Table("Log in as", "Password", "Role", title="Web app logins (new each start)")
    for login in logins:
        role = login.role.value + (f" (rep {login.rep})" if login.rep else "")
        table.add_row(Text(login.username), Text(login.password), Text(role))
    console.print(table)
