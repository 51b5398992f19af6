"""`--background` for reports and exports: the file is built by a job; print its id."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.text import Text

from territorial.cli.common import console, print_json

if TYPE_CHECKING:
    from territorial.services.job_files import FileRequest

BackgroundFlag = Annotated[
    bool,
    typer.Option(
        "--background",
        help="Build the file in a job; print its id (save it with `jobs show ID -o FILE`).",
    ),
]


def submit(db: str | None, request: FileRequest, as_json: bool, save_as: Path) -> None:
    """Start (or reuse) the job that builds ``request``'s file and say how to save it
    (as ``save_as``)."""
    from territorial.cli.workspace import read_workspace
    from territorial.services.job_files import request_file

    job, reused = request_file(read_workspace(db), request)
    if as_json:
        print_json({"job": job.id, "state": job.state.value, "reused": reused})
        return
    how = "is built by job"
    if reused:
        how = "was built by job" if job.state.finished else "is being built by job"
    console.print(
        Text(
            f"{request.filename} {how} {job.id} ({job.state.value}). Save it with "
            f"`territorial jobs show {job.id} --wait 120 -o {save_as}`; cancel with "
            f"`territorial jobs cancel {job.id}`."
        )
    )
