"""`territorial report ...`: printable reports (HTML, or PDF through WeasyPrint)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from territorial.cli.common import DbOption, ScenarioOption, console, print_json, user_errors
from territorial.cli.file_jobs import BackgroundFlag, submit

app = typer.Typer(help="Reports as HTML or PDF, with a map and charts.", no_args_is_help=True)

ReportOut = Annotated[
    Path,
    typer.Option(
        "--output",
        "-o",
        help="FILE.pdf or FILE.html (the suffix picks the format).",
    ),
]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print what was written as JSON.")]


def _write(
    kind: str,
    output: Path,
    db: str | None,
    as_json: bool,
    background: bool = False,
    **params: object,
) -> None:
    from territorial.cli.workspace import read_workspace
    from territorial.services.reports import write_report

    if background:
        from territorial.services.job_files import FileRequest

        text = {k: None if v is None else str(v) for k, v in params.items()}  # as_of: ISO
        request = FileRequest.from_params(
            {"what": kind, "suffix": output.suffix.lower().lstrip("."), **text}
        )
        submit(db, request, as_json, output)
        return
    report = write_report(read_workspace(db), kind, output, **params)  # type: ignore[arg-type]
    if as_json:
        print_json(report)
    else:
        pages = f", {report.pages} pages" if output.suffix.lower() == ".pdf" else ""
        console.print(f"Wrote the {kind} report of {report.scenario!r} to {output}{pages}")


@app.command("assessment")
@user_errors
def assessment(
    output: ReportOut,
    scenario: ScenarioOption = None,
    as_json: JsonFlag = False,
    background: BackgroundFlag = False,
    db: DbOption = None,
) -> None:
    """Balance, findings, coverage gaps and the map of a scenario (default: active)."""
    _write("assessment", output, db, as_json, background, scenario=scenario)


@app.command("compare")
@user_errors
def compare(
    before: Annotated[str, typer.Argument(help="The scenario before (e.g. Current).")],
    after: Annotated[str, typer.Argument(help="The scenario after.")],
    output: ReportOut,
    as_json: JsonFlag = False,
    background: BackgroundFlag = False,
    db: DbOption = None,
) -> None:
    """Before and after: both maps, balance, what changes for each rep, every move."""
    _write("compare", output, db, as_json, background, scenario=before, other=after)


@app.command("rep-pack")
@user_errors
def rep_pack(
    output: ReportOut,
    rep: Annotated[str, typer.Option(help="The rep: id, email or name.")],
    scenario: ScenarioOption = None,
    period: Annotated[
        str | None,
        typer.Option(help="Quota period (2027, 2027-Q1); default: the latest with quotas."),
    ] = None,
    as_of: Annotated[str | None, typer.Option(help="Goal status on this date.")] = None,
    as_json: JsonFlag = False,
    background: BackgroundFlag = False,
    db: DbOption = None,
) -> None:
    """A rep's printable pack: map, accounts by tier with addresses, goals, quota by month."""
    _write(
        "rep-pack",
        output,
        db,
        as_json,
        background,
        scenario=scenario,
        rep=rep,
        period=period,
        as_of=date.fromisoformat(as_of) if as_of else None,
    )


@app.command("monitoring")
@user_errors
def monitoring(
    output: ReportOut,
    period: Annotated[str | None, typer.Option(help="2027, 2027-Q1 or 2027-03.")] = None,
    as_of: Annotated[str | None, typer.Option(help="Report date (YYYY-MM-DD).")] = None,
    scenario: ScenarioOption = None,
    as_json: JsonFlag = False,
    background: BackgroundFlag = False,
    db: DbOption = None,
) -> None:
    """Attainment, pace and alerts for a period, with charts and the map."""
    _write(
        "monitoring",
        output,
        db,
        as_json,
        background,
        scenario=scenario,
        period=period,
        as_of=date.fromisoformat(as_of) if as_of else None,
    )
