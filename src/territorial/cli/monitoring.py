"""`territorial monitor` (and `actuals import`, the old spelling of `import actuals`)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from rich.text import Text

from territorial.cli.common import (
    DbOption,
    JsonOption,
    ScenarioOption,
    console,
    err_console,
    line,
    print_json,
    styled,
    user_errors,
)
from territorial.cli.imports import actuals_import
from territorial.cli.options import number
from territorial.cli.tables import Column, WideOption, print_table
from territorial.domain import TerritorialError

if TYPE_CHECKING:
    from territorial.optimize.design import Progress
    from territorial.services.rebalance import RebalanceProposal


actuals_app = typer.Typer(help="Import actual sales and visits.", no_args_is_help=True)
actuals_app.command("import")(actuals_import)


def register(app: typer.Typer) -> None:
    app.add_typer(actuals_app, name="actuals")
    app.command("monitor")(monitor)


def _date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise TerritorialError(f"--as-of: {value!r} is not a date (YYYY-MM-DD)") from None


def _pct(x: float | None) -> str:
    return "" if x is None else f"{x:.0%}"


@user_errors
def monitor(
    period: Annotated[
        str | None, typer.Option(help="2027, 2027-Q1 or 2027-03; default the latest quotas.")
    ] = None,
    as_of: Annotated[str | None, typer.Option(help="Report date; default today.")] = None,
    scenario: ScenarioOption = None,
    pace_threshold: Annotated[
        float,
        typer.Option(
            help="Alert when behind pace by more.", callback=number(at_least=0, at_most=1)
        ),
    ] = 0.10,
    cost_per_km: Annotated[
        float, typer.Option(help="Travel cost per km.", callback=number(at_least=0))
    ] = 0.35,
    rebalance: Annotated[
        bool,
        typer.Option(
            "--rebalance",
            help="Also design a rebalanced draft from the alignment with few moves.",
        ),
    ] = False,
    max_moves: Annotated[
        str, typer.Option(help="With --rebalance: accounts that may move, 10% or a count.")
    ] = "10%",
    time_limit: Annotated[
        float, typer.Option(help="With --rebalance: seconds to search.", callback=number(above=0))
    ] = 20.0,
    balance: Annotated[
        str | None,
        typer.Option(
            help="With --rebalance: measures to balance (default: as for design, and what drifted)."
        ),
    ] = None,
    seed: Annotated[int, typer.Option(help="With --rebalance: random seed.")] = 0,
    db: DbOption = None,
    as_json: JsonOption = False,
    wide: WideOption = False,
) -> None:
    """Attainment, pace, projection, cost of sales, coverage and alerts for a period."""
    from territorial.cli.workspace import read_workspace
    from territorial.services.design_options import parse_fraction, parse_names
    from territorial.services.monitor import run_monitor

    options = None
    if rebalance:  # the design engine loads only for a rebalance
        from territorial.services.rebalance import RebalanceOptions

        options = RebalanceOptions(
            balance=parse_names(balance) if balance else None,
            max_moves=parse_fraction(max_moves, "max_moves"),
            time_limit=time_limit,
            seed=seed,
        )
    with err_console.status("Monitoring...") as status:
        if options is not None:

            def progress(p: Progress) -> None:
                status.update(f"Rebalancing: {p.runtime:.0f}s, start {p.iteration}")

            options.progress = progress
        report = run_monitor(
            read_workspace(db),
            period,
            _date(as_of),
            scenario,
            pace_threshold=pace_threshold,
            cost_per_km=cost_per_km,
            rebalance=options,
        )
    if as_json:
        print_json(report)
        return
    c = report.company
    title = (
        f"{report.scenario}: {report.period.label} as of {report.as_of} "
        f"(quotas {report.quota_period})"
    )
    columns = [
        Column("territory", priority=0),
        Column("rep", priority=0),
        Column("quota", True, 1),
        Column("actual", True, 1),
        Column("attain.", True, 0),
        Column("expected", True, 3),
        Column("pace", True, 1),
        Column("projected", True, 2),
        Column("cost/rev", True, 4),
        Column("A cover.", True, 4),
        Column("trend/mo", True, 3),
    ]
    rows: list[list[str | Text]] = []
    for t in report.territories:
        a = t.attainment
        behind = a.pace is not None and a.pace < 1 - pace_threshold
        pace_cell = styled(_pct(a.pace), "red" if behind else "")
        rows.append(
            [
                t.territory,
                t.rep or styled("vacant", "red"),
                f"{a.quota:,.0f}",
                f"{a.actual:,.0f}",
                _pct(a.attainment),
                f"{a.expected:,.0f}",
                pace_cell,
                _pct(a.projected_attainment),
                _pct(t.cost.ratio if t.cost else None),
                _pct(t.coverage.share if t.coverage else None),
                f"{t.slope:+,.0f}",
            ]
        )
    rows.append(
        [
            "company",
            "",
            f"{c.quota:,.0f}",
            f"{c.actual:,.0f}",
            _pct(c.attainment),
            f"{c.expected:,.0f}",
            _pct(c.pace),
            _pct(c.projected_attainment),
            "",
            "",
            "",
        ]
    )
    styles: list[str | None] = [None] * len(report.territories) + ["bold"]
    print_table(title, columns, rows, wide=wide, styles=styles)
    if report.alerts:
        console.print(line(styled("Alerts"), f" ({len(report.alerts)})"))
        for alert in report.alerts[:25]:
            colour = "red" if alert.severity.value == "critical" else "yellow"
            console.print(
                line("  ", (f"{alert.kind:<8}", colour), f" {alert.message}"), highlight=False
            )
        if len(report.alerts) > 25:
            console.print(f"  ... and {len(report.alerts) - 25} more (use --json)")
    for note in report.notes:
        console.print(styled(f"  {note}", "dim"), highlight=False)
    if report.rebalance is not None:
        print_rebalance(report.rebalance)


def print_rebalance(p: RebalanceProposal, limit: int = 15) -> None:
    """What the rebalanced draft would fix, and what it moves."""
    table = Table(title=f"Rebalance proposal: draft {p.scenario!r} from {p.base}")
    for col in ("measure", "worst deviation now", "after", ""):
        table.add_column(col, justify="left" if col == "measure" else "right")
    for m in p.measures:
        mark = styled("better", "green") if m.improved else ""
        table.add_row(m.measure, _pct(m.before), _pct(m.after), mark)
    console.print(table)
    share = p.revenue_moved / p.revenue_total if p.revenue_total else 0.0
    console.print(
        f"{len(p.moves):,} of {p.accounts:,} accounts move (cap {p.max_moves:g}); revenue "
        f"moved {p.revenue_moved:,.0f} ({share:.1%}).",
        highlight=False,
    )
    if p.moves:
        moves = Table(title=f"Moves (first {min(limit, len(p.moves))}, by revenue)")
        for col in ("account", "name", "from", "to", "revenue"):
            moves.add_column(col, justify="right" if col == "revenue" else "left")
        for mv in sorted(p.moves, key=lambda m: -m.revenue)[:limit]:
            moves.add_row(
                mv.account_id,
                mv.name,
                mv.from_territory or "-",
                mv.to_territory or "-",
                f"{mv.revenue:,.0f}",
            )
        console.print(moves)
        if len(p.moves) > limit:
            console.print(
                f"  all {len(p.moves):,} moves: territorial compare {p.base!r} {p.scenario!r} "
                "-o moves.csv (or --json)",
                style="dim",
                highlight=False,
            )
    for note in p.notes:
        console.print(line("  ", ("note", "yellow"), f" {note}"), highlight=False)
    console.print(
        f"Next: territorial compare {p.base!r} {p.scenario!r}; "
        f"territorial scenario approve {p.scenario!r}; territorial publish {p.scenario!r} "
        "--effective YYYY-MM-DD",
        markup=False,
        highlight=False,
    )
