"""`territorial assign|size|quota|goals|plan`: reps, headcount, quotas, goals, plans."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from territorial.cli.common import (
    DbOption,
    JsonOption,
    PeriodScenarioOption,
    ScenarioOption,
    console,
    line,
    print_json,
    styled,
    user_errors,
)
from territorial.cli.options import input_file, number
from territorial.cli.publish import print_transfers
from territorial.cli.tables import Column, WideOption, print_table
from territorial.domain import TerritorialError
from territorial.domain.numbers import readable
from territorial.domain.planning import PLAN_SECTIONS

quota_app = typer.Typer(help="Set and show territory and rep quotas.", no_args_is_help=True)
goals_app = typer.Typer(help="SMART goals per territory or rep.", no_args_is_help=True)
plan_app = typer.Typer(help="Territory plans: goals, strategies, SWOT.", no_args_is_help=True)

Repeat = Annotated[list[str] | None, typer.Option(show_default=False)]


def register(app: typer.Typer) -> None:
    app.command("assign")(assign)
    app.command("size")(size)
    app.add_typer(quota_app, name="quota")
    app.add_typer(goals_app, name="goals")
    app.add_typer(plan_app, name="plan")


@user_errors
def assign(
    scenario: ScenarioOption = None,
    db: DbOption = None,
    weights: Annotated[
        str | None,
        typer.Option(help="Cost weights, e.g. travel=0.3,fit=0.3,experience=0.2,continuity=0.2."),
    ] = None,
    pin: Annotated[
        list[str] | None, typer.Option(help="REP=TERRITORY that must hold; repeatable.")
    ] = None,
    apply: Annotated[
        bool, typer.Option("--apply", help="Write the reps into the scenario.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Match reps to territories optimally (travel, fit, experience, continuity)."""
    from territorial.cli.workspace import read_workspace
    from territorial.services.reps_assign import assign_scenario_reps
    from territorial.services.territory_data import parse_pairs, parse_weights

    report = assign_scenario_reps(
        read_workspace(db),
        scenario,
        weights=parse_weights([weights], "--weights") if weights else None,
        pins=parse_pairs(pin or [], "--pin"),
        apply=apply,
    )
    if as_json:
        print_json(report)
        return
    r = report.result
    table = Table(title=f"Rep assignment for {report.scenario} ({report.status})")
    for col in ("territory", "rep", "cost", "home km", "continuity", "workload h", "util."):
        table.add_column(col, justify="left" if col in ("territory", "rep") else "right")
    for a in sorted(r.assignments, key=lambda a: a.territory_id):
        table.add_row(
            a.territory_id,
            a.rep_name + (" 📌" if a.pinned else ""),
            f"{a.cost:.3f}",
            f"{a.travel_km:,.0f}",
            f"{a.continuity_share:.0%}",
            f"{a.workload_hours:,.0f}",
            styled(f"{a.utilisation:.0%}", "red" if a.over_capacity else ""),
        )
    console.print(table)
    console.print(
        f"total cost {r.total_cost:.3f}; weights "
        + ", ".join(f"{k}={v:.2f}" for k, v in report.weights.items())
    )
    console.print(styled("Reasons"))
    for a in sorted(r.assignments, key=lambda a: a.territory_id):
        # the reason starts with the rep's name, which often names the territory too
        label = "" if a.territory_id == a.rep_name else f"{a.territory_id}: "
        console.print(f"  {label}{a.reason}", markup=False, highlight=False)
    for note in [*r.notes, *report.skipped_reps]:
        console.print(line("  ", ("•", "yellow"), f" {note}"), highlight=False)
    if report.applied:
        console.print(f"Applied: reps written to scenario {report.scenario}.")
    else:
        console.print("Not applied (use --apply to write these reps into the scenario).")


