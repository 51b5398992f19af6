"""`territorial jobs`: follow, wait for and cancel background work (designs, imports,
reports, exports), and save the file a report or export job built."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from territorial.cli.common import DbOption, JsonOption, console, print_json, user_errors
from territorial.cli.options import number, output_file
from territorial.domain import TerritorialError
from territorial.domain.jobs import Job

app = typer.Typer(help="Background jobs: list, show (and wait), cancel.", no_args_is_help=True)


def _summary(job: Job) -> str:
    if job.error:
        return job.error
    if job.kind in ("report", "export"):
        r = job.result
        return f"{r['file']}, {r['bytes']:,} bytes" if r else "building the file"
    if job.kind == "import":
        if job.result:
            r = job.result
            return f"added {r['added']:,}, updated {r['updated']:,}, unchanged {r['unchanged']:,}"
        rows = job.progress
        return f"{rows['rows']:,} of {rows['total']:,} rows read" if rows else ""
    if job.kind == "segment" and job.result:
        from territorial.services import jobs as service

        return f"segment {job.params[service.TASK]['segment']} of job {job.params[service.PARENT]}"
    if job.result:
        feasible = "balanced" if job.result.get("feasible") else "NOT balanced"
        return f"{feasible}; {job.result.get('moved_accounts', 0):,} accounts move"
    if job.progress:
        p = job.progress
        state = "feasible" if p.get("feasible") else f"excess {p.get('balance_excess', 0):.3f}"
        return f"{p.get('seconds', 0):.0f}s, step {p.get('iteration')}, best {state}"
    return ""


def _subject(job: Job) -> str:
    """What the job works on: the scenario it designs, the file it imports."""
    if job.kind in ("report", "export"):
        return f"{job.params.get('what')}.{job.params.get('suffix')}"
    return str(job.params.get("file" if job.kind == "import" else "name") or "")


@app.command("list")
@user_errors
def list_(db: DbOption = None, as_json: JsonOption = False) -> None:
    """The latest jobs, newest first."""
    from territorial.services import jobs as service
    from territorial.services.workspace import open_workspace

    found = service.list_jobs(open_workspace(db))
    if as_json:
        print_json([service.describe(j) for j in found])
        return
    table = Table(title="Jobs")
    for col in ("id", "kind", "scenario", "state", "created", "progress or result"):
        table.add_column(col)
    for job in found:
        table.add_row(
            job.id,
            job.kind,
            Text(_subject(job)),
            job.state.value,
            f"{job.created_at:%Y-%m-%d %H:%M}",
            Text(_summary(job)),
        )
    console.print(table)


@app.command()
@user_errors
def show(
    job_id: Annotated[str, typer.Argument(help="The job's id.")],
    wait: Annotated[
        float,
        typer.Option(help="Wait up to this many seconds for the end.", callback=number(at_least=0)),
    ] = 0,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            callback=output_file,
            help="Save the file a report or export job built here (after --wait, if given).",
        ),
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """One job: state, progress, result or error; -o saves a report's or export's file."""
    from territorial.services import jobs as service
    from territorial.services.workspace import open_workspace

    uow = open_workspace(db)
    job = service.wait(uow, job_id, wait) if wait > 0 else service.get_job(uow, job_id)
    if output is not None:
        from territorial.io.atomic import atomic_path
        from territorial.services.job_files import result_file

        _, content = result_file(uow, job.id)
        with atomic_path(output) as temp:
            temp.write_bytes(content)
    if as_json:
        print_json(service.describe(job))
        return
    console.print(
        Text(f"job {job.id} ({job.kind} {_subject(job)}): {job.state.value}. {_summary(job)}")
    )
    if output is not None:
        console.print(Text(f"Saved {output}"))


@app.command()
@user_errors
def cancel(
    job_id: Annotated[str, typer.Argument(help="The job's id.")], db: DbOption = None
) -> None:
    """Cancel a queued or running job; nothing it was making is stored."""
    from territorial.services import jobs as service
    from territorial.services.workspace import open_workspace

    job = service.cancel(open_workspace(db), job_id)
    console.print(Text(f"job {job.id}: {job.state.value}"))


@app.command(hidden=True)
@user_errors
def run(job_id: Annotated[str, typer.Argument(help="The job's id.")], db: DbOption = None) -> None:
    """Run a queued job in this process (what `design --background` starts)."""
    from territorial.services import jobs as service
    from territorial.services.workspace import open_workspace

    job = service.run(open_workspace(db), job_id)
    console.print(Text(f"job {job.id}: {job.state.value}. {_summary(job)}"))


def worker(
    queue: Annotated[
        str | None,
        typer.Option(
            envvar="TERRITORIAL_QUEUE", help="Redis URL of the job queue.", show_default=False
        ),
    ] = None,
    burst: Annotated[bool, typer.Option("--burst", help="Stop when the queue is empty.")] = False,
) -> None:
    """Run queued jobs (designs) from the Redis queue; start one on every machine you like."""
    from territorial.services import jobs as service

    if not queue:
        raise TerritorialError(
            "no job queue: set TERRITORIAL_QUEUE=redis://host:6379/0 (or --queue); without "
            "one, `design --background` runs each job in a process of its own"
        )
    service.work(queue, burst=burst)


worker_command = user_errors(worker)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="jobs")
    root.command("worker")(worker_command)
