"""Tables that fit the terminal: the columns that matter first, the rest behind --wide.

Every column has a priority (0 = always shown). The widest column set whose cells all fit
whole is printed; the columns left out are named below the table with the way to see
them (``--wide``, ``--json`` or a CSV file), so no cell is cut to "W…".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from territorial.cli.common import console

WideOption = Annotated[
    bool, typer.Option("--wide", help="Show every column, however wide the terminal.")
]

BORDER = 3  # a cell's padding and its left border in Rich's default box


@dataclass(frozen=True)
class Column:
    """A column: its header, right-aligned or not, and priority (0 = always shown)."""

    name: str
    right: bool = False
    priority: int = 1


Cell = str | Text


def _width(cell: Cell) -> int:
    return cell.cell_len if isinstance(cell, Text) else Text(cell).cell_len


def _needs(columns: Sequence[Column], rows: Sequence[Sequence[Cell]]) -> list[int]:
    """Each column's width with its widest cell whole, borders included."""
    return [
        max([len(c.name), *(_width(r[i]) for r in rows)]) + BORDER for i, c in enumerate(columns)
    ]


def choose(columns: Sequence[Column], rows: Sequence[Sequence[Cell]], width: int) -> list[int]:
    """Indexes of the columns to show: by priority, while every cell fits whole in ``width``."""
    need = _needs(columns, rows)
    order = sorted(range(len(columns)), key=lambda i: (columns[i].priority, i))
    chosen: list[int] = []
    used = 1  # the right border
    for i in order:
        if columns[i].priority == 0 or used + need[i] <= width:
            chosen.append(i)
            used += need[i]
    return sorted(chosen)


def print_table(
    title: str,
    columns: Sequence[Column],
    rows: Sequence[Sequence[Cell]],
    *,
    wide: bool = False,
    more: str = "--wide or --json",
    styles: Sequence[str | None] | None = None,
) -> None:
    """Print ``rows`` with the columns that fit (all with ``wide``), naming those left out."""
    shown = list(range(len(columns))) if wide else choose(columns, rows, console.width)
    table = Table(title=title)
    for i in shown:
        c = columns[i]
        table.add_column(
            c.name,
            justify="right" if c.right else "left",
            no_wrap=c.priority > 0 and not wide,
            overflow="fold",
        )
    for n, row in enumerate(rows):
        table.add_row(*(row[i] for i in shown), style=styles[n] if styles else None)
    if wide:  # every column whole, wider than the terminal if need be
        full = max(sum(_needs(columns, rows)) + 1, len(title), console.width)
        Console(
            file=console.file,
            width=full,
            markup=False,
            emoji=False,
            force_terminal=console.is_terminal,
            color_system=console.color_system,  # type: ignore[arg-type]
        ).print(table)
    else:
        console.print(table)
    hidden = [columns[i].name for i in range(len(columns)) if i not in shown]
    if hidden:
        console.print(
            f"{len(hidden)} more column{'s' if len(hidden) > 1 else ''} "
            f"({', '.join(hidden)}): {more}",
            style="dim",
            highlight=False,
        )