@user_errors
def size(
    scenario: ScenarioOption = None,
    db: DbOption = None,
    capacity_hours: Annotated[
        float, typer.Option(help="Hours per rep per week.", callback=number(above=0))
    ] = 40.0,
    utilisation: Annotated[
        float,
        typer.Option(help="Target utilisation (0-1].", callback=number(above=0, at_most=1.5)),
    ] = 0.85,
    as_json: JsonOption = False,
) -> None:
    """How many reps the workload needs, and what one rep more or less does."""
    from territorial.cli.workspace import read_workspace
    from territorial.services.sizing import size_sales_force

    try:
        result = size_sales_force(
            read_workspace(db),
            scenario,
            capacity_hours_per_week=capacity_hours,
            utilisation=utilisation,
        )
    except ValueError as exc:
        raise TerritorialError(str(exc)) from None
    if as_json:
        print_json(result)
        return
    console.print(result.report.sentence, highlight=False)
    for w in result.what_ifs:
        console.print(f"  {w.sentence}", highlight=False)
    if result.busiest:
        busiest = ", ".join(f"{n} {u:.0%}" for n, u in result.busiest)
        console.print(f"  busiest reps today: {busiest}", highlight=False)
    for note in result.notes:
        console.print(styled(f"  {note}", "dim"), highlight=False)


@quota_app.command("set")
@user_errors
def quota_set(
    period: Annotated[str, typer.Option(help="2027, 2027-Q1 or 2027-03.")],
    total: Annotated[str, typer.Option(help="Company target for the period.")],
    method: Annotated[
        str, typer.Option(help="potential | history | blend | growth | equal.")
    ] = "potential",
    weights: Annotated[
        str | None, typer.Option(help="Blend weights, e.g. potential=0.6,history=0.4.")
    ] = None,
    round_to: Annotated[str, typer.Option("--round", help="Rounding unit, e.g. 1000.")] = "1",
    override: Annotated[
        list[str] | None, typer.Option(help="TERRITORY=AMOUNT kept as is; repeatable.")
    ] = None,
    granularity: Annotated[str, typer.Option(help="month | quarter.")] = "month",
    scenario: PeriodScenarioOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
    wide: WideOption = False,
) -> None:
    """Split a company target into territory and rep quotas, with a seasonal split."""
    from territorial.cli.workspace import read_workspace
    from territorial.services.quotas import quota_set_dict, set_quotas
    from territorial.services.territory_data import parse_pairs, parse_weights

    qs = set_quotas(
        read_workspace(db),
        period=period,
        total=total,
        method=method,
        weights=parse_weights([weights], "--weights") if weights else None,
        unit=round_to,
        overrides=parse_pairs(override or [], "--override"),
        granularity=granularity,
        scenario=scenario,
    )
    if as_json:
        print_json(quota_set_dict(qs))
        return
    _print_quotas(qs_dict := quota_set_dict(qs), _rep_names(db), wide)
    for note in qs.notes:
        console.print(styled(f"  {note}", "dim"), highlight=False)
    console.print(f"Stored quotas for {qs_dict['period']['label']} in {qs.scenario}.")


def _rep_names(db: str | None) -> dict[str, str]:
    """Rep external id -> name, to show reps by name."""
    from territorial.cli.workspace import read_workspace
    from territorial.services.listing import list_reps

    with read_workspace(db) as uow:
        return {r.rep.external_id: r.rep.name for r in list_reps(uow)}


def _print_quotas(data: dict[str, object], names: dict[str, str], wide: bool) -> None:
    terr = data["territories"]
    assert isinstance(terr, list)
    period = data["period"]
    assert isinstance(period, dict)
    slices = terr[0]["slices"] if terr else []
    columns = [
        Column("territory", priority=0),
        Column("rep", priority=0),
        Column("quota", True, 0),
        *(Column(s["label"], True, 2) for s in slices),
    ]
    rows: list[list[str | Text]] = []
    for row in terr:
        rep = row["rep_external_id"]
        amounts = [f"{float(s['quota']):,.0f}" for s in row["slices"]]
        rows.append(
            [
                row["territory"] + (" *" if row["overridden"] else ""),
                names.get(rep, rep) if rep else styled("vacant", "red"),
                f"{float(row['quota']):,.0f}",
                *amounts,
            ]
        )
    title = f"Quotas {period['label']} ({data['scenario']}, method {data['method']})"
    print_table(title, columns, rows, wide=wide, more="--wide, --json or territorial export quotas")
    console.print(
        f"total {float(str(data['sum'])):,.2f} (target {float(str(data['total'])):,.2f})"
        " * = override"
    )


