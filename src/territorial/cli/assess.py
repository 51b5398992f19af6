"""`territorial assess`: balance, workload, compactness, coverage and findings."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.text import Text

from territorial.cli.common import (
    AsOfOption,
    DbOption,
    JsonOption,
    ScenarioOption,
    console,
    line,
    parse_as_of,
    print_json,
    styled,
    user_errors,
)
from territorial.cli.options import Detour, Speed, count
from territorial.cli.tables import Column, WideOption, print_table

if TYPE_CHECKING:
    from territorial.services.assess import ScenarioAssessment


SEVERITY_STYLE = {"high": "red", "medium": "yellow", "low": "dim"}


def register(app: typer.Typer) -> None:
    app.command("assess")(assess)


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value:+.0%}"


def print_assessment(result: ScenarioAssessment, findings: int, wide: bool = False) -> None:
    from territorial.services.assess import judged_text

    data = result.to_dict()
    no_data = set(data["summary"]["measures_without_data"])

    def amount(key: str) -> Callable[[dict[str, Any]], str]:
        return lambda row: f"{row['totals'].get(key) or 0:,.0f}"

    def change(key: str) -> Callable[[dict[str, Any]], str]:
        return lambda row: _pct(row["deviation"].get(key))

    # (column, the measure it shows, its cell); measures without data are left out
    table: list[tuple[Column, str | None, Callable[[dict[str, Any]], str | Text]]] = [
        (Column("territory", priority=0), None, lambda row: row["label"]),
        (Column("rep", priority=0), None, lambda row: row["rep"] or styled("vacant", "red")),
        (Column("accounts", True, 1), None, lambda row: f"{row['accounts']:,}"),
        (Column("potential", True, 2), "potential", amount("potential")),
        (Column("revenue", True, 3), "revenue", amount("revenue")),
        (Column("workload h", True, 2), None, lambda row: f"{row['workload_hours'] or 0:,.0f}"),
        (Column("competitors", True, 6), "competitors", amount("competitors")),
        (Column("comp. accounts", True, 6), "competitor_accounts", amount("competitor_accounts")),
        (Column("Δ accounts", True, 2), None, change("accounts")),
        (Column("Δ potential", True, 1), "potential", change("potential")),
        (Column("Δ revenue", True, 3), "revenue", change("revenue")),
        (Column("Δ workload", True, 1), None, change("workload")),
        (Column("diameter km", True, 4), None, lambda row: f"{row['diameter_km'] or 0:,.0f}"),
        (
            Column("home→centre km", True, 5),
            None,
            lambda row: "" if row["rep_home_km"] is None else f"{row['rep_home_km']:,.0f}",
        ),
    ]
    visible = [(column, cell) for column, measure, cell in table if measure not in no_data]
    rows = [[cell(row) for _, cell in visible] for row in data["territories"]]
    title = f"Assessment of {result.scenario} ({result.status})"
    print_table(title, [column for column, _ in visible], rows, wide=wide)
    balance = [
        Column("measure", priority=0),
        Column("mean", True, 0),
        Column("CV", True, 2),
        Column("max/min", True, 3),
        Column("Gini", True, 3),
        Column("worst Δ", True, 1),
        Column("outside ±tol", True, 1),
    ]
    judged = [(n, st) for n, st in data["balance"].items() if st["judged"]]
    info = [(n, st) for n, st in data["balance"].items() if not st["judged"]]
    stats_rows: list[list[str | Text]] = []
    for name, stats in judged + info:
        ratio = stats["max_min_ratio"]
        stats_rows.append(
            [
                name,
                f"{stats['mean']:,.0f}",
                f"{stats['cv']:.2f}",
                "∞" if ratio is None else f"{ratio:.2f}",
                f"{stats['gini']:.3f}",
                f"{stats['max_abs_deviation']:.0%}",
                str(stats["territories_outside"]),
            ]
        )
    styles = [None] * len(judged) + ["dim"] * len(info)
    print_table("Balance per measure", balance, stats_rows, wide=wide, styles=styles)
    empty = [n for n, _ in info if n in no_data]
    shown = [n for n, _ in info if n not in no_data]
    if empty:
        console.print(f"{', '.join(empty)}: 0 for every account (no data), not judged", style="dim")
    console.print(line("Judged: ", judged_text(data)))
    if shown:
        console.print(
            f"{', '.join(shown)}: shown, not judged (no findings, not counted outside tolerance;"
            " --judge to judge them)",
            style="dim",
        )
    notes = data["data_notes"]
    console.print(
        f"revenue = {notes['revenue_source']}; "
        f"{notes['accounts_with_default_visits']:,} accounts use default visit figures; "
        f"{notes['unlocated_accounts_off_map']:,} unlocated accounts (in the totals, not on "
        "maps)",
        style="dim",
    )
    console.print(styled("Findings"))
    shown = data["findings"] if findings == 0 else data["findings"][:findings]
    for finding in shown:
        style = SEVERITY_STYLE.get(finding["severity"], "")
        console.print(line("  ", (f"{finding['severity']:<6}", style), f" {finding['text']}"))
    if len(data["findings"]) > len(shown):
        console.print(
            f"  ... and {len(data['findings']) - len(shown)} more: --findings 0 shows all "
            "(or --json)"
        )


@user_errors
def assess(
    scenario: ScenarioOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
    tolerance: Annotated[
        str | None,
        typer.Option(
            help="±tolerance for every judged measure, e.g. 5% or 0.05 (default: a "
            "designed scenario's own, else 5%)."
        ),
    ] = None,
    judge: Annotated[
        str | None,
        typer.Option(
            help="Measures to judge, e.g. accounts,revenue (default: what the scenario "
            "was designed to balance, else accounts, potential, revenue, workload)."
        ),
    ] = None,
    detour: Detour = 1.3,
    speed: Speed = 50.0,
    findings: Annotated[
        int, typer.Option(help="How many findings to print (0 = all).", callback=count())
    ] = 15,
    as_of: AsOfOption = None,
    wide: WideOption = False,
) -> None:
    """Assess the active alignment or a scenario: balance, workload, compactness, gaps."""
    from territorial.cli.workspace import read_workspace
    from territorial.metrics import TravelModel
    from territorial.services.assess import assess_scenario
    from territorial.services.design_options import parse_fraction, parse_names

    result = assess_scenario(
        read_workspace(db),
        scenario,
        travel=TravelModel(detour, speed),
        tolerance=None if tolerance is None else parse_fraction(tolerance, "tolerance"),
        judged=None if judge is None else parse_names(judge),
        as_of=parse_as_of(as_of),
    )
    if as_json:
        print_json(result)
    else:
        print_assessment(result, findings, wide)
