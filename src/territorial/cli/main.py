"""The `territorial` command: thin commands that parse, call one service, and print."""

from __future__ import annotations

import typer

from territorial import __version__
from territorial.cli import (
    assess,
    compare,
    data,
    demo,
    design,
    exports,
    imports,
    jobs,
    locks,
    monitoring,
    planning,
    publish,
    report,
    serve,
    users,
)

app = typer.Typer(
    name="territorial",
    help="Sales territory management: assess, design, assign, set quotas, monitor.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"territorial {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version."
    ),
) -> None:
    """Territorial: design balanced sales territories and track them."""


data.register(app)
app.add_typer(imports.app, name="import")
jobs.register(app)
app.add_typer(exports.app, name="export")
app.add_typer(report.app, name="report")
demo.register(app)
assess.register(app)
design.register(app)
compare.register(app)
locks.register(app)
planning.register(app)
monitoring.register(app)
publish.register(app)
serve.register(app)
users.register(app)

if __name__ == "__main__":
    app()
