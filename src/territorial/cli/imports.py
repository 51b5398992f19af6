"""`territorial import accounts|reps|actuals FILE`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from territorial.cli.common import (
    DbOption,
    JsonOption,
    console,
    line,
    print_json,
    progress_bar,
    user_errors,
)
from territorial.domain.account import located_summary

if TYPE_CHECKING:
    from territorial.services.imports import ImportReport


app = typer.Typer(
    help="Import accounts, reps or actual sales and visits from CSV or XLSX.", no_args_is_help=True
)

FileArg = Annotated[Path, typer.Argument(help="CSV or XLSX file.", show_default=False)]
ShortRowsOption = Annotated[
    bool,
    typer.Option(
        "--allow-short-rows",
        help="Accept CSV rows with fewer cells than the header (truncated lines), reading "
        "their missing cells as empty; by default such a row rejects the file.",
    ),
]
MapOption = Annotated[
    list[str] | None,
    typer.Option(
        "--map",
        help='Column mapping "Their Column=our_field", repeatable or comma-separated.',
    ),
]


def mapping_items(values: list[str] | None) -> list[str]:
    """Split "A=x,B=y" into items unless a piece has no "=" (a comma in a column name)."""
    items: list[str] = []
    for value in values or []:
        pieces = value.split(",")
        items.extend(pieces if all("=" in p for p in pieces) else [value])
    return items


def print_report(report: ImportReport, as_json: bool) -> None:
    if as_json:
        print_json(report)
        return
    c = report.changes
    console.print(line((report.file, "bold"), " recognised as ", (report.format, "cyan")))
    console.print(
        f"  added {c.added:,}, updated {c.updated:,}, unchanged {c.unchanged:,}, "
        f"rejected {c.rejected:,}"
    )
    if report.located:
        located = located_summary(report.located)
        console.print(f"  located: {located}")
    if report.unlocated:
        n = len(report.unlocated)
        console.print(line("  ", (f"{n} rows could not be located", "yellow"), ":"))
        for row in report.unlocated[:20]:
            console.print(f"    {row}")
        if len(report.unlocated) > 20:
            console.print(f"    ... and {len(report.unlocated) - 20} more (--json lists all)")
    if report.extra_columns:
        console.print(f"  kept as extra fields: {', '.join(report.extra_columns)}", markup=False)
    for warning in report.warnings[:20]:
        console.print(line("  ", ("warning", "yellow"), f" {warning}"), highlight=False)
    if len(report.warnings) > 20:
        console.print(f"  ... and {len(report.warnings) - 20} more warnings (--json lists all)")
    if report.alignment:
        a = report.alignment
        console.print(
            line(
                f"  current alignment: {a.assigned:,} accounts in {a.territories} territories "
                "(scenario ",
                (a.scenario, "bold"),
                ", active)",
            )
        )
        if a.territories_without_rep:
            names = ", ".join(a.territories_without_rep)
            console.print(f"  territories with no matching rep yet: {names}", markup=False)


@app.command("accounts")
@user_errors
def accounts(
    file: FileArg,
    db: DbOption = None,
    mapping: MapOption = None,
    allow_unlocated: Annotated[
        bool,
        typer.Option(
            "--allow-unlocated", help="Import rows that cannot be located, flagged, kept off maps."
        ),
    ] = False,
    allow_short_rows: ShortRowsOption = False,
    as_json: JsonOption = False,
) -> None:
    """Import accounts (Salesforce, HubSpot, Zoho exports or our template); all or nothing."""
    from territorial.io import parse_mapping
    from territorial.services.imports import import_accounts
    from territorial.services.workspace import open_workspace

    uow = open_workspace(db)
    with progress_bar(f"Reading {file.name}") as update:
        report = import_accounts(
            uow,
            file,
            parse_mapping(mapping_items(mapping)) or None,
            allow_unlocated=allow_unlocated,
            allow_short_rows=allow_short_rows,
            progress=update,
        )
    print_report(report, as_json)


@app.command("reps")
@user_errors
def reps(
    file: FileArg,
    db: DbOption = None,
    mapping: MapOption = None,
    allow_short_rows: ShortRowsOption = False,
    as_json: JsonOption = False,
) -> None:
    """Import reps (our template or a mapped file); all or nothing."""
    from territorial.io import parse_mapping
    from territorial.services.imports import import_reps
    from territorial.services.workspace import open_workspace

    report = import_reps(
        open_workspace(db),
        file,
        parse_mapping(mapping_items(mapping)) or None,
        allow_short_rows=allow_short_rows,
    )
    print_report(report, as_json)


@app.command("actuals")
@user_errors
def actuals_import(
    file: Annotated[Path, typer.Argument(help="CSV or XLSX file.", show_default=False)],
    kind: Annotated[str, typer.Option(help="sales | visits.")] = "sales",
    mapping: Annotated[
        list[str] | None, typer.Option("--map", help='Column mapping "Their Column=our_field".')
    ] = None,
    allow_short_rows: ShortRowsOption = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Import sales (account, date, amount[, reference]) or visits; all or nothing."""
    from territorial.io import parse_mapping
    from territorial.services.actuals import import_actuals
    from territorial.services.workspace import open_workspace

    report = import_actuals(
        open_workspace(db),
        file,
        kind,
        parse_mapping(mapping or []) or None,
        allow_short_rows=allow_short_rows,
    )
    if as_json:
        print_json(report)
        return
    console.print(
        line((report.file, "bold"), f": {report.rows:,} {report.kind} rows ({report.format})")
    )
    console.print(
        f"  added {report.added:,}, updated {report.updated:,}, unchanged {report.unchanged:,}"
    )
    for w in report.warnings[:20]:
        console.print(line("  ", ("warning", "yellow"), f" {w}"), highlight=False)
    if len(report.warnings) > 20:
        console.print(f"  ... and {len(report.warnings) - 20} more warnings (--json lists all)")
