"""`territorial compare`: two scenarios side by side, and every account that moves."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from territorial.cli.common import (
    DbOption,
    JsonOption,
    console,
    err_console,
    print_json,
    user_errors,
)
from territorial.cli.options import output_file
from territorial.domain import TerritorialError

if TYPE_CHECKING:
    from territorial.services.compare import Comparison


# statistic -> (label, format); deviations are fractions shown as percentages
STAT_FORMATS: dict[str, tuple[str, str]] = {
    "max_abs_deviation": ("max |deviation|", "{:.1%}"),
    "cv": ("CV", "{:.3f}"),
    "max_min_ratio": ("max/min", "{:,.2f}"),
    "gini": ("Gini", "{:.3f}"),
    "max": ("max km", "{:,.0f}"),
    "mean": ("mean km", "{:,.0f}"),
}


def register(app: typer.Typer) -> None:
    app.command("compare")(compare)


def _stat(stat: str, value: float | None) -> str:
    if value is None:
        return "∞"
    return STAT_FORMATS.get(stat, (stat, "{:,.3f}"))[1].format(value)


def print_comparison(c: Comparison, limit: int | None) -> None:
    """The balance table, the count of moves, and the first ``limit`` moves (None: all)."""
    table = Table(title=f"{c.a} vs {c.b}")
    table.add_column("measure")
    table.add_column("statistic")
    table.add_column(c.a, justify="right")
    table.add_column(c.b, justify="right")
    for measure, sides in c.measures.items():
        for stat in sides["a"]:
            table.add_row(
                measure,
                STAT_FORMATS.get(stat, (stat, ""))[0],
                _stat(stat, sides["a"][stat]),
                _stat(stat, sides["b"].get(stat)),
            )
    console.print(table)
    share = c.revenue_moved / c.revenue_total if c.revenue_total else 0.0
    console.print(
        f"{len(c.moves):,} of {c.accounts:,} accounts move; revenue moved "
        f"{c.revenue_moved:,.0f} ({share:.1%}).",
        highlight=False,
    )
    for count, where, other in ((c.only_in_a, c.a, c.b), (c.only_in_b, c.b, c.a)):
        if count:
            console.print(
                f"{count:,} accounts are assigned in {where} but not in {other} (not moves).",
                highlight=False,
            )
    if not c.moves:
        return
    shown = c.moves if limit is None else c.moves[:limit]
    title = "Moves" if len(shown) == len(c.moves) else f"Moves (first {len(shown)})"
    moves = Table(title=title)
    for col in ("account", "name", "from", "to", "from rep", "to rep", "revenue", "potential"):
        moves.add_column(col, justify="right" if col in ("revenue", "potential") else "left")
    for m in shown:
        moves.add_row(
            m.account_id,
            m.name,
            m.from_territory,
            m.to_territory,
            m.from_rep or "-",
            m.to_rep or "-",
            f"{m.revenue:,.0f}",
            f"{m.potential:,.0f}",
        )
    console.print(moves)
    if len(shown) < len(c.moves):
        console.print(
            f"  ... and {len(c.moves) - len(shown):,} more: --all lists every move, "
            "-o FILE.csv writes them",
            highlight=False,
        )


@user_errors
def compare(
    a: Annotated[str, typer.Argument(help="First scenario.")],
    b: Annotated[str, typer.Argument(help="Second scenario.")],
    moves: Annotated[int, typer.Option(help="How many moves to list in the terminal.")] = 25,
    show_all: Annotated[bool, typer.Option("--all", help="List every move.")] = False,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write every move to this CSV file: account, name, from/to territory and "
            "rep, revenue, potential.",
            callback=output_file,
        ),
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show two scenarios side by side: balance, compactness, and the accounts that move.

    An account moves when both scenarios assign it, to different territories.
    """
    from territorial.cli.workspace import read_workspace
    from territorial.services.compare import compare_scenarios, write_moves_csv

    if moves < 0:
        raise TerritorialError(f"--moves must be 0 or more, not {moves}")
    result = compare_scenarios(read_workspace(db), a, b)
    count = None
    if output is not None:
        try:
            count = write_moves_csv(result, output)
        except OSError as exc:
            raise TerritorialError(f"--output: cannot write {output}: {exc.strerror}") from None
    if as_json:
        print_json(result)
    else:
        print_comparison(result, None if show_all else moves)
    if count is not None:  # to stderr with --json, so stdout stays JSON
        (err_console if as_json else console).print(
            f"Wrote {count:,} moves to {output}", highlight=False
        )
