"""What every command shares: the --db option, consoles, and turning errors into exit codes.

The consoles read no Rich markup and no emoji codes: every string printed, table cell
and title included, appears exactly as written, so a territory named ``East [/x]`` or
``[link=http://evil]x[/link]`` prints as text. Commands colour things with
:func:`styled` (or ``Text``), never with markup in strings.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Annotated, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from territorial.domain import InputRejected, TerritorialError


def _console(stderr: bool = False) -> Console:
    """A markup-free console that reads the terminal width ($COLUMNS) each time it prints;
    Rich would otherwise keep the $COLUMNS it saw when the console was made."""
    made = Console(stderr=stderr, markup=False, emoji=False)
    made._width = None  # Console.size then reads $COLUMNS, or asks the terminal, live
    return made


console = _console()
err_console = _console(stderr=True)


def styled(text: object, style: str = "bold") -> Text:
    """``text`` (any user data) in a Rich style, never read as markup."""
    return Text(str(text), style=style)


def line(*parts: str | Text | tuple[str, str]) -> Text:
    """One line from plain strings, ``Text`` and ``(text, style)`` pairs, markup-free."""
    return Text.assemble(*parts)


DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar="TERRITORIAL_DB",
        help="SQLite file path or database URL (postgresql://...). Default ./territorial.db.",
        show_default=False,
    ),
]
ScenarioOption = Annotated[
    str | None,
    typer.Option("--scenario", help="Scenario name; default: the active alignment."),
]
PeriodScenarioOption = Annotated[
    str | None,
    typer.Option(
        "--scenario",
        help="Scenario name; default: the alignment in force when the period starts "
        "(today's for a period under way).",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]
AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="Read the alignment in force on this day, YYYY-MM-DD (default today).",
        show_default=False,
    ),
]


def parse_as_of(value: str | None) -> date | None:
    """``--as-of`` as a date (None when not given)."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise TerritorialError(f"--as-of: {value!r} is not a date (YYYY-MM-DD)") from None


P = ParamSpec("P")
R = TypeVar("R")
MAX_PROBLEMS_SHOWN = 50


def user_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Print a user error as one line (plus the problem list) and exit 1; no traceback."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except InputRejected as exc:
            n = len(exc.problems)
            if n <= 1:
                err_console.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
            else:
                files = sorted({p.file for p in exc.problems})
                err_console.print(f"error: {n} problems in {', '.join(files)}", markup=False)
                for problem in exc.problems[:MAX_PROBLEMS_SHOWN]:
                    err_console.print(f"  {problem}", markup=False, highlight=False, soft_wrap=True)
                if n > MAX_PROBLEMS_SHOWN:
                    err_console.print(f"  ... and {n - MAX_PROBLEMS_SHOWN} more")
            err_console.print("Nothing was imported; the database is unchanged.")
            if exc.hint:
                err_console.print(exc.hint, markup=False, highlight=False, soft_wrap=True)
            raise typer.Exit(1) from None
        except TerritorialError as exc:
            from territorial.cli.wording import worded

            err_console.print(
                f"error: {worded(exc)}", markup=False, highlight=False, soft_wrap=True
            )
            raise typer.Exit(1) from None
        except FileNotFoundError as exc:
            # a missing data file of our own (the county map) explains itself
            what = f"no such file: {exc.filename}" if exc.filename else str(exc)
            err_console.print(f"error: {what}", markup=False, soft_wrap=True)
            raise typer.Exit(1) from None
        except OSError as exc:  # a directory, no permission, disk full...
            where = f"{exc.filename}: " if exc.filename else ""
            err_console.print(f"error: {where}{exc.strerror or exc}", soft_wrap=True)
            raise typer.Exit(1) from None

    return wrapper


def print_json(data: object, indent: int | None = 2) -> None:
    """``--json`` output: ``data`` (a result dataclass, a dict or a list) on one path to
    JSON with the web's ``/api`` (:mod:`territorial.jsondata`)."""
    from territorial.jsondata import dumps

    typer.echo(dumps(data, indent=indent))


def warn(text: str) -> None:
    """A warning on stderr, one line."""
    err_console.print(line(("warning:", "yellow"), f" {text}"), highlight=False, soft_wrap=True)


@contextmanager
def progress_bar(description: str) -> Iterator[Callable[[int, int], None]]:
    """A Rich progress bar; yields ``update(done, total)`` for services to call."""
    with Progress(
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as progress:
        task = progress.add_task(description, total=None)

        def update(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        yield update
