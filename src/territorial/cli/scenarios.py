"""`territorial scenario list|show|approve|history|delete`: one group for scenarios.

``territorial scenarios list`` (the old spelling) is a hidden alias of this group.
"""

from __future__ import annotations

from typing import Annotated

import typer

from territorial.cli.common import (
    DbOption,
    JsonOption,
    console,
    line,
    print_json,
    styled,
    user_errors,
)
from territorial.cli.data import scenarios_list
from territorial.cli.publish import approve, history

app = typer.Typer(
    help="Scenarios (alignments): list, show, approve, see their history, delete.",
    no_args_is_help=True,
)
app.command("list")(scenarios_list)
app.command("approve")(approve)
app.command("history")(history)


@app.command("show")
@user_errors
def show(
    name: Annotated[str, typer.Argument(help="The scenario.", show_default=False)],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """One scenario: its status and the dates of its life (created ... replaced)."""
    from territorial.cli.workspace import read_workspace
    from territorial.services.history import scenario_history

    result = scenario_history(read_workspace(db), name)
    if as_json:
        print_json(result)
        return
    for row in result.scenarios:
        console.print(line(styled(row.name), f"  ({row.status})"))
        for label, value in row.to_dict().items():
            if label not in ("name", "status") and value:
                console.print(f"  {label.replace('_', ' ')}: {str(value)[:19]}", highlight=False)
        for event in result.events:
            if event.scenario == row.name:
                when = f"{event.at:%Y-%m-%d %H:%M}"
                by = f" by {event.by}" if getattr(event, "by", None) else ""
                console.print(f"  {when}  {event.kind.value}{by}", highlight=False)


@app.command("delete")
@user_errors
def delete(
    name: Annotated[str, typer.Argument(help="The scenario.", show_default=False)],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask to confirm.")] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Delete a scenario with its plans and quotas; never the active or a scheduled one."""

    from territorial.cli.workspace import read_workspace
    from territorial.services.scenario_delete import delete_scenario

    uow = read_workspace(db)
    if not yes and not typer.confirm(f"Delete scenario {name!r}? This cannot be undone"):
        raise typer.Exit(1)
    gone = delete_scenario(uow, name)
    if as_json:
        print_json(gone)
        return
    console.print(
        line(
            "Deleted ",
            styled(gone.name),
            f" ({gone.status}, {gone.territories} territories, "
            f"{gone.accounts:,} accounts assigned).",
        ),
        highlight=False,
    )
