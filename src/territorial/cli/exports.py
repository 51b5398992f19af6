"""`territorial export ...`: files for CRMs, maps and spreadsheets."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from territorial.cli.common import DbOption, ScenarioOption, console, print_json, user_errors
from territorial.cli.file_jobs import BackgroundFlag, submit
from territorial.cli.options import output_file
from territorial.domain.design_choices import UnitKind

app = typer.Typer(help="Export data from the workspace.", no_args_is_help=True)

OutOption = Annotated[
    Path, typer.Option("--output", "-o", help="File to write.", callback=output_file)
]


@app.command("accounts")
@user_errors
def accounts(output: OutOption, db: DbOption = None) -> None:
    """Every account with every field, coordinates and how each was located (CSV)."""
    from territorial.cli.workspace import read_workspace
    from territorial.services.exports import export_accounts

    count = export_accounts(read_workspace(db), output)
    console.print(f"Wrote {count:,} accounts to {output}")


@app.command("assignments")
@user_errors
def assignments(output: OutOption, scenario: ScenarioOption = None, db: DbOption = None) -> None:
    """One row per account: account_id (the CRM id), territory."""
    from territorial.cli.workspace import read_workspace
    from territorial.services.exports import export_assignments

    count = export_assignments(read_workspace(db), output, scenario)
    console.print(f"Wrote {count:,} assignments to {output}")


@app.command("quotas")
@user_errors
def quotas(output: OutOption, scenario: ScenarioOption = None, db: DbOption = None) -> None:
    """Quotas of every period: a total row per territory, then its monthly/quarterly slices."""
    from territorial.cli.workspace import read_workspace
    from territorial.services.quotas import export_quotas

    count = export_quotas(read_workspace(db), output, scenario)
    console.print(f"Wrote {count:,} quota rows to {output}")


@app.command("assignments-reps")
@user_errors
def assignments_reps(
    output: OutOption, scenario: ScenarioOption = None, db: DbOption = None
) -> None:
    """One row per territory: its rep, accounts, workload and the rep's capacity (hours/year)."""
    from territorial.cli.workspace import read_workspace
    from territorial.services.reps_assign import export_rep_assignments

    count = export_rep_assignments(read_workspace(db), output, scenario)
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

    from territorial.cli.workspace import read_workspace
    from territorial.services.goals import export_goals

    count = export_goals(read_workspace(db), output, date.fromisoformat(as_of) if as_of else None)
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

    from territorial.cli.workspace import read_workspace
    from territorial.services.monitor import export_attainment

    day = date.fromisoformat(as_of) if as_of else None
    count = export_attainment(read_workspace(db), output, period, day, scenario)
    console.print(f"Wrote {count:,} attainment rows to {output}")


DestOption = Annotated[
    Path, typer.Option("--output", "-o", help="Folder (Salesforce) or file to write.")
]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print what was written as JSON.")]


def _print_crm(report: object, as_json: bool) -> None:

    from territorial.services.crm_export import CrmExport

    assert isinstance(report, CrmExport)
    if as_json:
        print_json(report)
        return
    what = f"changes from {report.previous!r}" if report.previous else "the whole alignment"
    console.print(f"{report.crm}: {report.scenario!r}, {what}")
    for path in report.files:
        rows = report.counts.get(path.name)
        console.print(f"  {path}" + (f"  ({rows:,} rows)" if rows is not None else ""))
    if report.placeholders:
        console.print(
            f"{report.placeholders:,} Id cells hold a DeveloperName or are blank until the "
            "records exist: see README.txt (--ids fills them)."
        )


