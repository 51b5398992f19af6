"""Options checked when they are parsed: numbers finite and in range, usable paths.

``--speed -1``, ``--tolerance nan`` or ``-o SOME_FOLDER`` end in one line,
``error: --speed: must be a finite number above 0, not -1.0``, with exit code 1, before
any work starts: never a traceback from deep inside, and nothing is written.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from territorial.cli.common import err_console

Check = Callable[[typer.CallbackParam, float | None], float | None]


def refuse(param: typer.CallbackParam, message: str) -> NoReturn:
    """Print ``error: --option: message`` and stop with exit code 1."""
    name = max(param.opts, key=len) if param.opts else str(param.name)
    err_console.print(f"error: {name}: {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(1)


def _fmt(x: float) -> str:
    return f"{x:g}"


def number(
    *, above: float | None = None, at_least: float | None = None, at_most: float | None = None
) -> Check:
    """A callback accepting finite numbers ``> above``, ``>= at_least``, ``<= at_most``."""
    rules = []
    if above is not None:
        rules.append(f"above {_fmt(above)}")
    if at_least is not None:
        rules.append(f"at least {_fmt(at_least)}")
    if at_most is not None:
        rules.append(f"at most {_fmt(at_most)}")
    wanted = "a finite number" + (f" {' and '.join(rules)}" if rules else "")

    def check(param: typer.CallbackParam, value: float | None) -> float | None:
        if value is None:
            return None
        ok = math.isfinite(value)
        ok = ok and (above is None or value > above)
        ok = ok and (at_least is None or value >= at_least)
        ok = ok and (at_most is None or value <= at_most)
        if not ok:
            refuse(param, f"must be {wanted}, not {value!r}")
        return value

    return check


def count(*, at_least: int = 0) -> Callable[[typer.CallbackParam, int | None], int | None]:
    """A callback accepting whole numbers ``>= at_least``."""

    def check(param: typer.CallbackParam, value: int | None) -> int | None:
        if value is not None and value < at_least:
            refuse(param, f"must be at least {at_least}, not {value}")
        return value

    return check


Detour = Annotated[
    float,
    typer.Option(help="Road distance / great-circle.", callback=number(at_least=1, at_most=10)),
]
Speed = Annotated[
    float,
    typer.Option(help="Average travel speed, km/h.", callback=number(above=0, at_most=1000)),
]


def output_file(param: typer.CallbackParam, value: Path | None) -> Path | None:
    """Check an ``--output`` path before any work: a file we may create or overwrite.

    A folder, a missing folder or a path without write permission ends in a usage error
    naming the option, and nothing is written.
    """
    if value is None:
        return None
    path = value.expanduser()
    if path.is_dir():
        refuse(param, f"{value} is a folder; give a file name")
    folder = path.parent
    if not folder.is_dir():
        refuse(param, f"cannot write {value}: folder {folder} does not exist")
    if path.exists():
        if not os.access(path, os.W_OK):
            refuse(param, f"cannot write {value}: permission denied")
    elif not os.access(folder, os.W_OK | os.X_OK):
        refuse(param, f"cannot create {value}: no permission to write in {folder}")
    return path


def input_file(param: typer.CallbackParam, value: Path | None) -> Path | None:
    """Check an input path before any work: it exists and is a file, not a folder."""
    if value is None:
        return None
    path = value.expanduser()
    if path.is_dir():
        refuse(param, f"{value} is a folder, not a file")
    if not path.exists():
        refuse(param, f"no such file: {value}")
    if not os.access(path, os.R_OK):
        refuse(param, f"cannot read {value}: permission denied")
    return path