@quota_app.command("show")
@user_errors
def quota_show(
    period: Annotated[str | None, typer.Option(help="Default: the latest period.")] = None,
    scenario: PeriodScenarioOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
    wide: WideOption = False,
) -> None:
    """Show the stored quotas of a period."""
    from territorial.cli.workspace import read_workspace
    from territorial.services.quotas import quota_set_dict, show_quotas

    qs = show_quotas(read_workspace(db), period, scenario)
    data = quota_set_dict(qs)
    if as_json:
        print_json(data)
    else:
        _print_quotas(data, _rep_names(db), wide)
        if qs.transfers:
            print_transfers(qs.transfers, "Quota moved with accounts when published")


def _date(value: str | None, what: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise TerritorialError(f"{what}: {value!r} is not a date (YYYY-MM-DD)") from None


@goals_app.command("add")
@user_errors
def goals_add(
    metric: Annotated[str, typer.Option(help="revenue, visits, new_accounts, or a measure.")],
    baseline: Annotated[float, typer.Option(help="Value at the start.", callback=number())],
    target: Annotated[float, typer.Option(help="Value to reach.", callback=number())],
    due: Annotated[str, typer.Option(help="Due date, YYYY-MM-DD.")],
    territory: Annotated[str | None, typer.Option(help="Territory name.")] = None,
    rep: Annotated[str | None, typer.Option(help="Rep external id or name.")] = None,
    start: Annotated[str | None, typer.Option(help="Start date; default today.")] = None,
    owner: Annotated[str | None, typer.Option(help="Who answers for it.")] = None,
    description: Annotated[str, typer.Option(help="What the goal is about.")] = "",
    db: DbOption = None,
) -> None:
    """Add a SMART goal for a territory or a rep."""
    from territorial.cli.workspace import read_workspace
    from territorial.services.goals import add_goal

    due_date = _date(due, "--due")
    assert due_date is not None
    record = add_goal(
        read_workspace(db),
        territory=territory,
        rep=rep,
        metric=metric,
        baseline=baseline,
        target=target,
        due=due_date,
        start=_date(start, "--start"),
        owner=owner,
        description=description,
    )
    console.print(
        f"Goal {record.id} added: {record.subject} {record.metric} "
        f"{readable(record.baseline)} → {readable(record.target)} by {record.due}",
        highlight=False,
    )


@goals_app.command("list")
@user_errors
def goals_list(
    as_of: Annotated[str | None, typer.Option(help="Status on this date; default today.")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """List goals with their status computed from actuals."""
    from territorial.cli.workspace import read_workspace
    from territorial.services.goals import list_goals

    rows = list_goals(read_workspace(db), _date(as_of, "--as-of"))
    if as_json:
        print_json(rows)
        return
    if not rows:
        console.print("No goals yet: territorial goals add --territory T --metric revenue ...")
        return
    table = Table(title="Goals")
    for col in ("id", "subject", "metric", "baseline", "target", "actual", "due", "status"):
        table.add_column(
            col, justify="right" if col in ("baseline", "target", "actual") else "left"
        )
    style = {
        "achieved": "green",
        "on_track": "green",
        "at_risk": "yellow",
        "behind": "red",
        "missed": "red",
    }
    for r in rows:
        g, p = r.record, r.progress
        st = p.status.value
        table.add_row(
            str(g.id),
            f"{g.scope} {g.subject}",
            g.metric,
            readable(g.baseline),
            readable(g.target),
            readable(p.actual),
            str(g.due),
            styled(st.replace("_", " "), style[st]),
        )
    console.print(table)


@plan_app.command("edit")
@user_errors
def plan_edit(
    territory: Annotated[str, typer.Argument(help="Territory name.", show_default=False)],
    file: Annotated[
        Path | None,
        typer.Option(
            "--file", help="Plan as Markdown (## Goals ...) or JSON.", callback=input_file
        ),
    ] = None,
    goals: Repeat = None,
    strategies: Repeat = None,
    objectives: Repeat = None,
    tactics: Repeat = None,
    strengths: Repeat = None,
    weaknesses: Repeat = None,
    opportunities: Repeat = None,
    threats: Repeat = None,
    scenario: ScenarioOption = None,
    db: DbOption = None,
) -> None:
    """Write a territory plan's sections (each option repeatable; other sections kept)."""
    from territorial.cli.workspace import read_workspace
    from territorial.services.plans import edit_plan, parse_plan_file

    given = dict(
        zip(
            PLAN_SECTIONS,
            (goals, strategies, objectives, tactics, strengths, weaknesses, opportunities, threats),
            strict=True,
        )
    )
    sections = parse_plan_file(file) if file else {}
    sections.update({k: v for k, v in given.items() if v})
    if not sections:
        raise TerritorialError("nothing to write: give --file or at least one section option")
    plan = edit_plan(read_workspace(db), territory, sections, scenario)
    console.print(f"Plan of {plan.territory} updated: {', '.join(sorted(sections))}.")


@plan_app.command("show")
@user_errors
def plan_show(
    territory: Annotated[str, typer.Argument(help="Territory name.", show_default=False)],
    a_share: Annotated[
        float,
        typer.Option(help="Share of accounts in tier A.", callback=number(at_least=0, at_most=1)),
    ] = 0.2,
    b_share: Annotated[
        float,
        typer.Option(help="Share of accounts in tier B.", callback=number(at_least=0, at_most=1)),
    ] = 0.3,
    scenario: ScenarioOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show a territory plan with account tiers and the seasonal opportunity calendar."""
    from territorial.cli.workspace import read_workspace
    from territorial.metrics.tiers import TierConfig
    from territorial.services.plans import show_plan

    try:
        tiers = TierConfig(a_share=a_share, b_share=b_share)
    except ValueError as exc:
        raise TerritorialError(str(exc)) from None
    view = show_plan(read_workspace(db), territory, scenario, tiers)
    if as_json:
        print_json(view)
        return
    data = view.to_dict()
    console.print(
        line(
            styled(territory),
            f" ({data['scenario']}), rep {view.rep or 'vacant'}, {view.accounts:,} accounts",
        ),
        highlight=False,
    )
    if view.quota:
        console.print(f"quota {view.quota[0]}: {float(view.quota[1]):,.0f}")
    for name in PLAN_SECTIONS:
        items = view.plan.section(name)
        console.print(line(styled(name.capitalize()), ("" if items else (" (none)", "dim"))))
        for item in items:
            console.print(f"  - {item}", markup=False, highlight=False)
    t = view.tiers
    console.print(line(styled("Tiers"), f" A {t['A']}, B {t['B']}, C {t['C']}"))
    for ext, name, score in view.top_accounts[:5]:
        console.print(f"  A {ext} {name} (score {score:.2f})", markup=False, highlight=False)
    yrs = view.calendar_years
    basis = f"{yrs} year(s) of sales" if yrs else "flat: no complete year of sales"
    console.print(line(styled("Seasonal calendar"), f" ({basis}; ↑ peak, ↓ low)"))
    marks = {"peak": "↑", "low": "↓", "": ""}
    cells = [f"{m} {i:.2f}{marks[f]}" for m, i, f in view.calendar]
    console.print("  " + "  ".join(cells), highlight=False)
    for g in view.goals:
        console.print(f"  goal {g.record.id}: {g.progress.sentence}", highlight=False)