@app.command("salesforce")
@user_errors
def salesforce(
    output: DestOption,
    scenario: ScenarioOption = None,
    full: Annotated[
        bool,
        typer.Option(
            "--full",
            help="The whole model even when the scenario is not the published one.",
        ),
    ] = False,
    users: Annotated[
        Path | None,
        typer.Option(
            help="Salesforce User export (Id, Email, Username) to find reps' User Ids by email.",
        ),
    ] = None,
    ids: Annotated[
        list[Path] | None,
        typer.Option(
            "--ids",
            help="Data Loader success file or SOQL export with Id and DeveloperName (or "
            "ObjectId/UserId and Territory2Id); repeatable. Fills in the Ids it knows.",
        ),
    ] = None,
    role: Annotated[str, typer.Option(help="RoleInTerritory2 of the reps.")] = "",
    as_json: JsonFlag = False,
    background: Annotated[
        bool,
        typer.Option(
            "--background",
            help="Build the files in a job, as one zip (not with --users or "
            "--ids); print its id (save it with `jobs show ID -o FILE.zip`).",
        ),
    ] = False,
    db: DbOption = None,
) -> None:
    """Salesforce Territory Management: Data Loader CSVs and a README (load order, ids).

    For a scenario other than the published alignment, only the changes: associations
    to delete and to insert for the accounts that moved.
    """
    from territorial.cli.workspace import read_workspace
    from territorial.services.crm_export import export_crm

    if background:
        from territorial.domain import TerritorialError
        from territorial.services.job_files import FileRequest

        if users or ids:
            raise TerritorialError(
                "--users and --ids are files on this machine; a job "
                "cannot read them: leave out --background"
            )
        submit(
            db,
            FileRequest("salesforce", "zip", scenario=scenario, full=full, role=role),
            as_json,
            output if output.suffix == ".zip" else output.with_name(f"{output.name}.zip"),
        )
        return
    report = export_crm(
        read_workspace(db),
        "salesforce",
        output,
        scenario,
        full=full,
        users=users,
        ids=ids or [],
        role=role,
    )
    _print_crm(report, as_json)


#: CRM loads that are one CSV file: ``export NAME`` and what each holds.
CSV_CRMS = {
    "hubspot": "HubSpot companies import: Record ID, Company name, Company owner, Territory.",
    "zoho": "Zoho CRM accounts import: Record Id, Account Name, Account Owner, Territories.",
}


def _csv_crm_command(crm: str) -> Callable[..., None]:
    """The ``export CRM`` command of a CRM in :data:`CSV_CRMS`."""

    @user_errors
    def command(
        output: DestOption,
        scenario: ScenarioOption = None,
        as_json: JsonFlag = False,
        background: BackgroundFlag = False,
        db: DbOption = None,
    ) -> None:
        from territorial.cli.workspace import read_workspace
        from territorial.services.crm_export import export_crm

        if background:
            from territorial.services.job_files import FileRequest

            submit(db, FileRequest(crm, "csv", scenario=scenario), as_json, output)
            return
        _print_crm(export_crm(read_workspace(db), crm, output, scenario), as_json)

    command.__doc__ = CSV_CRMS[crm]
    return command


for _crm in CSV_CRMS:
    app.command(_crm)(_csv_crm_command(_crm))


ByOption = Annotated[
    UnitKind | None,
    typer.Option(
        "--by",
        help="Shapes from account, zip or county units; default: how it was designed.",
    ),
]


def _gis(
    fmt: str,
    output: Path,
    scenario: str | None,
    by: str | None,
    db: str | None,
    as_json: bool,
    background: bool,
) -> None:

    from territorial.cli.workspace import read_workspace
    from territorial.services.gis_export import export_gis

    if background:
        from territorial.services.job_files import FileRequest

        submit(db, FileRequest(fmt, fmt, scenario=scenario, by=by), as_json, output)
        return

    report = export_gis(read_workspace(db), fmt, output, scenario, by)
    if as_json:
        print_json(report)
    else:
        console.print(
            f"Wrote {report.territories:,} territories and {report.accounts:,} "
            f"accounts of {report.scenario!r} to {report.path}"
        )


#: Map formats: ``export FORMAT`` and what each holds.
GIS_FORMATS = {
    "geojson": "GeoJSON (WGS 84): territories as polygons with their metrics, accounts as points.",
    "kml": "KML for Google Earth: coloured territory polygons and account placemarks.",
    "gpkg": "GeoPackage (EPSG:4326) with the layers territories and accounts (QGIS, ArcGIS).",
}


def _gis_command(fmt: str) -> Callable[..., None]:
    """The ``export FORMAT`` command of a format in :data:`GIS_FORMATS`."""

    @user_errors
    def command(
        output: DestOption,
        scenario: ScenarioOption = None,
        by: ByOption = None,
        as_json: JsonFlag = False,
        background: BackgroundFlag = False,
        db: DbOption = None,
    ) -> None:
        _gis(fmt, output, scenario, by, db, as_json, background)

    command.__doc__ = GIS_FORMATS[fmt]
    return command


for _fmt in GIS_FORMATS:
    app.command(_fmt)(_gis_command(_fmt))
